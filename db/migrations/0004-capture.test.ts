import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

describe('migration 0004 capture', () => {
  it('upgrades a version-3 database holding pages and jobs, keeps them, and adds the capture tables', () => {
    const { db, file } = dbAtVersion(3);
    const t = '2026-01-01T00:00:00.000Z';
    const sha = 'a'.repeat(64);
    db.prepare(
      "INSERT INTO enterprises (id, reg_no, name, bureau_code, created_at, updated_at) VALUES (1, '110108000000016', '老字号', '350100', ?, ?)",
    ).run(t, t);
    db.prepare(
      "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, '350100-2003-SL-000001', 'SL', 2003, '350100', 'scanning', ?, ?)",
    ).run(t, t);
    db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    ).run(sha, t);
    db.prepare('INSERT INTO pages (id, volume_id, seq, blob_sha256, captured_at) VALUES (1, 1, 1, ?, ?)').run(
      sha,
      t,
    );
    db.prepare(
      "INSERT INTO jobs (kind, payload, state, run_after, created_at, updated_at) VALUES ('page.process', '{\"pageId\":1}', 'pending', ?, ?, ?)",
    ).run(t, t, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT id, seq, blob_sha256 FROM pages').all()).toEqual([
      { id: 1, seq: 1, blob_sha256: sha },
    ]);
    expect(next.prepare('SELECT kind, state FROM jobs').all()).toEqual([
      { kind: 'page.process', state: 'pending' },
    ]);

    next
      .prepare(
        "INSERT INTO page_processing (page_id, state, profile, arrived_at, master_sha256, crop) VALUES (1, 'done', 'gray', ?, ?, '{\"left\":1}')",
      )
      .run(t, sha);
    expect(() =>
      next
        .prepare(
          "INSERT INTO page_processing (page_id, state, profile, arrived_at) VALUES (2, 'pending', 'gray', ?)",
        )
        .run(t),
    ).toThrow(/FOREIGN KEY/);
    expect(() => next.prepare("UPDATE page_processing SET state = 'lost' WHERE page_id = 1").run()).toThrow(
      /CHECK/,
    );

    const take = next.prepare(
      "INSERT INTO imported_files (path, size, mtime_ms, sha256, volume_id, page_ids, taken_at) VALUES ('/in/a.tif', 10, 5, ?, 1, '[1]', ?)",
    );
    take.run(sha, t);
    expect(() => take.run(sha, t)).toThrow(/UNIQUE/); // the same file is taken once

    next
      .prepare(
        "INSERT INTO page_codes (page_id, symbology, payload, role, created_at) VALUES (1, 'code39', 'PATCHT', 'patch-t', ?)",
      )
      .run(t);
    next
      .prepare(
        "INSERT INTO page_ops (volume_id, op, params, undo, created_at) VALUES (1, 'delete', '{\"pageId\":1}', '{}', ?)",
      )
      .run(t);
    expect(next.prepare('SELECT count(*) FROM page_ops').pluck().get()).toBe(1);
    next.close();
  });
});
