import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_TABLES } from '../../checks/check-inputs';
import { STORE_SQL } from '../../checks/store-sql';
import { openDatabase } from '../../open';
import { expectCandidatesFromIndexes } from '../../../tests/support/check-plans';
import { checkTilingUnderWrites, expectTilingKept } from '../../../tests/support/doc-tiling';
import { tempDir } from '../../../tests/support/temp-dir';
import { STORE_MIGRATIONS } from './index';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);

/** A store database at version 2 holding one volume in two versions, each with documents. */
function storeAtVersion2(): string {
  const file = path.join(tempDir(), 'store.db');
  const { db } = openDatabase(file, { migrations: STORE_MIGRATIONS.slice(0, 2) });
  db.prepare("INSERT INTO bureaus (code, name, created_at) VALUES ('350200', '厦门', ?)").run(T);
  db.prepare(
    "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司  ', '350200', ?, ?)",
  ).run(T, T);
  db.prepare(
    "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, current_version, created_at, updated_at) VALUES (1, 'u1', 1, 'A-1', 'SL', 2026, '350200', 2, ?, ?)",
  ).run(T, T);
  db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, 10, ?)').run(sha('e'), T);
  const version = db.prepare(
    `INSERT INTO volume_versions (id, volume_id, version, manifest_sha256, declared_pages, payload_oxum, bag_info, tag_files,
       catalogue_sha256, client_id, via, created_at) VALUES (?, 1, ?, ?, 2, '1.1', '{}', '{}', ?, 'c', 'offline', ?)`,
  );
  version.run(1, 1, sha('1'), sha('e'), T);
  version.run(2, 2, sha('2'), sha('e'), T);
  const doc = db.prepare(
    "INSERT INTO documents (version_id, seq, type_code, title, first_page, last_page) VALUES (?, ?, 'SQ', ?, ?, ?)",
  );
  doc.run(1, 1, '申请书', 1, 3);
  doc.run(2, 1, '申请书', 1, 2);
  doc.run(2, 2, '执照\t', 4, 5); // page 3 in no document
  db.close();
  return file;
}

describe('store migration 0003 (store check speed)', () => {
  it('upgrades a version-2 store: fills the document tiling per version and keeps it on every write', () => {
    const { db } = openDatabase(storeAtVersion2(), { migrations: STORE_MIGRATIONS });
    try {
      expect(db.prepare('SELECT version_id, last, untiled FROM version_doc_stats ORDER BY 1').all()).toEqual([
        { version_id: 1, last: 3, untiled: 0 },
        { version_id: 2, last: 5, untiled: 1 },
      ]);
      expectTilingKept(db, 'version_doc_stats', 'version_id');
      const insert = db.prepare(
        "INSERT INTO documents (version_id, seq, type_code, title, first_page, last_page) VALUES (?, ?, 'SQ', 't', ?, ?)",
      );
      checkTilingUnderWrites(db, {
        table: 'version_doc_stats',
        key: 'version_id',
        keys: [1, 2],
        insert: (k, seq, first, last) => insert.run(k, seq, first, last),
      });
    } finally {
      db.close();
    }
  });

  it('free text, codes not in normal form and coded values are read from the indexes, not by a pass', () => {
    const { db } = openDatabase(storeAtVersion2(), { migrations: STORE_MIGRATIONS });
    try {
      for (const input of INPUT_TABLES.filter((t) => t.name === 'check_current')) input.build(db, {});
      expectCandidatesFromIndexes(db, STORE_SQL, 'store_');
    } finally {
      db.close();
    }
  });
});
