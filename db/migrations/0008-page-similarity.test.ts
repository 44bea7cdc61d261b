import { describe, expect, it } from 'vitest';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

describe('migration 0008 page similarity', () => {
  it('upgrades a version-7 database holding pages, keeps them, and caches hashes and pair scores by image', () => {
    const { db, file } = dbAtVersion(7);
    const t = '2026-01-01T00:00:00.000Z';
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64)) as [string, string, string];
    const blob = db.prepare(
      "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 10, 'image/jpeg', ?)",
    );
    for (const sha of [a, b]) blob.run(sha, t);
    db.prepare(
      "INSERT INTO enterprises (uscc, name, bureau_code, created_at, updated_at) VALUES ('91350200776049653A', '厦门测试有限公司', '350200', ?, ?)",
    ).run(t, t);
    db.prepare(
      "INSERT INTO volumes (uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES ('u1', 1, '350200-2026-SL-000001', 'SL', 2026, '350200', 'scanning', ?, ?)",
    ).run(t, t);
    const page = db.prepare(
      'INSERT INTO pages (volume_id, seq, blob_sha256, captured_at) VALUES (1, ?, ?, ?)',
    );
    page.run(1, a, t);
    page.run(2, b, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT seq, blob_sha256 FROM pages ORDER BY seq').raw().all()).toEqual([
      [1, a],
      [2, b],
    ]);
    const hash = next.prepare(
      'INSERT INTO image_hashes (sha256, algorithm, hash, computed_at) VALUES (?, ?, ?, ?)',
    );
    hash.run(a, 'phash-64-16', Buffer.alloc(32, 1), t);
    expect(() => hash.run(a, 'phash-64-16', Buffer.alloc(32, 2), t)).toThrow(/UNIQUE/);
    expect(() => hash.run(c, 'phash-64-16', Buffer.alloc(32), t)).toThrow(/FOREIGN KEY/); // not a blob
    expect(() => hash.run(b, 'phash-64-16', Buffer.alloc(0), t)).toThrow(/CHECK/);
    const score = next.prepare(
      'INSERT INTO image_pair_scores (a_sha256, b_sha256, algorithm, score, computed_at) VALUES (?, ?, ?, ?, ?)',
    );
    score.run(a, b, 'ink-2-8x11', 0.1, t);
    expect(() => score.run(b, a, 'ink-2-8x11', 0.1, t)).toThrow(/CHECK/); // pairs are stored in order
    expect(() => score.run(a, b, 'ink-2-other', 1.5, t)).toThrow(/CHECK/);
    next.close();
  });
});
