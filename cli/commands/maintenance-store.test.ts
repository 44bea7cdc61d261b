import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupResult } from '../../db/maintenance/backup';
import type { MaintainReport } from '../../db/maintenance/maintain';
import { openStoreDatabase } from '../../db/store/open-store';
import { runCli as run } from '../../tests/support/cli';
import { emptyAnIndexOf } from '../../tests/support/damage-index';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';

/** A store folder made by `store init`, holding one volume received by `bag import`. */
async function receivedStore(): Promise<string> {
  const ws = openTestWorkstation();
  const { volumeId } = seedVerifiedVolume(ws, { pages: 2 });
  ws.data.close();
  const usb = path.join(tempDir(), 'usb');
  const storeDir = tempDir();
  for (const args of [
    ['bag', 'export', '--data', ws.data.dir, '--volume', String(volumeId), '--to', usb],
    ['store', 'init', '--store-data', storeDir],
    ['bag', 'import', usb, '--store-data', storeDir],
  ])
    expect((await run(...args)).code).toBe(0);
  return storeDir;
}

const storeDb = (dir: string) => openStoreDatabase(path.join(dir, 'store.db'));

describe('dangan maintain --store-data: the maintenance on an archive store', () => {
  it('checks and maintains a received store, removes its old operational rows and keeps the archive', async () => {
    const dir = await receivedStore();
    const db = storeDb(dir);
    const old = '2025-01-01T00:00:00.000Z';
    const now = new Date().toISOString();
    const session = db.prepare(
      "INSERT INTO transfer_sessions (id, client_id, volume_uid, files, state, created_at, updated_at) VALUES (?, 'c', 'u', '[]', ?, ?, ?)",
    );
    session.run('old-committed', 'committed', old, old);
    session.run('old-open', 'open', old, old); // the upload sweep's, not retention's
    session.run('new-committed', 'committed', now, now);
    const replay = db.prepare(
      "INSERT INTO idempotency (client_id, key, fingerprint, status, response, created_at) VALUES ('c', ?, 'f', 200, '{}', ?)",
    );
    replay.run('old', old);
    replay.run('new', now);
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    const archive = `SELECT (SELECT count(*) FROM volume_versions) || '/' || (SELECT count(*) FROM pages) || '/' || (SELECT count(*) FROM receipts)`;
    const held = db.prepare(archive).pluck().get() as string;
    expect(held).toBe('1/2/1');
    const audited = count('SELECT count(*) FROM audit_log');
    db.close();

    const m = await run('maintain', '--store-data', dir, '--json');
    expect(m.code).toBe(0);
    const r = JSON.parse(m.out) as MaintainReport;
    expect(r).toMatchObject({ ok: true, integrity: ['ok'], foreignKeys: 0, audit: { ok: true } });
    expect(r.removed).toEqual({ transfer_sessions: 1, idempotency: 1 });

    const after = storeDb(dir);
    try {
      expect(after.prepare('SELECT id FROM transfer_sessions ORDER BY id').pluck().all()).toEqual([
        'new-committed',
        'old-open',
      ]);
      expect(after.prepare(archive).pluck().get()).toBe(held);
      // The run is in the store's own audit chain, which a second run verifies.
      expect(after.prepare('SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1').pluck().get()).toBe(
        'db.maintain',
      );
      expect(after.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(audited + 1);
    } finally {
      after.close();
    }
    const again = await run('maintain', '--store-data', dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`✓ 审计链 audit chain: ${audited + 1} 条完好`);
  });

  it('reports a damaged store database with exit 1 and leaves it unrewritten', async () => {
    const dir = await receivedStore();
    emptyAnIndexOf(storeDb(dir), 'pages');
    const m = await run('maintain', '--store-data', dir);
    expect(m.code).toBe(1);
    expect(m.out).toMatch(/✗ 完整性 integrity_check: .*(missing from index|wrong # of entries)/);
    expect(m.out).toMatch(/vacuum: skipped/);
  });

  it('refuses --data with --store-data (maintain, backup, restore), and a folder that is not a store', async () => {
    for (const command of [['maintain'], ['backup', '--to', tempDir()], ['restore', '--from', tempDir()]]) {
      const both = await run(...command, '--data', tempDir(), '--store-data', tempDir());
      expect(both.code).toBe(2);
      expect(both.err).toContain('give only one of --data or --store-data');
    }
    const none = await run('maintain', '--store-data', path.join(tempDir(), 'nothing'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/No store data folder at .*nothing/);
  });
});

describe('dangan backup and restore --store-data', () => {
  const key = 'keys/receipt-key.pem';

  it('backs up a store with its key, verified, and restores it into an empty folder that checks out', async () => {
    const dir = await receivedStore();
    const to = tempDir();
    const b = await run('backup', '--store-data', dir, '--to', to, '--json');
    expect(b.code).toBe(0);
    const backup = JSON.parse(b.out) as BackupResult;
    expect(backup.manifest.kind).toBe('store');
    expect(backup.manifest.files.map((f) => f.path)).toContain(key);
    expect(fs.existsSync(path.join(backup.dir, 'store.db'))).toBe(true);
    expect(fs.statSync(path.join(backup.dir, key)).mode & 0o777).toBe(0o600);
    expect(backup.manifest.blobs.total).toBeGreaterThan(0);

    // Not into a workstation's folder, and not from a workstation's backup.
    const wrong = await run('restore', '--data', tempDir(), '--from', backup.dir, '--dry-run');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/这是档案库的备份.*use --store-data/);
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const ws = JSON.parse(
      (await run('backup', '--data', cat.dir, '--to', tempDir(), '--json')).out,
    ) as BackupResult;
    expect(ws.manifest.kind).toBe('workstation');
    const crossed = await run('restore', '--store-data', tempDir(), '--from', ws.dir, '--dry-run');
    expect(crossed.code).toBe(1);
    expect(crossed.err).toMatch(/use --data/);

    const fresh = path.join(tempDir(), 'store');
    expect((await run('restore', '--store-data', fresh, '--from', backup.dir)).code).toBe(0);
    expect(fs.readFileSync(path.join(fresh, key)).equals(fs.readFileSync(path.join(dir, key)))).toBe(true);
    expect(fs.statSync(path.join(fresh, key)).mode & 0o777).toBe(0o600);
    const versions = (d: string) => {
      const db = storeDb(d);
      try {
        return db.prepare('SELECT uid, current_version FROM volumes ORDER BY uid').all();
      } finally {
        db.close();
      }
    };
    expect(versions(fresh)).toEqual(versions(dir));
    // Every image back in place and the database whole: the checks and maintenance pass on the copy.
    expect((await run('check', '--store-data', fresh, '--only', 'image-missing')).code).toBe(0);
    expect((await run('maintain', '--store-data', fresh)).code).toBe(0);
  });

  it('refuses a store backup whose key file was changed, and leaves the folder alone', async () => {
    const dir = await receivedStore();
    const b = await run('backup', '--store-data', dir, '--to', tempDir(), '--json');
    const backup = JSON.parse(b.out) as BackupResult;
    fs.writeFileSync(path.join(backup.dir, key), 'not the key');
    const before = fs.readFileSync(path.join(dir, 'store.db'));
    const r = await run('restore', '--store-data', dir, '--from', backup.dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${key} does not match the manifest`);
    expect(fs.readFileSync(path.join(dir, 'store.db')).equals(before)).toBe(true);
  });
});
