import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { engineWithUsers } from '../../../tests/support/engine-users';
import { startTestStore } from '../../../tests/support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../../../tests/support/transfer-fixtures';
import type { StoreConnection } from '../../transfer/store-client';

/** A real store on 127.0.0.1 and a workstation engine with no connection configured (unless `env`). */
async function setup(env: StoreConnection | null = null) {
  const { store, url } = await startTestStore();
  const ws = openTestWorkstation();
  const t = await engineWithUsers({
    db: ws.data.db,
    dataDir: ws.data.dir,
    now: ws.clock.now,
    store: env,
    transferWorker: { intervalMs: 60_000, upload: { retryDelays: [] } },
  });
  const credential = (bureau: string) => {
    const secret = randomBytes(32).toString('base64url');
    return { clientId: store.repo.addClient(bureau, 'test', secret).clientId, secret };
  };
  return { t, ws, store, url, credential, tech: t.as.technician };
}

describe('系统维护: the archive store connection', () => {
  it('is for technicians and administrators only', async () => {
    const { t, url } = await setup();
    const form = { url, clientId: 'c', secret: 's', bureauCode: '350200' };
    for (const who of [t.as.operator, t.as.qa]) {
      expect((await t.fails('maintenance.storeGet', {}, who)).code).toBe('auth.forbidden');
      expect((await t.fails('maintenance.storeTest', form, who)).code).toBe('auth.forbidden');
      expect((await t.fails('maintenance.storeSave', form, who)).code).toBe('auth.forbidden');
    }
    expect((await t.ok('maintenance.storeGet', {}, t.as.admin)).source).toBe('none');
    await t.engine.close();
  });

  it('测试连接 tells an unreachable store, a wrong credential and a wrong bureau apart, in Chinese', async () => {
    const { t, url, credential, tech } = await setup();
    const good = credential('350200');
    // Nothing listens on port 9 of the loopback address.
    const down = await t.ok(
      'maintenance.storeTest',
      { url: 'http://127.0.0.1:9', ...good, bureauCode: '350200' },
      tech,
    );
    expect(down).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(down.message.zh).toContain('无法连接档案库');

    const wrongSecret = await t.ok(
      'maintenance.storeTest',
      { url, clientId: good.clientId, secret: 'not-the-secret', bureauCode: '350200' },
      tech,
    );
    expect(wrongSecret).toMatchObject({ ok: false, problem: 'credential' });
    expect(wrongSecret.message.zh).toContain('凭据');

    const fuzhou = credential('350100');
    const wrongBureau = await t.ok('maintenance.storeTest', { url, ...fuzhou, bureauCode: '350200' }, tech);
    expect(wrongBureau).toMatchObject({ ok: false, problem: 'bureau', credentialBureau: '350100' });
    expect(wrongBureau.message.zh).toMatch(/该凭据属于.*350100.*本工作站属于.*350200/);

    const fine = await t.ok('maintenance.storeTest', { url: `${url}/`, ...good, bureauCode: '350200' }, tech);
    expect(fine).toMatchObject({ ok: true, problem: null, credentialBureau: '350200', keyTrusted: false });
    expect(fine.keyId).not.toBeNull();

    // Some other web server at that address (a router's page, say): answered, but not a store.
    const other = http.createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const notStore = await t.ok(
        'maintenance.storeTest',
        { url: `http://127.0.0.1:${port}`, ...good, bureauCode: '350200' },
        tech,
      );
      expect(notStore).toMatchObject({ ok: false, problem: 'not-a-store' });
      expect(notStore.message.zh).toContain('不是档案库');
    } finally {
      other.close();
    }

    const bad = await t.fails(
      'maintenance.storeTest',
      { url: 'ftp://store', ...good, bureauCode: '350200' },
      tech,
    );
    expect(bad.code).toBe('store.url-invalid');
    // Testing saves nothing.
    expect((await t.ok('maintenance.storeGet', {}, tech)).saved).toBeNull();
    await t.engine.close();
  });

  it('saving keeps the secret out of every answer and the audit log, and restarts the uploader with it', async () => {
    const { t, ws, store, url, credential, tech } = await setup();
    const good = credential('350200');
    expect(t.engine.transfer).toBeNull();
    const tested = await t.ok('maintenance.storeTest', { url, ...good, bureauCode: '350200' }, tech);
    const view = await t.ok(
      'maintenance.storeSave',
      { url, ...good, bureauCode: '350200', trustKeyId: tested.keyId ?? '' },
      tech,
    );
    expect(view).toEqual({
      saved: { url, clientId: good.clientId, secretSet: true, bureauCode: '350200' },
      source: 'settings',
      activeUrl: url,
      uploading: true,
    });
    expect(JSON.stringify(await t.ok('maintenance.storeGet', {}, tech))).not.toContain(good.secret);
    const audit = ws.data.db.prepare('SELECT details FROM audit_log').pluck().all() as string[];
    expect(audit.join('\n')).not.toContain(good.secret);
    expect(
      (await t.ok('maintenance.storeTest', { url, ...good, bureauCode: '350200' }, tech)).keyTrusted,
    ).toBe(true);

    // The restarted uploader really uploads (the receipt verifies against the key trusted above).
    const v = seedVerifiedVolume(ws, { pages: 2 });
    await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.as.operator);
    await t.engine.transfer?.runNow();
    expect((await t.ok('outbox.list', {}, tech))[0]?.state).toBe('committed');
    expect(store.repo.counts()).toMatchObject({ volumes: 1 });

    // Changing the address without retyping the secret keeps the saved one.
    const moved = await t.ok(
      'maintenance.storeSave',
      { url: 'http://127.0.0.1:9', clientId: good.clientId, bureauCode: '350200' },
      tech,
    );
    expect(moved.activeUrl).toBe('http://127.0.0.1:9');
    expect(moved.saved?.secretSet).toBe(true);
    const withSaved = await t.ok(
      'maintenance.storeTest',
      { url, clientId: good.clientId, bureauCode: '350200' },
      tech,
    );
    expect(withSaved.ok).toBe(true);
    await t.engine.close();
  });

  it('a connection from the environment wins over the saved one, and the screen is told so', async () => {
    const env = { url: 'http://127.0.0.1:9', clientId: 'env-client', secret: 'env-secret' };
    const { t, url, credential, tech } = await setup(env);
    expect(await t.ok('maintenance.storeGet', {}, tech)).toMatchObject({
      saved: null,
      source: 'env',
      activeUrl: env.url,
    });
    const view = await t.ok(
      'maintenance.storeSave',
      { url, ...credential('350200'), bureauCode: '350200' },
      tech,
    );
    expect(view).toMatchObject({ source: 'env', activeUrl: env.url, saved: { url } });
    await t.engine.close();
  });
});
