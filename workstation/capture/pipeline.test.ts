import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DemoDriver } from '../../native/demo/demo-driver';
import { seedVolume } from '../../tests/support/repos';
import { CapturePipeline } from './pipeline';
import { runScan } from './scan';
import { closedAtTestEnd, openTestCapture } from '../../tests/support/capture-pipeline';

function setup(threads = 2) {
  const { db, repos, blobs, pipeline } = openTestCapture({ threads });
  const { volumeId } = seedVolume(repos);
  return { db, repos, blobs, pipeline, volumeId };
}

describe('capture pipeline', () => {
  it('acknowledges each page only once stored, then processes it: master, thumbnail, blank flag, transforms', async () => {
    const { repos, blobs, pipeline, volumeId } = setup();
    pipeline.start();
    const acked: number[] = [];
    const report = await runScan(
      pipeline,
      new DemoDriver({ seed: 11 }).scan('demo', { source: 'duplex', dpi: 150, mode: 'gray', maxPages: 4 }),
      volumeId,
      {
        onPage: (p) => {
          // At acknowledgement the page row and its original bytes are already there.
          expect(repos.pages.get(p.id).blobSha256).toBe(p.blobSha256);
          expect(blobs.verify(p.blobSha256).status).toBe('ok');
          acked.push(p.id);
        },
      },
    );
    expect(report.error).toBeNull();
    expect(acked).toHaveLength(4);
    await pipeline.idle();

    const pages = repos.pages.list(volumeId);
    expect(pages.map((p) => p.side)).toEqual(['front', 'back', 'front', 'back']);
    expect(pages.map((p) => p.isBlank)).toEqual([false, true, false, true]);
    for (const page of pages) {
      const proc = pipeline.capture.processing(page.id);
      expect(proc?.state).toBe('done');
      expect(proc?.lowDpi).toBe(true); // 150 dpi is under the DA/T 31 floor
      expect(blobs.verify(page.blobSha256).status).toBe('ok'); // the original stays
      const thumb = await sharp(blobs.read(proc!.thumbSha256!)).metadata();
      expect(thumb.width).toBe(256);
      const master = await sharp(blobs.read(proc!.masterSha256!)).metadata();
      expect(master.format).toBe('jpeg');
      expect(master.channels).toBe(1);
      const transforms = repos.pages.transforms(page.id);
      if (proc!.deskewed) {
        expect(Math.abs(proc!.skewDeg!)).toBeGreaterThanOrEqual(0.2);
        expect(transforms.map((t) => t.kind)).toContain('deskew');
        expect(transforms.at(-1)?.resultSha256).toBe(proc!.masterSha256);
        expect(proc!.masterSha256).not.toBe(page.blobSha256);
      }
    }
    // The demo skews its sheets by up to 1.6°: at least one front was straightened.
    expect(pages.some((p) => pipeline.capture.processing(p.id)?.deskewed)).toBe(true);
  });

  it('keeps capturing while processing is stopped, and processes the backlog after a restart', async () => {
    const { db, repos, blobs, volumeId } = setup();
    const captureOnly = new CapturePipeline(db, repos, blobs, { threads: 0 });
    const report = await runScan(
      captureOnly,
      new DemoDriver({ seed: 2 }).scan('demo', { source: 'feeder', dpi: 100, mode: 'color', maxPages: 3 }),
      volumeId,
    );
    expect(report.pages).toHaveLength(3);
    expect(captureOnly.capture.counts()).toEqual({ pending: 3, done: 0, failed: 0 });
    // A job left "running" by a process that died is given back too.
    repos.jobs.claim('dead-process', ['page.process']);

    const restarted = closedAtTestEnd(new CapturePipeline(db, repos, blobs, { threads: 2 }));
    restarted.start();
    await restarted.idle();
    expect(restarted.capture.counts()).toEqual({ pending: 0, done: 3, failed: 0 });
    const master = await sharp(
      blobs.read(restarted.capture.processing(report.pages[0]!.id)!.masterSha256!),
    ).metadata();
    expect(master.channels).toBe(3); // colour profile keeps colour
  });

  it('finds our QR volume label on a cover sheet and a Patch-T sheet between files, and marks them separators', async () => {
    const { repos, pipeline, volumeId } = setup();
    const { encodeLabel } = await import('../../core/labels/label-codec');
    const label = encodeLabel({
      archiveNo: '350200-2026-SL-000001',
      uscc: '91350200776049653A',
      volumeId: repos.volumes.get(volumeId).uid,
    });
    pipeline.start();
    // Cover + 9 sheets of the first file + Patch-T + first sheet of the next file.
    const report = await runScan(
      pipeline,
      new DemoDriver({ seed: 4, coverLabel: label, patchTBetweenFiles: true }).scan('demo', {
        source: 'feeder',
        dpi: 150,
        mode: 'gray',
        maxPages: 12,
      }),
      volumeId,
    );
    await pipeline.idle();
    const pages = repos.pages.list(volumeId);
    expect(pages).toHaveLength(12);
    expect(report.pages).toHaveLength(12);
    expect(pages[0]!.labelFound).toBe(label);
    expect(pages[0]!.isSeparator).toBe(true);
    expect(pages[10]!.isSeparator).toBe(true);
    expect(pipeline.capture.codes(pages[10]!.id)).toEqual([
      { symbology: 'code39', payload: 'PATCHT', role: 'patch-t' },
    ]);
    expect(pages.filter((p) => p.isSeparator)).toHaveLength(2);
    // The licence's own QR code (a gsxt.gov.cn URL) is recorded, and is not a separator.
    const licence = pages[9]!;
    expect(licence.isSeparator).toBe(false);
    expect(pipeline.capture.codes(licence.id).map((c) => c.role)).toContain('other');
  });
});
