import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../open';
import { tempDir } from '../../../tests/support/temp-dir';
import { STORE_MIGRATIONS } from './index';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);

/** A store database at version 1 holding one volume in two versions. */
function storeAtVersion1(): string {
  const file = path.join(tempDir(), 'store.db');
  const { db } = openDatabase(file, { migrations: STORE_MIGRATIONS.slice(0, 1) });
  db.prepare("INSERT INTO bureaus (code, name, created_at) VALUES ('350200', '厦门', ?)").run(T);
  db.prepare(
    "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司', '350200', ?, ?)",
  ).run(T, T);
  db.prepare(
    "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, current_version, created_at, updated_at) VALUES (1, 'u1', 1, 'A-1', 'SL', 2026, '350200', 2, ?, ?)",
  ).run(T, T);
  const blob = db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, 10, ?)');
  for (const c of 'abcdefg') blob.run(sha(c), T);
  const version = db.prepare(
    `INSERT INTO volume_versions (id, volume_id, version, manifest_sha256, declared_pages, payload_oxum, bag_info, tag_files,
       catalogue_sha256, client_id, via, created_at) VALUES (?, 1, ?, ?, 2, '1.1', '{}', ?, ?, 'c', 'offline', ?)`,
  );
  version.run(1, 1, sha('1'), JSON.stringify({ 'bagit.txt': sha('e') }), sha('e'), T);
  version.run(2, 2, sha('2'), JSON.stringify({ 'bagit.txt': sha('e') }), sha('e'), T);
  const page = db.prepare(
    "INSERT INTO pages (version_id, seq, file, blob_sha256, media_type, meta) VALUES (?, ?, 'f', ?, 'image/jpeg', ?)",
  );
  page.run(1, 1, sha('a'), '{"dpiX":300,"dpiY":300}');
  page.run(2, 1, sha('a'), '{"dpiX":300,"dpiY":300}'); // the same blob in the next version: not a duplicate
  page.run(
    2,
    2,
    sha('b'),
    '{"dpiX":150,"dpiY":300,"transforms":[{"kind":"rotate","resultSha256":"' + sha('f') + '"}]}',
  );
  page.run(2, 3, sha('b'), '{"dpiX":300,"dpiY":300}'); // the same image twice in one version
  db.close();
  return file;
}

describe('store migration 0002 (store checks)', () => {
  it('upgrades a version-1 store: seeds page counts, shared, referenced and unreferenced blobs, and keeps them on write', () => {
    const file = storeAtVersion1();
    const { db } = openDatabase(file, { migrations: STORE_MIGRATIONS });
    try {
      expect(db.prepare('SELECT version_id, pages, min_seq, max_seq FROM version_page_stats').all()).toEqual([
        { version_id: 1, pages: 1, min_seq: 1, max_seq: 1 },
        { version_id: 2, pages: 3, min_seq: 1, max_seq: 3 },
      ]);
      expect(db.prepare('SELECT sha256 FROM blob_shared').pluck().all()).toEqual([sha('b')]);
      expect(db.prepare('SELECT sha256, kind FROM blob_refs ORDER BY 1').all()).toEqual([
        { sha256: sha('e'), kind: 'tag-file' },
        { sha256: sha('e'), kind: 'tag-file' },
        { sha256: sha('f'), kind: 'transform' },
      ]);
      // c, d, g: no page, version, tag file or transform names them.
      expect(db.prepare('SELECT sha256 FROM blob_unref_candidates ORDER BY 1').pluck().all()).toEqual([
        sha('c'),
        sha('d'),
        sha('g'),
      ]);

      // Kept on write: a page added, one moved, one's meta losing its transform, one deleted.
      db.prepare(
        "INSERT INTO pages (version_id, seq, file, blob_sha256, media_type, meta) VALUES (2, 9, 'f', ?, 'image/jpeg', '{}')",
      ).run(sha('c'));
      expect(db.prepare('SELECT pages, max_seq FROM version_page_stats WHERE version_id = 2').get()).toEqual({
        pages: 4,
        max_seq: 9,
      });
      db.prepare('UPDATE pages SET seq = 4 WHERE version_id = 2 AND seq = 9').run();
      db.prepare("UPDATE pages SET meta = '{}' WHERE version_id = 2 AND seq = 2").run();
      expect(db.prepare("SELECT count(*) FROM blob_refs WHERE kind = 'transform'").pluck().get()).toBe(0);
      db.prepare('DELETE FROM pages WHERE version_id = 2 AND seq = 4').run();
      expect(db.prepare('SELECT pages, max_seq FROM version_page_stats WHERE version_id = 2').get()).toEqual({
        pages: 3,
        max_seq: 3,
      });
      const candidates = db.prepare('SELECT sha256 FROM blob_unref_candidates').pluck().all();
      expect(candidates).toEqual(expect.arrayContaining([sha('c'), sha('f')]));
      db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, 1, ?)').run(sha('9'), T);
      expect(db.prepare('SELECT part FROM blob_listing_dirty').pluck().all()).toEqual(['9999']);

      // The partial indexes answer the dpi floor and the QR labels without a scan of pages.
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join(' ');
      expect(
        plan(
          "SELECT p.id FROM pages p WHERE min(p.meta ->> '$.dpiX', p.meta ->> '$.dpiY') < 200 AND min(p.meta ->> '$.dpiX', p.meta ->> '$.dpiY') < 250",
        ),
      ).toMatch(/store_pages_low_dpi/);
      expect(plan("SELECT p.id FROM pages p WHERE p.meta ->> '$.labelFound' IS NOT NULL")).toMatch(
        /store_pages_label/,
      );
    } finally {
      db.close();
    }
  });
});
