import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { tempDir } from '../../tests/support/temp-dir';
import { createEngine } from './engine';
import { startServer, type RunningServer } from './server';

const open: RunningServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function start() {
  const dir = tempDir();
  const ui = path.join(dir, 'ui');
  fs.mkdirSync(path.join(ui, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>档案</title>');
  fs.writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  const { db } = openDatabase(path.join(dir, 'dangan.db'));
  const engine = createEngine({ db, dataDir: dir, log: () => undefined });
  const server = await startServer({ engine, uiRoot: ui });
  open.push(server);
  return { server, engine };
}

function post(server: RunningServer, channel: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** A raw request, for what fetch will not send (a foreign Host header, an unnormalised path). */
function raw(
  server: RunningServer,
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: p, method: 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 and puts the token in the URL fragment', async () => {
    const { server } = await start();
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers API calls only with the run token', async () => {
    const { server } = await start();
    const good = await post(server, 'setup.status', {});
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, value: { needsSetup: true } });
    for (const authorization of ['', 'Bearer wrong', `Bearer ${server.token}x`, server.token]) {
      const r = await post(server, 'setup.status', {}, { authorization });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ ok: false, error: { code: 'http.token' } });
    }
  });

  it('refuses other origins, foreign Host headers and sends no CORS headers', async () => {
    const { server } = await start();
    const evil = await post(server, 'setup.status', {}, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const same = await post(server, 'setup.status', {}, { origin: server.origin });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    const rebind = await raw(server, '/', { host: `evil.example:${server.port}` });
    expect(rebind.status).toBe(421);
    const preflight = await fetch(`${server.origin}/api/setup.status`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('maps errors to HTTP statuses with the bilingual message', async () => {
    const { server } = await start();
    const r = await post(server, 'auth.me', {});
    expect(r.status).toBe(401);
    const body = (await r.json()) as { error: { code: string; message: { zh: string; en: string } } };
    expect(body.error.code).toBe('session.expired');
    expect(body.error.message.zh).toContain('重新登录');
    const bad = await post(server, 'auth.login', { username: 1 });
    expect(bad.status).toBe(400);
    const notJson = await fetch(`${server.origin}/api/setup.status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(415);
  });

  it('serves the UI with a CSP and refuses paths outside it', async () => {
    const { server } = await start();
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('档案');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect((await fetch(`${server.origin}/register`)).status).toBe(200); // client-side route
    expect((await fetch(`${server.origin}/assets/app.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const r = await raw(server, p);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('secret');
    }
  });

  it('streams engine events to a signed-in client', async () => {
    const { server, engine } = await start();
    const setupRes = await post(server, 'setup.createAdmin', {
      username: 'admin',
      displayName: 'A',
      password: 'Zhao#2026pw',
    });
    const { value } = (await setupRes.json()) as { value: { token: string } };
    const denied = await fetch(`${server.origin}/api/events`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(denied.status).toBe(401);
    const res = await fetch(`${server.origin}/api/events`, {
      headers: { authorization: `Bearer ${server.token}`, 'x-dangan-session': value.token },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const read = async (until: string) => {
      while (!seen.includes(until)) {
        const { value: chunk, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(chunk);
      }
    };
    await read('engine.ready');
    engine.events.emit('volume.changed', { volumeId: 7, state: 'scanning' });
    await read('volume.changed');
    expect(seen).toContain('event: volume.changed\ndata: {"volumeId":7,"state":"scanning"}');
    await reader.cancel();
  });

  it('streams nothing to a session whose initial password is still to be changed', async () => {
    const { server } = await start();
    const admin = (await (
      await post(server, 'setup.createAdmin', {
        username: 'admin',
        displayName: 'A',
        password: 'Zhao#2026pw',
      })
    ).json()) as { value: { token: string } };
    const user = { username: 'wang', displayName: 'W', password: 'Given#2026pw', roles: ['operator'] };
    await post(server, 'users.create', user, { 'x-dangan-session': admin.value.token });
    const login = (await (
      await post(server, 'auth.login', { username: 'wang', password: user.password })
    ).json()) as { value: { token: string } };
    const res = await fetch(`${server.origin}/api/events`, {
      headers: { authorization: `Bearer ${server.token}`, 'x-dangan-session': login.value.token },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'password.change-required' } });
    const call = await post(server, 'dashboard.get', {}, { 'x-dangan-session': login.value.token });
    expect(call.status).toBe(403);
  });
});
