import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../core/checks/categories';
import { runChecks } from '../db/checks/run';
import { openDatabase } from '../db/open';
import { tempDir } from '../tests/support/temp-dir';
import { generateCatalogue } from './catalogue-generator';

describe('the synthetic catalogue generator', () => {
  it('at small scale, the checks find exactly the planted number of faults per category', () => {
    const { db } = openDatabase(path.join(tempDir(), 'dangan.db'));
    try {
      const cat = generateCatalogue(db, { pages: 12_000, faults: 7 });
      expect(db.prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL').pluck().get()).toBe(cat.pages);
      const report = runChecks(db, {
        inventory: cat.inventory,
        record: false,
        now: new Date('2026-11-01T00:00:00Z'),
      });
      const counts = Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
      expect(counts).toEqual(Object.fromEntries(CHECK_IDS.map((id) => [id, cat.expected[id]])));
      cat.close();
    } finally {
      db.close();
    }
  });
});
