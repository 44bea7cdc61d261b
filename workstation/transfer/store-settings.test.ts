import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engineWithUsers } from '../../tests/support/engine-users';
import { domainError, TECHNICIAN } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';
import { KEY_FILE, fileKeys, openSecret, osKeys, sealSecret } from './secret-box';
import {
  STORE_SETTING,
  readSavedConnectionInfo,
  readStoredConnection,
  writeStoredConnection,
} from './store-settings';

const SECRET = 'Zq8-very-secret-credential-0123456789abcdef';
const CONN = { url: 'http://127.0.0.1:9', clientId: 'ws-350200-01', secret: SECRET, bureauCode: '350200' };

function rawSetting(ws: ReturnType<typeof openTestWorkstation>): string {
  const row = ws.data.db.prepare('SELECT value FROM settings WHERE key = ?').get(STORE_SETTING) as
    | { value: string }
    | undefined;
  if (row === undefined) throw new Error('no setting row');
  return row.value;
}

/** Every byte SQLite holds for this data folder: the database and its write-ahead log. */
function databaseBytes(dir: string): string {
  return ['dangan.db', 'dangan.db-wal']
    .map((f) => path.join(dir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('');
}

describe('the saved store secret is sealed at rest', () => {
  it('saved through 系统维护: the database holds no trace of the secret; the key file is 0600 beside it', async () => {
    const ws = openTestWorkstation();
    const t = await engineWithUsers({ db: ws.data.db, dataDir: ws.data.dir, now: ws.clock.now, store: null });
    expect(fs.existsSync(path.join(ws.data.dir, KEY_FILE))).toBe(false);
    await t.ok('maintenance.storeSave', { ...CONN }, t.as.technician);
    const view = await t.ok('maintenance.storeGet', {}, t.as.technician);
    expect(view.saved).toMatchObject({ clientId: CONN.clientId, secretSet: true });
    await t.engine.close();

    const stored = JSON.parse(rawSetting(ws)) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['bureauCode', 'clientId', 'sealedSecret', 'url']);
    expect(stored['sealedSecret']).toMatch(/^dgs1\./);
    expect(rawSetting(ws)).not.toContain(SECRET);
    expect(databaseBytes(ws.data.dir)).not.toContain(SECRET);
    const audit = ws.data.db.prepare("SELECT details FROM audit_log WHERE action = 'setting.set'").all() as {
      details: string;
    }[];
    expect(audit.map((a) => a.details).join('')).not.toContain(SECRET);
    expect(audit.map((a) => a.details).join('')).not.toContain(String(stored['sealedSecret']));
    const keyFile = path.join(ws.data.dir, KEY_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readStoredConnection(ws.repos.settings, fileKeys(ws.data.dir))).toEqual(CONN);
  });

  it('a database copied without its key file does not reveal the secret and asks for it again', async () => {
    const ws = openTestWorkstation();
    writeStoredConnection(ws.repos.settings, CONN, fileKeys(ws.data.dir), TECHNICIAN);
    ws.data.db.pragma('wal_checkpoint(TRUNCATE)');
    // The copy: the database file alone, into another data folder (a new installation).
    const elsewhere = tempDir();
    fs.copyFileSync(path.join(ws.data.dir, 'dangan.db'), path.join(elsewhere, 'dangan.db'));
    const copy = openTestWorkstation(elsewhere);
    expect(readSavedConnectionInfo(copy.repos.settings)).toMatchObject({ secretSet: true });
    const e = domainError(() => readStoredConnection(copy.repos.settings, fileKeys(elsewhere)));
    expect(e.code).toBe('store.secret-unreadable');
    expect(e.text.zh).toContain('无法解密');
    expect(e.text.zh).toContain('重新填写密钥');
    expect(e.text.en).toContain('Re-enter the secret');
    // A key file of its own (another installation's) opens nothing either.
    fileKeys(elsewhere).sealing();
    expect(domainError(() => readStoredConnection(copy.repos.settings, fileKeys(elsewhere))).code).toBe(
      'store.secret-unreadable',
    );

    // Through the engine: 测试连接 without re-entering the secret says the same; re-entering it works.
    const t = await engineWithUsers({
      db: copy.data.db,
      dataDir: elsewhere,
      now: copy.clock.now,
      store: null,
    });
    const form = { url: CONN.url, clientId: CONN.clientId, bureauCode: CONN.bureauCode };
    const refused = await t.fails('maintenance.storeTest', form, t.as.technician);
    expect(refused.code).toBe('store.secret-unreadable');
    await t.ok('maintenance.storeSave', { ...form, secret: SECRET }, t.as.technician);
    expect(readStoredConnection(copy.repos.settings, fileKeys(elsewhere))?.secret).toBe(SECRET);
    await t.engine.close();
  });

  it('a plain-text row written before sealing is sealed when it is first read', () => {
    const ws = openTestWorkstation();
    ws.repos.settings.set(STORE_SETTING, { ...CONN }, TECHNICIAN, { redact: ['secret'] });
    expect(rawSetting(ws)).toContain(SECRET);
    const keys = fileKeys(ws.data.dir);
    expect(readStoredConnection(ws.repos.settings, keys)).toEqual(CONN);
    expect(rawSetting(ws)).not.toContain(SECRET);
    expect(JSON.parse(rawSetting(ws))).toHaveProperty('sealedSecret');
    expect(readStoredConnection(ws.repos.settings, keys)).toEqual(CONN);
    const last = ws.repos.audit.verify();
    expect(last.ok).toBe(true);
  });

  it('Electron’s OS-kept key seals; a value sealed under the key file (browser mode) still opens and is sealed again', () => {
    const ws = openTestWorkstation();
    writeStoredConnection(ws.repos.settings, CONN, fileKeys(ws.data.dir), TECHNICIAN);
    const fromFile = rawSetting(ws);
    const keys = osKeys(randomBytes(32), ws.data.dir);
    expect(readStoredConnection(ws.repos.settings, keys)).toEqual(CONN);
    const resealed = JSON.parse(rawSetting(ws)) as { sealedSecret: string };
    expect(rawSetting(ws)).not.toEqual(fromFile);
    expect(openSecret(keys, resealed.sealedSecret)).toEqual({ plain: SECRET, reseal: false });
    // Only the OS key opens it now: the key file alone does not.
    expect(openSecret(fileKeys(ws.data.dir), resealed.sealedSecret)).toBeNull();
  });

  it('an edited sealed value is refused, not decrypted to something else', () => {
    const dir = tempDir();
    const keys = fileKeys(dir);
    const sealed = sealSecret(keys, SECRET);
    expect(openSecret(keys, sealed)?.plain).toBe(SECRET);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(openSecret(keys, parts.join('.'))).toBeNull();
    expect(openSecret(keys, sealed.slice(0, -4))).toBeNull();
    expect(openSecret(keys, 'not sealed at all')).toBeNull();
  });
});
