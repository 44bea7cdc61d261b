import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATOR, openTestRepos, seedVolume } from '../../tests/support/repos';
import type { BlobInfo } from './pages';

const blob = (s: string): BlobInfo => ({
  sha256: createHash('sha256').update(s).digest('hex'),
  sm3: null,
  size: s.length,
  mediaType: 'image/jpeg',
});

function setup() {
  const t = openTestRepos();
  const { volumeId } = seedVolume(t.repos);
  const add = (s: string) => t.repos.pages.addCaptured({ volumeId, blob: blob(s) });
  return { ...t, volumeId, add, pages: t.repos.pages };
}

describe('PagesRepo capture', () => {
  it('appends captured pages in order, each blob recorded once', () => {
    const { pages, volumeId, add, db } = setup();
    const a = add('a');
    const b = add('b');
    const again = add('a');
    expect([a.seq, b.seq, again.seq]).toEqual([1, 2, 3]);
    expect(a).toMatchObject({
      volumeId,
      blobSha256: blob('a').sha256,
      isBlank: false,
      isSeparator: false,
      deletedAt: null,
    });
    expect(pages.list(volumeId).map((p) => p.id)).toEqual([a.id, b.id, again.id]);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(2);
    expect(pages.get(a.id)).toEqual(a);
  });

  it('keeps the capture metadata and the batch', () => {
    const { repos, volumeId } = setup();
    const batch = repos.batches.open({ device: 'escl:fi-7160', profile: { dpi: 300 }, operatorId: null });
    const metadata = {
      width: 2480,
      height: 3508,
      dpiX: 300,
      dpiY: 300,
      colorMode: 'color',
      side: 'front',
      batchId: batch.id,
    } as const;
    const p = repos.pages.addCaptured({ volumeId, blob: { ...blob('p'), sm3: 'a'.repeat(64) }, ...metadata });
    expect(p).toMatchObject(metadata);
    repos.batches.close(batch.id);
    expect(() => repos.pages.addCaptured({ volumeId, blob: blob('q'), batchId: batch.id })).toThrow(
      expect.objectContaining({ code: 'batch.not-open' }),
    );
    expect(() => repos.pages.addCaptured({ volumeId, blob: blob('q'), batchId: 99 })).toThrow(
      expect.objectContaining({ code: 'batch.not-found' }),
    );
  });

  it('refuses unknown volumes and malformed blob descriptions, writing nothing', () => {
    const { pages, db } = setup();
    expect(() => pages.addCaptured({ volumeId: 99, blob: blob('a') })).toThrow(
      expect.objectContaining({ code: 'volume.not-found' }),
    );
    expect(() => pages.addCaptured({ volumeId: 1, blob: { ...blob('a'), sha256: 'ABC' } })).toThrow(
      expect.objectContaining({ code: 'blob.invalid' }),
    );
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(0);
  });
});

