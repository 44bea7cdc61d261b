import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * The per-volume (or per-version) document tiling summary of workstation migration 12 and store
 * migration 3, recounted here in JS from the documents themselves: the last catalogued page, and
 * whether the documents in page order tile 1..last (each ends where the running sum of lengths ends).
 */
export function recountTiling(
  db: Database.Database,
  key: string,
): { k: number; last: number; untiled: number }[] {
  const docs = db.prepare(`SELECT ${key} AS k, first_page AS f, last_page AS l FROM documents`).all() as {
    k: number;
    f: number;
    l: number;
  }[];
  const byKey = new Map<number, { f: number; l: number }[]>();
  for (const d of docs) byKey.set(d.k, [...(byKey.get(d.k) ?? []), d]);
  return [...byKey.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, list]) => {
      list.sort((a, b) => a.f - b.f || a.l - b.l);
      let run = 0;
      let untiled = 0;
      for (const d of list) {
        run += d.l - d.f + 1;
        if (run !== d.l) untiled = 1;
      }
      return { k, last: Math.max(...list.map((d) => d.l)), untiled };
    });
}

export function expectTilingKept(db: Database.Database, table: string, key: string): void {
  expect(db.prepare(`SELECT ${key} AS k, last, untiled FROM ${table} ORDER BY ${key}`).all()).toEqual(
    recountTiling(db, key),
  );
}

/**
 * Random inserts, deletes, range changes and moves of documents between the given keys (volumes or
 * versions), comparing the summary with a recount after every step.
 */
export function checkTilingUnderWrites(
  db: Database.Database,
  options: {
    table: string;
    key: string;
    keys: readonly number[];
    insert: (key: number, seq: number, first: number, last: number) => void;
  },
): void {
  const { table, key, keys } = options;
  let seq = 1000;
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      k: fc.constantFrom(...keys),
      first: fc.integer({ min: 1, max: 8 }),
      len: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant('range' as const),
      pick: fc.nat(),
      first: fc.integer({ min: 1, max: 8 }),
      len: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), k: fc.constantFrom(...keys) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
      db.exec('SAVEPOINT tiling');
      try {
        for (const o of ops) {
          const ids = db.prepare('SELECT id FROM documents ORDER BY id').pluck().all() as number[];
          const id = 'pick' in o && ids.length > 0 ? ids[o.pick % ids.length] : undefined;
          if (o.kind === 'insert') options.insert(o.k, seq++, o.first, o.first + o.len);
          else if (id === undefined) continue;
          else if (o.kind === 'delete') db.prepare('DELETE FROM documents WHERE id = ?').run(id);
          else if (o.kind === 'range')
            db.prepare('UPDATE documents SET first_page = ?, last_page = ? WHERE id = ?').run(
              o.first,
              o.first + o.len,
              id,
            );
          else db.prepare(`UPDATE documents SET ${key} = ?, seq = ? WHERE id = ?`).run(o.k, seq++, id);
          expectTilingKept(db, table, key);
        }
      } finally {
        db.exec('ROLLBACK TO tiling; RELEASE tiling');
      }
    }),
    { numRuns: Number(process.env['DANGAN_PROPERTY_RUNS'] ?? 60) },
  );
}
