import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../core/checks/categories';
import { runChecks } from '../db/checks/run';
import { STORE_NOT_CHECKED, STORE_SQL } from '../db/checks/store-sql';
import { openDatabase } from '../db/open';
import { STORE_MIGRATIONS } from '../db/store/migrations';
import { tempDir } from '../tests/support/temp-dir';
import { copyToStore, generateCatalogue } from './catalogue-generator';

const now = new Date('2026-11-01T00:00:00Z');

describe('the synthetic catalogue generator', () => {
  it('at small scale, the checks find exactly the planted number of faults per category, on a workstation and in a store', () => {
    const dir = tempDir();
    const wsFile = path.join(dir, 'dangan.db');
    const { db } = openDatabase(wsFile);
    try {
      const cat = generateCatalogue(db, { pages: 12_000, faults: 7 });
      expect(db.prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL').pluck().get()).toBe(cat.pages);
      const counts = (report: ReturnType<typeof runChecks>) =>
        Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
      const all = (expected: Readonly<Record<string, number>>) =>
        Object.fromEntries(CHECK_IDS.map((id) => [id, expected[id]]));
      // Twice: the first run lists all of storage, the second reads the cached listing.
      for (let i = 0; i < 2; i++)
        expect(counts(runChecks(db, { inventory: cat.inventory, record: false, now }))).toEqual(
          all(cat.expected),
        );

      // The same catalogue in a store at store migration 1, then upgraded (its backfill) and checked.
      const storeFile = path.join(dir, 'store.db');
      const v1 = openDatabase(storeFile, { migrations: STORE_MIGRATIONS.slice(0, 1) }).db;
      const expected = copyToStore(cat, wsFile, v1);
      v1.close();
      const store = openDatabase(storeFile, { migrations: STORE_MIGRATIONS }).db;
      try {
        const options = {
          inventory: cat.inventory,
          record: false,
          now,
          sql: STORE_SQL,
          notChecked: STORE_NOT_CHECKED,
        };
        for (let i = 0; i < 2; i++) expect(counts(runChecks(store, options))).toEqual(all(expected));
      } finally {
        store.close();
      }
      cat.close();
    } finally {
      db.close();
    }
  });
});
