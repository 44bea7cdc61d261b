import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { OPERATOR, seedVolume } from '../../tests/support/repos';
import { blankPage, renderPage } from '../../tests/support/demo-volume';
import { PageOperations } from '../capture/page-ops';
import { ORIENTATION_JOB, OrientationService, textOrientation } from './orientation';
import { tesseractForTests } from '../../tests/support/tesseract';
import { openTestCapture } from '../../tests/support/capture-pipeline';

// Real tesseract.js (chi_sim, offline). An upright page costs one read; a turned one two to four.
const pool = tesseractForTests(1);
function form(): Promise<Buffer> {
  return renderPage({
    title: '公司设立登记申请书',
    header: ['统一社会信用代码：91350200776049653A', '名称：厦门测试有限公司'],
    lines: Array.from({ length: 24 }, (_, i) =>
      i % 2 === 0 ? `住所：厦门市思明区湖滨南路${i + 1}号` : '经营范围：软件开发；信息技术咨询服务',
    ),
  });
}

describe('text-based orientation', () => {
  it('finds upside-down and sideways pages by reading their top band, and leaves a page without text undecided', async () => {
    const page = await form();
    expect((await textOrientation(pool(), page)).degrees).toBe(0);
    const upsideDown = await textOrientation(pool(), await sharp(page).rotate(180).toBuffer());
    expect(upsideDown.degrees).toBe(180);
    expect(upsideDown.confidence[180]).toBeGreaterThan((upsideDown.confidence[0] ?? 0) + 15);
    // Turned a quarter clockwise: another quarter's turn three times puts it right.
    const sideways = await textOrientation(pool(), await sharp(page).rotate(90).toBuffer());
    expect(sideways.degrees).toBe(270);
    const blank = await textOrientation(pool(), await blankPage(), { sideways: false });
    expect(blank.degrees).toBeNull();
  });

  it('runs as a queued job and turns a page upright through the undoable rotate operation', async () => {
    const { db, repos, blobs, pipeline } = openTestCapture({ threads: 0 }, { jobs: { backoffBaseMs: 0 } });
    const ops = new PageOperations(db, repos, blobs, pipeline);
    const { volumeId } = seedVolume(repos);
    const png = (bytes: Buffer) => ({ bytes, mediaType: 'image/png', dpi: 150, mode: 'gray' as const });
    const turned = pipeline.capturePage(
      volumeId,
      png(
        await sharp(await form())
          .rotate(180)
          .png()
          .toBuffer(),
      ),
    );
    const blank = pipeline.capturePage(volumeId, png(await blankPage()));
    repos.pages.setFlags(blank.id, { isBlank: true });

    const service = new OrientationService(
      repos,
      pipeline.capture,
      blobs,
      pool(),
      async (pageId, degrees) => {
        await ops.rotate(pageId, degrees, OPERATOR);
      },
    );
    expect(service.enqueue([turned.id, blank.id], { sideways: false })).toBe(1); // blank pages carry no text
    const queued = repos.jobs.claim('peek', [ORIENTATION_JOB]);
    expect(queued).toMatchObject({ priority: 30 });
    repos.jobs.fail(queued?.id ?? 0, 'put back', 'peek');

    const runs = await service.drain();
    expect(runs.map((r) => [r.pageId, r.verdict?.degrees, r.turned])).toEqual([[turned.id, 180, true]]);
    // The new master reads upright; the original stays; the turn can be undone like the operator's own.
    const master = pipeline.capture.processing(turned.id)?.masterSha256;
    expect(master).not.toBe(turned.blobSha256);
    expect((await textOrientation(pool(), blobs.read(master!), { sideways: false })).degrees).toBe(0);
    expect(repos.pages.transforms(turned.id).at(-1)).toMatchObject({
      kind: 'rotate',
      params: { degrees: 180 },
    });
    expect(ops.undo(volumeId, OPERATOR)?.op).toBe('rotate');
  });
});