describe('PagesRepo order', () => {
  it('reorders to any permutation of the live pages, and only to one', () => {
    const { pages, volumeId, add, repos } = setup();
    const [a, b, c] = [add('a'), add('b'), add('c')];
    expect(pages.reorder(volumeId, [c.id, a.id, b.id], OPERATOR).map((p) => [p.id, p.seq])).toEqual([
      [c.id, 1],
      [a.id, 2],
      [b.id, 3],
    ]);
    for (const wrong of [[a.id, b.id], [a.id, b.id, c.id, 99], [a.id, a.id, b.id], []]) {
      expect(() => pages.reorder(volumeId, wrong, OPERATOR)).toThrow(
        expect.objectContaining({ code: 'pages.reorder-mismatch' }),
      );
    }
    expect(pages.list(volumeId).map((p) => p.id)).toEqual([c.id, a.id, b.id]);
    expect([...repos.audit.records()].filter((r) => r.action === 'page.reorder')).toHaveLength(1);
  });

  it('moves live pages to the end of another volume; both stay without gaps; refuses a mixed or dead set', () => {
    const { pages, volumeId, add, repos } = setup();
    const other = seedVolume(repos, 2).volumeId;
    const [a, b, c, d] = [add('a'), add('b'), add('c'), add('d')];
    const x = pages.addCaptured({ volumeId: other, blob: blob('x') });
    pages.softDelete(d.id, OPERATOR);
    for (const wrong of [[b.id, x.id], [b.id, b.id], [d.id]]) {
      expect(() => pages.moveToVolume(wrong, other, OPERATOR)).toThrow(
        expect.objectContaining({ code: 'pages.move-mismatch' }),
      );
    }
    expect(pages.moveToVolume([c.id, b.id], other, OPERATOR).map((p) => [p.id, p.volumeId, p.seq])).toEqual([
      [c.id, other, 2],
      [b.id, other, 3],
    ]);
    expect(pages.list(volumeId).map((p) => [p.id, p.seq])).toEqual([[a.id, 1]]);
    expect(pages.list(other).map((p) => p.id)).toEqual([x.id, c.id, b.id]);
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'page.move',
      details: { to: other, pageIds: [c.id, b.id], from: [3, 2] },
    });
  });

  it('soft-deletes a page and closes the gap; the deleted row keeps its place for the record', () => {
    const { pages, volumeId, add } = setup();
    const [a, b, c, d] = [add('a'), add('b'), add('c'), add('d')];
    pages.softDelete(b.id, OPERATOR);
    pages.softDelete(b.id, OPERATOR); // idempotent
    expect(pages.list(volumeId).map((p) => [p.id, p.seq])).toEqual([
      [a.id, 1],
      [c.id, 2],
      [d.id, 3],
    ]);
    expect(pages.get(b.id).seq).toBe(2);
    expect(pages.get(b.id).deletedAt).not.toBeNull();
    expect(add('e').seq).toBe(4);
  });

  it('inserts at a position, moving the rest back', () => {
    const { pages, volumeId, add } = setup();
    const [a, b] = [add('a'), add('b')];
    const first = pages.insertAt(volumeId, 1, { blob: blob('first') }, OPERATOR);
    const last = pages.insertAt(volumeId, 4, { blob: blob('last') }, OPERATOR);
    const mid = pages.insertAt(volumeId, 3, { blob: blob('mid') }, OPERATOR);
    expect(pages.list(volumeId).map((p) => p.id)).toEqual([first.id, a.id, mid.id, b.id, last.id]);
    for (const position of [0, 7, 1.5]) {
      expect(() => pages.insertAt(volumeId, position, { blob: blob('z') }, OPERATOR)).toThrow(
        expect.objectContaining({ code: 'pages.invalid-position' }),
      );
    }
  });

  it('property: any sequence of add, insert, delete and reorder keeps positions 1..n in the model’s order', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('reorder' as const), seed: fc.array(fc.nat(), { maxLength: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const { pages, volumeId } = setup();
        let model: number[] = [];
        let n = 0;
        for (const o of ops) {
          const b = blob(`page-${n++}`);
          if (o.kind === 'add') model.push(pages.addCaptured({ volumeId, blob: b }).id);
          if (o.kind === 'insert') {
            const at = (o.at % (model.length + 1)) + 1;
            model.splice(at - 1, 0, pages.insertAt(volumeId, at, { blob: b }, OPERATOR).id);
          }
          if (o.kind === 'delete' && model.length > 0) {
            const [gone] = model.splice(o.at % model.length, 1);
            pages.softDelete(gone!, OPERATOR);
          }
          if (o.kind === 'reorder') {
            const shuffled = [...model];
            o.seed.forEach((s, i) => {
              if (shuffled.length < 2) return;
              const j = i % shuffled.length;
              const k = s % shuffled.length;
              [shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!];
            });
            pages.reorder(volumeId, shuffled, OPERATOR);
            model = shuffled;
          }
          const live = pages.list(volumeId);
          expect(live.map((p) => p.id)).toEqual(model);
          expect(live.map((p) => p.seq)).toEqual(model.map((_, i) => i + 1));
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('PagesRepo flags and transforms', () => {
  it('sets flags partially', () => {
    const { pages, add } = setup();
    const p = add('a');
    expect(pages.setFlags(p.id, { isBlank: true, blankScore: 0.97 })).toMatchObject({
      isBlank: true,
      blankScore: 0.97,
      isSeparator: false,
    });
    expect(pages.setFlags(p.id, { labelFound: 'DG1:350200-2026-SL-000001' })).toMatchObject({
      isBlank: true,
      blankScore: 0.97,
      labelFound: 'DG1:350200-2026-SL-000001',
    });
    expect(pages.setFlags(p.id, { blankScore: null, isBlank: false })).toMatchObject({
      isBlank: false,
      blankScore: null,
    });
    expect(() => pages.setFlags(99, {})).toThrow(expect.objectContaining({ code: 'page.not-found' }));
  });

  it('appends transforms in order and never replaces the original', () => {
    const { pages, add, repos } = setup();
    const p = add('original');
    const rotated = blob('rotated');
    pages.addBlob(rotated);
    const t1 = pages.addTransform(
      p.id,
      { kind: 'rotate', params: { degrees: 90 }, resultSha256: rotated.sha256 },
      OPERATOR,
    );
    const t2 = pages.addTransform(p.id, { kind: 'deskew', params: { angle: -0.7 } }, OPERATOR);
    expect([t1.seq, t2.seq]).toEqual([1, 2]);
    expect(pages.transforms(p.id)).toEqual([t1, t2]);
    expect(t1).toMatchObject({ kind: 'rotate', params: { degrees: 90 }, resultSha256: rotated.sha256 });
    expect(pages.get(p.id).blobSha256).toBe(blob('original').sha256);
    expect(() =>
      pages.addTransform(p.id, { kind: 'crop', params: {}, resultSha256: blob('nowhere').sha256 }, OPERATOR),
    ).toThrow(expect.objectContaining({ code: 'blob.unknown' }));
    const bogus = { kind: 'sharpen', params: {} } as unknown as Parameters<typeof pages.addTransform>[1];
    expect(() => pages.addTransform(p.id, bogus, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'page.invalid-transform' }),
    );
    expect([...repos.audit.records()].filter((r) => r.action === 'page.transform')).toHaveLength(2);
  });
});
