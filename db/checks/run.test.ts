import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../core/checks/categories';
import { hasErrors } from '../../core/checks/finding';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
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
    expect(JSON.parse(row.counts)).toEqual({ 'page-error': 2, 'page-count': 1 });
    expect(row.errors).toBe(1);
  });
});
