import { describe, expect, it } from 'vitest';
import { dbAtVersion, insertOldVolume, THEN, upgrade } from '../../tests/support/db-at-version';

describe('migration 0004 capture', () => {
  it('upgrades a version-3 database holding pages and jobs, keeps them, and adds the capture tables', () => {
    const { db, file } = dbAtVersion(3);
    const t = THEN;
    const sha = 'a'.repeat(64);
    insertOldVolume(
      db,
      { regNo: '110108000000016', name: '老字号' },
      { archiveNo: '350100-2003-SL-000001', state: 'scanning' },
      { sha256: sha, size: 10, mediaType: 'image/jpeg' },
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
