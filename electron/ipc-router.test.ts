import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../core/contracts';
import { createIpcRouter, type Forward } from './ipc-router';

const TOP = { url: 'app://dangan/', isTopFrame: true };

function setup() {
  const forwarded: { channel: string; payload: unknown; session: string | null }[] = [];
  const refusals: string[] = [];
  const forward: Forward = (channel, payload, session) => {
    forwarded.push({ channel, payload, session });
    return Promise.resolve({ ok: true, value: 'engine' } as Envelope<unknown>);
  };
  const route = createIpcRouter(forward, (reason) => refusals.push(reason));
  return { route, forwarded, refusals };
}

const code = (e: Envelope<unknown>) => (e.ok ? null : e.error.code);

describe('IPC router', () => {
  it('forwards a valid call from our top frame', async () => {
    const { route, forwarded } = setup();
    const r = await route(TOP, 'auth.login', { username: 'wang', password: 'x' }, null);
    expect(r).toEqual({ ok: true, value: 'engine' });
    expect(forwarded).toEqual([
      { channel: 'auth.login', payload: { username: 'wang', password: 'x' }, session: null },
    ]);
  });

  it('refuses sub-frames, foreign origins and missing frames, and logs it', async () => {
    const { route, forwarded, refusals } = setup();
    expect(code(await route({ ...TOP, isTopFrame: false }, 'setup.status', {}, null))).toBe('ipc.sender');
    expect(
      code(await route({ url: 'https://evil.example/', isTopFrame: true }, 'setup.status', {}, null)),
    ).toBe('ipc.sender');
    expect(code(await route(null, 'setup.status', {}, null))).toBe('ipc.sender');
    expect(forwarded).toEqual([]);
    expect(refusals).toEqual(['sender', 'sender', 'sender']);
  });

  it('refuses channels outside the contract', async () => {
    const { route, forwarded } = setup();
    for (const ch of ['db.exec', '__proto__', 'constructor', 'toString', 42, null, undefined]) {
      expect(code(await route(TOP, ch, {}, null))).toBe('request.unknown-channel');
    }
    expect(forwarded).toEqual([]);
  });

  it('refuses payloads and sessions that do not fit the contract', async () => {
    const { route, forwarded } = setup();
    expect(code(await route(TOP, 'auth.login', { username: 'wang' }, null))).toBe('request.invalid');
    expect(code(await route(TOP, 'auth.login', { username: 'w', password: 'p', role: 'admin' }, null))).toBe(
      'request.invalid',
    );
    expect(code(await route(TOP, 'users.disable', { userId: '1' }, 's'))).toBe('request.invalid');
    expect(code(await route(TOP, 'setup.status', {}, { token: 'x' }))).toBe('request.invalid');
    expect(code(await route(TOP, 'setup.status', {}, 'x'.repeat(600)))).toBe('request.invalid');
    expect(forwarded).toEqual([]);
  });

  it('never forwards a payload that fails the schema (fuzz)', async () => {
    const { route, forwarded } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('auth.login', 'users.create', 'volumes.create', 'volumes.transition'),
        fc.anything(),
        async (channel, payload) => {
          const before = forwarded.length;
          const r = await route(TOP, channel, payload, 'session');
          if (r.ok) expect(forwarded.length).toBe(before + 1);
          else expect(forwarded.length).toBe(before);
        },
      ),
      { numRuns: 500 },
    );
  });
});
