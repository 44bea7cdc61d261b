import { describe, expect, it } from 'vitest';
import { encodeLabel } from '../../core/labels/label-codec';
import type { Repos } from '../../db/repos';
import { pageImage } from '../../native/folder/fixtures';
import { OPERATOR, USCC_A, domainError, seedVolume } from '../../tests/support/repos';
import { verifyVolume } from '../../tests/support/volume-states';
import { applySplitVolume, previewSplitVolume } from './batch-split';
import { PageOperations } from './page-ops';
import { openTestCapture } from '../../tests/support/capture-pipeline';

/** A sheet of the stack: a content page, our label naming a volume, or a Patch-T sheet. */
type Sheet = 'page' | 'patch-t' | { label: number } | { labelText: string };

function labelOf(repos: Repos, volumeId: number): string {
  const v = repos.volumes.get(volumeId);
  return encodeLabel({ archiveNo: v.archiveNo, uscc: USCC_A, volumeId: v.uid });
}

function setup() {
  // Capture only; each page's processing outcome is then recorded as the pipeline records it (flags,
  // codes, done), so that these tests are about splitting, not about reading QR codes off images.
  const { db, repos, blobs, pipeline } = openTestCapture();
  const volumes = [1, 2, 3, 4].map((n) => seedVolume(repos, n).volumeId) as [number, number, number, number];
  const ops = new PageOperations(db, repos, blobs, pipeline);
  let shade = 0;
  const scan = async (volumeId: number, sheets: readonly Sheet[], process = true): Promise<number[]> => {
    const ids: number[] = [];
    for (const sheet of sheets) {
      const bytes = await pageImage('jpeg', shade++ % 30, 200, 280);
      const page = pipeline.capturePage(volumeId, { bytes, mediaType: 'image/jpeg', dpi: 300, mode: 'gray' });
      ids.push(page.id);
      if (!process) continue;
      const label =
        typeof sheet === 'object' ? ('label' in sheet ? labelOf(repos, sheet.label) : sheet.labelText) : null;
      repos.pages.setFlags(page.id, {
        isSeparator: sheet === 'patch-t' || label !== null,
        labelFound: label,
      });
      pipeline.capture.processed(
        page.id,
        {
          masterSha256: page.blobSha256,
          thumbSha256: page.blobSha256,
          orientation: 0,
          skewDeg: 0,
          deskewed: false,
          crop: null,
          blankScore: 0.05,
          lowDpi: false,
          durationMs: 1,
        },
        [
          ...(label !== null
            ? [{ symbology: 'qr' as const, payload: label, role: 'volume-label' as const }]
            : []),
          ...(sheet === 'patch-t'
            ? [{ symbology: 'code39' as const, payload: 'PATCHT', role: 'patch-t' as const }]
            : []),
        ],
      );
    }
    return ids;
  };
  const ids = (volumeId: number) => repos.pages.list(volumeId).map((p) => p.id);
  return { db, repos, pipeline, ops, volumes, scan, ids };
}

