import { expect, it } from 'vitest';
import type { Finding } from '../../core/checks/finding';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { blobStoreInventory } from '../checks/inventory';
import { runChecks } from '../checks/run';
import { FindingTargets } from './finding-targets';

it('resolves each kind of finding to the record the screen opens', () => {
  const cat = faultyCatalogue();
  const report = runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), roster: cat.roster });
  const findings = report.categories.flatMap((c) => c.findings);
  const targets = new FindingTargets(cat.db);
  const one = (kind: string): Finding => {
    const f = findings.find((x) => x.kind === kind);
    if (!f) throw new Error(`no ${kind} finding`);
    return f;
  };
  const page = (id: number) =>
    cat.db.prepare('SELECT volume_id AS volumeId, seq FROM pages WHERE id = ?').get(id) as {
      volumeId: number;
      seq: number;
    };
  const archiveNo = (volumeId: number) =>
    cat.db.prepare('SELECT archive_no FROM volumes WHERE id = ?').pluck().get(volumeId) as string;

  // opens a page finding at that page of its volume.
  {
    const f = one('image-wrong.low-dpi');
    const p = page(Number(f.entityId));
    expect(targets.resolve(f)).toEqual({
      kind: 'volume',
      volumeId: p.volumeId,
      archiveNo: archiveNo(p.volumeId),
      pageId: Number(f.entityId),
      seq: p.seq,
      documentSeq: null,
    });
  }

  // opens a volume finding at the first page its details name, and a count under `pages` is no id.
  {
    const f = one('page-error.uncatalogued');
    const pageId = (f.details['pages'] as number[])[0] ?? 0;
    expect(targets.resolve(f)).toMatchObject({ volumeId: Number(f.entityId), pageId, seq: page(pageId).seq });
    const counted = one('image-redundant.more-than-catalogued');
    expect(typeof counted.details['pages']).toBe('number');
    expect(targets.resolve(counted)).toMatchObject({ volumeId: Number(counted.entityId), pageId: null });
  }

  // opens a document finding at the document and its first page.
  {
    const f = one('index-error.page-range');
    const doc = cat.db
      .prepare('SELECT volume_id AS volumeId, seq, first_page AS firstPage FROM documents WHERE id = ?')
      .get(Number(f.entityId)) as { volumeId: number; seq: number; firstPage: number };
    const first = cat.db
      .prepare('SELECT id FROM pages WHERE volume_id = ? AND seq = ? AND deleted_at IS NULL')
      .pluck()
      .get(doc.volumeId, doc.firstPage) as number;
    expect(targets.resolve(f)).toMatchObject({
      kind: 'volume',
      volumeId: doc.volumeId,
      documentSeq: doc.seq,
      pageId: first,
      seq: doc.firstPage,
    });
  }

  // a transform opens its page; an orphan row has nothing to open; a deleted page opens its volume.
  {
    const transform = one('image-missing.transform');
    expect(targets.resolve(transform)).toMatchObject({ pageId: transform.details['pageId'] });
    const orphans = findings.filter((x) => x.kind.startsWith('redundant-data.orphan-'));
    expect(orphans.length).toBeGreaterThan(0);
    for (const o of orphans) expect(targets.resolve(o)).toBeNull();
    const expired = one('redundant-data.expired-deleted');
    const volumeId = page(Number(expired.entityId)).volumeId;
    expect(targets.resolve(expired)).toMatchObject({ kind: 'volume', volumeId, pageId: null, seq: null });
  }

  // names an enterprise by its code, a roster entry by its code.
  {
    const f = one('multi-opening.several');
    expect(targets.resolve(f)).toEqual({
      kind: 'enterprise',
      enterpriseId: Number(f.entityId),
      code: f.details['code'],
      name: f.details['name'],
    });
    const roster = one('deleted-upstream.unknown-here');
    expect(targets.resolve(roster)).toEqual({ kind: 'code', code: roster.entityId });
  }

  // shows an image by its digest with the pages that use it, and none for an unreferenced file.
  {
    const f = one('image-wrong.size-mismatch');
    const using = cat.db
      .prepare('SELECT id FROM pages WHERE blob_sha256 = ? ORDER BY id')
      .pluck()
      .all(f.entityId) as number[];
    expect(using.length).toBeGreaterThan(0);
    const t = targets.resolve(f);
    if (t?.kind !== 'blob') throw new Error('not a blob target');
    expect(t.sha256).toBe(f.entityId);
    expect(t.size).toBe(f.details['size']);
    expect(t.pages.filter((p) => p.use === 'original').map((p) => p.pageId)).toEqual(using);
    expect(t.pageCount).toBe(t.pages.length);
    const orphan = one('image-redundant.orphan-file');
    expect(targets.resolve(orphan)).toMatchObject({ kind: 'blob', pages: [], pageCount: 0 });
  }
});
