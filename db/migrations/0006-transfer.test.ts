import { describe, expect, it } from 'vitest';
import { dbAtVersion, insertOldVolume, THEN, upgrade } from '../../tests/support/db-at-version';

describe('migration 0006 transfer', () => {
  it('upgrades a version-5 database with a queued volume, keeps it, and adds the transfer tables', () => {
    const { db, file } = dbAtVersion(5);
    const t = THEN;
    insertOldVolume(
      db,
      { uscc: '91350200776049653A', name: '厦门测试' },
      { archiveNo: '350200-2026-SL-000001', state: 'queued' },
    );
    db.prepare(
      "INSERT INTO outbox (id, volume_id, kind, state, created_at, updated_at) VALUES (1, 1, 'upload', 'failed', ?, ?)",
    ).run(t, t);
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT state, run_after FROM outbox').all()).toEqual([
      { state: 'failed', run_after: null },
    ]);
    const digest = 'a'.repeat(64);
    next
      .prepare(
        "INSERT INTO transfer_exports (volume_id, bag_dir, batch, manifest_sha256, state, created_at, updated_at) VALUES (1, '/x', 'b', ?, 'awaiting-receipt', ?, ?)",
      )
      .run(digest, t, t);
    const receipt = next.prepare(
      "INSERT INTO transfer_receipts (volume_id, manifest_sha256, store_version, via, receipt, received_at) VALUES (1, ?, 1, 'offline', '{}', ?)",
    );
    receipt.run(digest, t);
    expect(() => receipt.run(digest, t)).toThrow(/UNIQUE/);
    expect(() =>
      next
        .prepare(
          "INSERT INTO transfer_uploads (outbox_id, blob_sha256, upload_url, created_at) VALUES (99, 'x', 'u', ?)",
        )
        .run(t),
    ).toThrow(/FOREIGN KEY/);
    next.close();
  });
});
