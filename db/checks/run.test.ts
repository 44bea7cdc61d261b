import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../core/checks/categories';
import { hasErrors } from '../../core/checks/finding';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { OPERATOR, TECHNICIAN } from '../../tests/support/repos';
import { applyFix, planFix } from './fixes';
import { runFixitySlice } from './fixity';
import { blobStoreInventory } from './inventory';
import { runChecks } from './run';

describe('runChecks on a catalogue with one planted fault of each kind', () => {
  it('each category finds exactly the planted faults and nothing else', () => {
    const cat = faultyCatalogue();
    runFixitySlice(cat.db, cat.blobs, { maxBlobs: 1_000_000, now: cat.clock.now });
    const report = runChecks(cat.db, {
      inventory: blobStoreInventory(cat.blobs),
      roster: cat.roster,
      now: cat.clock.now(),
    });
    const found = new Map(
      report.categories.map((c) => [c.id, c.findings.map((f) => `${f.kind} ${f.entityId}`).sort()]),
    );
    for (const id of CHECK_IDS) {
      expect({ id, found: found.get(id) }).toEqual({ id, found: cat.expected.get(id) ?? [] });
    }
    expect(report.categories.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(hasErrors(report)).toBe(true);
  });

  it('a clean catalogue gives no findings at all', () => {
    const cat = faultyCatalogue({ faults: false });
    runFixitySlice(cat.db, cat.blobs, { maxBlobs: 1_000_000 });
    const report = runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), roster: cat.roster });
    expect(report.categories.filter((c) => c.count > 0).map((c) => c.findings[0]?.message.en)).toEqual([]);
    expect(hasErrors(report)).toBe(false);
  });

  it('every finding has a Chinese message without holes and a fix', () => {
    const cat = faultyCatalogue();
    runFixitySlice(cat.db, cat.blobs, { maxBlobs: 1_000_000 });
    const report = runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), roster: cat.roster });
    for (const c of report.categories) {
      for (const f of c.findings) {
        expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(f.message.zh).not.toMatch(/undefined|\[object/);
        expect(f.fix.zh).not.toBe('');
        // What a UI links to: the record itself and the volume holding it (orphans have none).
        const orphan = f.kind === 'redundant-data.orphan-row';
        if (f.entityType === 'page' || f.entityType === 'document' || f.entityType === 'volume')
          expect({ kind: f.kind, volumeId: orphan || typeof f.ids.volumeId === 'number' }).toEqual({
            kind: f.kind,
            volumeId: true,
          });
        if (f.entityType === 'page' && !orphan)
          expect({ kind: f.kind, page: [typeof f.ids.pageId, typeof f.ids.pageSeq] }).toEqual({
            kind: f.kind,
            page: ['number', 'number'],
          });
        if (f.entityType === 'document') expect(f.ids.documentId).toBe(Number(f.entityId));
        if (f.entityType === 'enterprise') expect(f.ids.enterpriseId).toBe(Number(f.entityId));
      }
    }
  });

  it('without a roster, deleted-upstream says it was not checked; --only limits the categories', () => {
    const cat = faultyCatalogue({ clean: 1 });
    const report = runChecks(cat.db, {
      inventory: blobStoreInventory(cat.blobs),
      only: ['deleted-upstream', 'page-count'],
    });
    expect(report.categories.map((c) => c.id)).toEqual(['deleted-upstream', 'page-count']);
    const upstream = report.categories[0];
    expect(upstream?.count).toBe(0);
    expect(upstream?.notes[0]?.zh).toMatch(/未提供登记系统名录/);
    expect(report.categories[1]?.count).toBe(1);
  });

  it('records each run in check_runs with counts per category', () => {
    const cat = faultyCatalogue({ clean: 1 });
    runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), only: ['page-count', 'page-error'] });
    const row = cat.db.prepare('SELECT counts, errors FROM check_runs').get() as {
      counts: string;
      errors: number;
    };
    expect(JSON.parse(row.counts)).toEqual({ 'page-error': 3, 'page-count': 1 });
    expect(row.errors).toBe(1);
  });

  it('page positions held twice: refused by the schema, and found where a database lacks the unique index', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const page = cat.db.prepare('SELECT id, volume_id, seq FROM pages ORDER BY id LIMIT 1').get() as {
      id: number;
      volume_id: number;
      seq: number;
    };
    const twice = () =>
      cat.db
        .prepare('UPDATE pages SET seq = ? WHERE volume_id = ? AND seq = ?')
        .run(page.seq, page.volume_id, page.seq + 1);
    expect(twice).toThrow(/UNIQUE constraint failed/);
    // An older or damaged database without the index: the check itself must find the duplicate.
    cat.db.exec('DROP INDEX pages_volume_seq');
    twice();
    const report = runChecks(cat.db, {
      inventory: blobStoreInventory(cat.blobs),
      only: ['page-error'],
      record: false,
    });
    // Pages 1, 1, 3: position 1 twice, and 2 missing.
    expect(report.categories[0]?.findings.map((f) => [f.kind, f.entityId, f.details['seq']])).toEqual([
      ['page-error.seq-duplicate', String(page.volume_id), page.seq],
      ['page-error.seq-gap', String(page.volume_id), undefined],
    ]);
    // Which page the second document now holds is a person's call: the fix leaves the volume alone.
    const withDocs = applyFix(cat.db, cat.repos.audit, 'page-error', TECHNICIAN);
    expect(withDocs.plan.changes).toEqual([]);
    expect(withDocs.plan.skipped.map((x) => [x.table, x.id, x.reason.zh])).toEqual([
      ['volumes', page.volume_id, '某件的页码范围内已没有页面，须人工重新著录'],
    ]);
    // Uncatalogued, the renumbering fix gives them 1..3 in their order (ties by id).
    cat.db.prepare('DELETE FROM documents WHERE volume_id = ?').run(page.volume_id);
    applyFix(cat.db, cat.repos.audit, 'page-error', TECHNICIAN);
    const seqs = cat.db
      .prepare('SELECT id, seq FROM pages WHERE volume_id = ? ORDER BY id')
      .all(page.volume_id);
    expect(seqs).toEqual([1, 2, 3].map((seq, i) => ({ id: page.id + i, seq })));
  });
  it('pages before the first or after the last document are pages in no document; the fix leaves such a volume to a person', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    // The clean opening volume: 3 pages, one document per page.
    const volumeId = cat.db.prepare('SELECT min(id) FROM volumes').pluck().get() as number;
    const uncatalogued = () =>
      runChecks(cat.db, {
        inventory: blobStoreInventory(cat.blobs),
        only: ['page-error'],
        record: false,
      }).categories[0]?.findings.map((f) => [f.kind, f.entityId, f.details['seqs'] ?? f.details['missing']]);
    const docs = cat.db.prepare('SELECT id FROM documents WHERE volume_id = ? ORDER BY first_page').pluck();
    const [d1, , d3] = docs.all(volumeId) as number[];
    cat.db.prepare('DELETE FROM documents WHERE id = ?').run(d3);
    expect(uncatalogued()).toEqual([['page-error.uncatalogued', String(volumeId), [3]]]);
    cat.db.prepare('DELETE FROM documents WHERE id = ?').run(d1);
    expect(uncatalogued()).toEqual([['page-error.uncatalogued', String(volumeId), [1, 3]]]);

    // Pages 1 and 5, one document 1–2 (the newcomer's case): renumbering 5 → 2 could only shrink the
    // document or guess that page 5 is its second page, so the volume is left to a person.
    cat.db.prepare('DELETE FROM documents WHERE volume_id = ?').run(volumeId);
    const pageIds = cat.db
      .prepare('SELECT id FROM pages WHERE volume_id = ? ORDER BY seq')
      .pluck()
      .all(volumeId) as number[];
    cat.db.prepare('DELETE FROM pages WHERE id = ?').run(pageIds[1]);
    cat.db.prepare('UPDATE pages SET seq = 5 WHERE id = ?').run(pageIds[2]);
    cat.repos.documents.replaceAll(
      volumeId,
      [{ typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 2 }],
      OPERATOR,
    );
    expect(uncatalogued()).toEqual([
      ['page-error.seq-gap', String(volumeId), [2, 3, 4]],
      ['page-error.uncatalogued', String(volumeId), [5]],
    ]);
    const plan = planFix(cat.db, 'page-error');
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((x) => [x.table, x.id, x.reason.zh])).toEqual([
      ['volumes', volumeId, '第 5 页不属于任何文件，须人工著录后再重新编页'],
    ]);
  });
});
