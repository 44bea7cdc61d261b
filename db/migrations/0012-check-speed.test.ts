import { describe, expect, it } from 'vitest';
import { WORKSTATION_SQL } from '../checks/workstation-sql';
import { textCandidateSql } from './0012-check-speed';
import { expectCandidatesFromIndexes } from '../../tests/support/check-plans';
import { checkTilingUnderWrites, expectTilingKept } from '../../tests/support/doc-tiling';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);

/** A version-11 catalogue: two volumes with documents (one tiling its pages, one not), blobs, re-hashes. */
function catalogueAt11(): string {
  const { db, file } = dbAtVersion(11);
  db.prepare(
    "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司', '350200', ?, ?), (2, '913502000000000002', ' 乙公司', '350200', ?, ?)",
  ).run(T, T, T, T);
  const volume = db.prepare(
    "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (?, ?, 1, ?, 'SL', 2026, '350200', 'archived', ?, ?)",
  );
  for (const id of [1, 2, 3]) volume.run(id, `u${id}`, `A-${id}`, T, T);
  const doc = db.prepare(
    "INSERT INTO documents (volume_id, seq, type_code, title, responsible, first_page, last_page, created_at, updated_at) VALUES (?, ?, 'SQ', ?, ?, ?, ?, ?, ?)",
  );
  doc.run(1, 1, '申请书', null, 1, 2, T, T);
  doc.run(1, 2, '执照', '厦门市\u200b市场监督管理局', 3, 5, T, T);
  doc.run(2, 1, '章程\u0007', null, 1, 3, T, T);
  doc.run(2, 2, '决定', null, 2, 4, T, T); // overlaps the one before
  const blob = db.prepare(
    "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
  );
  for (const c of 'abcd') blob.run(sha(c), T);
  const rehash = db.prepare(
    "INSERT INTO fixity_results (sha256, cycle, checked_at, status) VALUES (?, 1, ?, 'ok')",
  );
  rehash.run(sha('a'), T);
  rehash.run(sha('e'), T); // a re-hash of a blob since deleted
  db.close();
  return file;
}

const recountPending = (db: ReturnType<typeof upgrade>) =>
  db
    .prepare(
      'SELECT count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = b.sha256)',
    )
    .pluck()
    .get();

describe('migration 0012 check speed', () => {
  it('upgrades a version-11 catalogue: fills the document tiling and the not-yet-re-hashed count', () => {
    const db = upgrade(catalogueAt11());
    try {
      expect(db.prepare('SELECT volume_id, last, untiled FROM volume_doc_stats ORDER BY 1').all()).toEqual([
        { volume_id: 1, last: 5, untiled: 0 },
        { volume_id: 2, last: 4, untiled: 1 },
      ]);
      expectTilingKept(db, 'volume_doc_stats', 'volume_id');
      expect(db.prepare('SELECT blobs FROM fixity_pending').pluck().get()).toBe(3);
      // The partial indexes hold exactly the suspect values.
      expect(
        db
          .prepare(
            `SELECT id FROM enterprises INDEXED BY enterprises_name_suspect WHERE ${textCandidateSql('name', 200)}`,
          )
          .pluck()
          .all(),
      ).toEqual([2]);
    } finally {
      db.close();
    }
  });

  it('keeps the document tiling on every kind of write, equal to a recount', () => {
    const db = upgrade(catalogueAt11());
    try {
      const insert = db.prepare(
        "INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at) VALUES (?, ?, 'SQ', 't', ?, ?, ?, ?)",
      );
      checkTilingUnderWrites(db, {
        table: 'volume_doc_stats',
        key: 'volume_id',
        keys: [1, 2, 3],
        insert: (k, seq, first, last) => insert.run(k, seq, first, last, T, T),
      });
    } finally {
      db.close();
    }
  });

  it('keeps the not-yet-re-hashed count through blob and re-hash writes, equal to a recount', () => {
    const db = upgrade(catalogueAt11());
    try {
      const pending = () => db.prepare('SELECT blobs FROM fixity_pending').pluck().get();
      const steps = [
        "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES ('" +
          sha('f') +
          "', 1, 'image/jpeg', 't')",
        "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES ('" +
          sha('e') +
          "', 1, 'image/jpeg', 't')",
        "INSERT OR IGNORE INTO blobs (sha256, size, media_type, created_at) VALUES ('" +
          sha('f') +
          "', 1, 'image/jpeg', 't')",
        // The re-hash's upsert, new and repeated.
        `INSERT INTO fixity_results (sha256, cycle, checked_at, status) VALUES ('${sha('b')}', 1, 't', 'ok')
           ON CONFLICT (sha256) DO UPDATE SET cycle = 2`,
        `INSERT INTO fixity_results (sha256, cycle, checked_at, status) VALUES ('${sha('b')}', 2, 't', 'corrupt')
           ON CONFLICT (sha256) DO UPDATE SET cycle = 2, status = 'corrupt'`,
        `INSERT INTO fixity_results (sha256, cycle, checked_at, status) VALUES ('${sha('9')}', 2, 't', 'ok')`,
        `DELETE FROM blobs WHERE sha256 = '${sha('b')}'`,
        `DELETE FROM blobs WHERE sha256 = '${sha('c')}'`,
        `UPDATE blobs SET sha256 = '${sha('9')}' WHERE sha256 = '${sha('d')}'`,
        `UPDATE fixity_results SET sha256 = '${sha('8')}' WHERE sha256 = '${sha('9')}'`,
        // Maintenance's clean-up of re-hashes of vanished blobs, then a new cycle's wipe.
        'DELETE FROM fixity_results WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = fixity_results.sha256)',
        'DELETE FROM fixity_results',
      ];
      for (const step of steps) {
        db.exec(step);
        expect({ step, n: pending() }).toEqual({ step, n: recountPending(db) });
      }
    } finally {
      db.close();
    }
  });

  it('free text, codes not in normal form and coded values are read from the indexes, not by a pass', () => {
    const db = upgrade(catalogueAt11());
    try {
      expectCandidatesFromIndexes(db, WORKSTATION_SQL, '');
    } finally {
      db.close();
    }
  });
});