describe('batch splitting into volumes', () => {
  it('previews where each segment goes: the source, the volume a label names, the next volume after Patch-T', async () => {
    const { repos, pipeline, volumes, scan } = setup();
    const [v1, v2, v3] = volumes;
    const p = await scan(v1, ['page', 'page', { label: v2 }, 'page', 'page', 'patch-t', 'page']);
    const plan = previewSplitVolume(repos, pipeline.capture, v1, { nextVolumes: [v3] });
    expect(plan.segments.map((s) => [s.by, s.volumeId, s.moves, s.separators, s.pages, s.problem])).toEqual([
      ['source', v1, false, [], [p[0], p[1]], null],
      ['label', v2, true, [p[2]], [p[3], p[4]], null],
      ['patch-t', v3, true, [p[5]], [p[6]], null],
    ]);
    expect(plan.segments[1]?.archiveNo).toBe(repos.volumes.get(v2).archiveNo);
    expect(plan).toMatchObject({ movingPages: 5, pendingPages: 0, canApply: true });
    // A preview changes nothing.
    expect(repos.pages.list(v1)).toHaveLength(7);
  });

  it('moves the pages in one audited transaction, starts the target volumes, and undo brings them back', async () => {
    const { db, repos, pipeline, ops, volumes, scan, ids } = setup();
    const [v1, v2, v3] = volumes;
    const p = await scan(v1, ['page', 'page', { label: v2 }, 'page', 'page', 'patch-t', 'page']);
    const plan = previewSplitVolume(repos, pipeline.capture, v1, { nextVolumes: [v3] });
    const result = applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR, {
      nextVolumes: [v3],
      fingerprint: plan.fingerprint,
    });
    expect(result.moved).toEqual([
      { volumeId: v2, pageIds: [p[2], p[3], p[4]] },
      { volumeId: v3, pageIds: [p[5], p[6]] },
    ]);
    expect(ids(v1)).toEqual([p[0], p[1]]);
    expect(ids(v2)).toEqual([p[2], p[3], p[4]]);
    expect(ids(v3)).toEqual([p[5], p[6]]);
    // Positions without gaps in every volume; the pages keep their processing.
    for (const v of [v1, v2, v3]) {
      expect(repos.pages.list(v).map((x) => x.seq)).toEqual(ids(v).map((_, i) => i + 1));
    }
    expect(pipeline.capture.processing(p[3]!)?.state).toBe('done');
    // Separators stay, flagged, leading their volume.
    expect(repos.pages.get(p[2]!).isSeparator).toBe(true);
    expect(repos.pages.get(p[5]!).isSeparator).toBe(true);
    expect(repos.pages.get(p[3]!).isSeparator).toBe(false);
    // Registered targets were started through the lifecycle, audited.
    expect(repos.volumes.get(v2).state).toBe('scanning');
    expect(repos.volumes.get(v3).state).toBe('scanning');
    const records = [...repos.audit.records()];
    expect(records.filter((r) => r.action === 'page.move')).toHaveLength(2);
    expect(records.at(-1)).toMatchObject({
      action: 'batch.split',
      username: 'op-wang',
      objectId: String(v1),
    });
    expect(repos.audit.verify().ok).toBe(true);

    // Undo from the source volume, like any page operation.
    ops.undo(v1, OPERATOR);
    expect(ids(v1)).toEqual(p);
    expect(ids(v2)).toEqual([]);
    expect(ids(v3)).toEqual([]);
    expect(repos.pages.list(v1).map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ops.undo(v1, OPERATOR)).toBeNull();
  });

  it('leaves a segment whose label names the source volume itself where it is', async () => {
    const { db, repos, pipeline, volumes, scan } = setup();
    const [v1] = volumes;
    await scan(v1, [{ label: v1 }, 'page', 'page']);
    const plan = previewSplitVolume(repos, pipeline.capture, v1);
    expect(plan.segments.map((s) => [s.by, s.volumeId, s.moves])).toEqual([['label', v1, false]]);
    expect(plan.canApply).toBe(false);
    expect(domainError(() => applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR)).code).toBe(
      'split.not-ready',
    );
  });

  it('names each segment it cannot place, and applies nothing until all can be', async () => {
    const { db, repos, pipeline, volumes, scan, ids } = setup();
    const [v1, v2, , v4] = volumes;
    verifyVolume(repos, v4);
    const unknown = encodeLabel({
      archiveNo: '350200-2026-SL-000099',
      uscc: USCC_A,
      volumeId: '00000000-0000-4000-8000-000000000001',
    });
    const p = await scan(v1, [
      'page',
      { label: v4 },
      'page',
      { labelText: unknown },
      'page',
      'patch-t',
      'page',
    ]);
    const plan = previewSplitVolume(repos, pipeline.capture, v1);
    const problems = plan.segments.map((s) => s.problem?.en ?? null);
    expect(problems[0]).toBeNull();
    expect(problems[1]).toMatch(/is verified and cannot take scanned pages/);
    expect(problems[2]).toMatch(/350200-2026-SL-000099 on the label is not registered/);
    expect(problems[3]).toMatch(/No volume is given for the pages after this Patch-T sheet/);
    expect(plan.segments[2]?.problem?.zh).toContain('未在本工作站登记');
    expect(plan.canApply).toBe(false);
    const failure = domainError(() => applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR));
    expect(failure.code).toBe('split.not-ready');
    expect(ids(v1)).toEqual(p);
    expect(ids(v2)).toEqual([]);
  });

  it('waits for unprocessed pages, and refuses a plan that changed since its preview', async () => {
    const { db, repos, pipeline, volumes, scan } = setup();
    const [v1, v2] = volumes;
    await scan(v1, ['page', { label: v2 }, 'page']);
    const plan = previewSplitVolume(repos, pipeline.capture, v1);
    expect(plan.canApply).toBe(true);
    await scan(v1, ['page'], false); // arrives, not processed yet
    const later = previewSplitVolume(repos, pipeline.capture, v1);
    expect(later).toMatchObject({ pendingPages: 1, canApply: false });
    expect(
      domainError(() =>
        applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR, { fingerprint: plan.fingerprint }),
      ).code,
    ).toBe('split.changed');
    expect(domainError(() => applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR)).text.en).toMatch(
      /1 pages are still being processed/,
    );
  });

  it('cannot be undone once a target volume is catalogued or its moved pages changed', async () => {
    const { db, repos, pipeline, ops, volumes, scan, ids } = setup();
    const [v1, v2] = volumes;
    const p = await scan(v1, ['page', { label: v2 }, 'page', 'page']);
    applySplitVolume(db, repos, pipeline.capture, v1, OPERATOR);
    repos.pages.softDelete(p[3]!, OPERATOR);
    expect(domainError(() => ops.undo(v1, OPERATOR)).code).toBe('split.undo-changed');
    expect(ids(v2)).toEqual([p[1], p[2]]);
    repos.volumes.transition(v2, 'scanned', OPERATOR);
    repos.volumes.transition(v2, 'catalogued', OPERATOR);
    expect(domainError(() => ops.undo(v1, OPERATOR)).code).toBe('pages.locked');
  });
});
