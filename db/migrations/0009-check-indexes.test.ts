import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

const T = '2026-01-01T00:00:00.000Z';
const sha = (c: string) => c.repeat(64);

describe('migration 0009 check indexes', () => {
  it('upgrades a version-8 catalogue: seeds page counts, shared and unreferenced blobs, and keeps them on write', () => {
    const { db, file } = dbAtVersion(8);
    db.prepare(
      "INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at) VALUES (1, '913502000000000001', '甲公司', '350200', ?, ?)",
    ).run(T, T);
    db.prepare(
      "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, 'A-1', 'SL', 2026, '350200', 'archived', ?, ?)",
    ).run(T, T);
    const blob = db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    );
    for (const c of ['a', 'b', 'c']) blob.run(sha(c), T);
    const page = db.prepare(
      'INSERT INTO pages (volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at) VALUES (1, ?, ?, ?, 300, ?)',
    );
    page.run(1, sha('a'), 300, T);
    page.run(2, sha('a'), 150, T); // the same image twice, and below the dpi floor
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT volume_id, pages, min_seq, max_seq FROM volume_page_stats').all()).toEqual([
      { volume_id: 1, pages: 2, min_seq: 1, max_seq: 2 },
    ]);
    expect(next.prepare('SELECT sha256 FROM blob_shared').pluck().all()).toEqual([sha('a')]);
    expect(next.prepare('SELECT sha256 FROM blob_unref_candidates ORDER BY 1').pluck().all()).toEqual([
      sha('b'),
      sha('c'),
    ]);
    // Blobs recorded before the migration are compared with the first listing.
    expect(next.prepare('SELECT count(*) FROM blob_listing_dirty').pluck().get()).toBe(3);

    // Kept on write: a page added, one moved to a gap, one soft-deleted.
    next
      .prepare(
        'INSERT INTO pages (volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at) VALUES (1, 3, ?, 300, 300, ?)',
      )
      .run(sha('b'), T);
    next.prepare('UPDATE pages SET seq = 7 WHERE seq = 3').run();
    next.prepare('UPDATE pages SET deleted_at = ? WHERE seq = 1').run(T);
    expect(next.prepare('SELECT pages, min_seq, max_seq FROM volume_page_stats').get()).toEqual({
      pages: 2,
      min_seq: 2,
      max_seq: 7,
    });
    next.prepare('UPDATE pages SET blob_sha256 = ? WHERE seq = 7').run(sha('c'));
    expect(next.prepare('SELECT sha256 FROM blob_unref_candidates ORDER BY 1').pluck().all()).toContain(
      sha('b'),
    );

    // The partial index answers the dpi floor without a scan of pages.
    const plan = next
      .prepare(
        'EXPLAIN QUERY PLAN SELECT id FROM pages p WHERE p.deleted_at IS NULL AND min(p.dpi_x, p.dpi_y) < 200 AND min(p.dpi_x, p.dpi_y) < 200',
      )
      .all() as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/pages_low_dpi/);
    next.close();
  });

  it('every column referring to blobs has the triggers that keep blob_unref_candidates', () => {
    const { db, file } = dbAtVersion(8);
    db.close();
    const next = upgrade(file);
    const tables = next
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const triggers = next
      .prepare(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%blob_unref_candidates%'",
      )
      .all() as { tbl_name: string; sql: string }[];
    for (const table of tables) {
      const fks = next
        .prepare('SELECT "from" AS col FROM pragma_foreign_key_list(?) WHERE "table" = \'blobs\'')
        .pluck()
        .all(table) as string[];
      for (const col of fks) {
        const on = triggers.filter((t) => t.tbl_name === table && t.sql.includes(`OLD."${col}"`));
        expect({ table, col, delete: on.some((t) => /AFTER DELETE/.test(t.sql)) }).toEqual({
          table,
          col,
          delete: true,
        });
        expect({ table, col, update: on.some((t) => /AFTER UPDATE/.test(t.sql)) }).toEqual({
          table,
          col,
          update: true,
        });
      }
    }
    next.close();
  });
});
