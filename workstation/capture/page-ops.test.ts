import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pageImage } from '../../native/folder/fixtures';
import { OPERATOR, domainError, seedVolume } from '../../tests/support/repos';
import { PageOperations } from './page-ops';
import { type CapturedImage } from './pipeline';
import { openTestCapture } from '../../tests/support/capture-pipeline';

async function image(n: number): Promise<CapturedImage> {
  return { bytes: await pageImage('jpeg', n, 300, 420), mediaType: 'image/jpeg', dpi: 300, mode: 'gray' };
}

async function setup() {
  const { db, repos, blobs, pipeline } = openTestCapture();
  const { volumeId } = seedVolume(repos);
  const ids: number[] = [];
  for (let i = 1; i <= 3; i++) ids.push(pipeline.capturePage(volumeId, await image(i)).id);
  const ops = new PageOperations(db, repos, blobs, pipeline);
  const order = () => repos.pages.list(volumeId).map((p) => p.id);
  return { db, repos, blobs, pipeline, volumeId, ids, ops, order };
}

describe('page operations', () => {
  it('delete, insert, replace and reorder each undo back to the previous order, last first', async () => {
    const { ops, volumeId, ids, order, repos } = await setup();
    const [a, b, c] = ids as [number, number, number];
    ops.delete(b, OPERATOR);
    expect(order()).toEqual([a, c]);
    const inserted = ops.insert(volumeId, 1, await image(9), OPERATOR).page;
    expect(order()).toEqual([inserted.id, a, c]);
    const replacement = ops.replace(c, await image(8), OPERATOR, 'rescan').page;
    expect(order()).toEqual([inserted.id, a, replacement.id]);
    ops.reorder(volumeId, [replacement.id, a, inserted.id], OPERATOR);
    expect(order()).toEqual([replacement.id, a, inserted.id]);

    expect(ops.undo(volumeId, OPERATOR)?.op).toBe('reorder');
    expect(order()).toEqual([inserted.id, a, replacement.id]);
    expect(ops.undo(volumeId, OPERATOR)?.op).toBe('rescan');
    expect(order()).toEqual([inserted.id, a, c]);
    expect(ops.undo(volumeId, OPERATOR)?.op).toBe('insert');
    expect(order()).toEqual([a, c]);
    expect(ops.undo(volumeId, OPERATOR)?.op).toBe('delete');
    expect(order()).toEqual([a, b, c]);
    expect(ops.undo(volumeId, OPERATOR)).toBeNull();
    // Nothing was destroyed: the rescanned page's replacement is kept as a deleted row.
    expect(repos.pages.get(replacement.id).deletedAt).not.toBeNull();
  });

  it('rotates a page into a new master and undoes it; the original never changes', async () => {
    const { ops, volumeId, ids, repos, blobs, pipeline } = await setup();
    const pageId = ids[0]!;
    const original = repos.pages.get(pageId).blobSha256;
    await ops.rotate(pageId, 90, OPERATOR);
    const master = pipeline.capture.processing(pageId)!.masterSha256!;
    expect(master).not.toBe(original);
    const meta = await sharp(blobs.read(master)).metadata();
    expect([meta.width, meta.height]).toEqual([420, 300]);
    expect(repos.pages.transforms(pageId).map((t) => t.kind)).toEqual(['rotate']);
    ops.undo(volumeId, OPERATOR);
    expect(pipeline.capture.processing(pageId)!.masterSha256).toBe(original);
    expect(repos.pages.get(pageId).blobSha256).toBe(original);
  });

  it('refuses changes and undo once the volume is catalogued', async () => {
    const { ops, volumeId, ids, db } = await setup();
    ops.delete(ids[0]!, OPERATOR);
    db.prepare("UPDATE volumes SET state = 'catalogued' WHERE id = ?").run(volumeId);
    expect(domainError(() => ops.undo(volumeId, OPERATOR)).code).toBe('pages.locked');
    expect(domainError(() => ops.delete(ids[1]!, OPERATOR)).code).toBe('pages.locked');
  });
});
