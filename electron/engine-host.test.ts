import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../core/contracts';
import { EngineHost, type EngineChild } from './engine-host';
import { restartDelayMs, type EngineRequest } from './engine-protocol';

/** A fake of Electron's UtilityProcess (none can run here): records requests, replies on demand. */
class FakeChild extends EventEmitter implements EngineChild {
  readonly requests: EngineRequest[] = [];
  killed = false;
  postMessage(message: EngineRequest): void {
    this.requests.push(message);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 0);
    return true;
  }
  reply(id: number, value: unknown): void {
    this.emit('message', { kind: 'reply', id, envelope: { ok: true, value } });
  }
}

function setup() {
  const children: FakeChild[] = [];
  const events: EngineEvent[] = [];
  const timers: (() => void)[] = [];
  const host = new EngineHost({
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    onEvent: (e) => events.push(e),
    setTimer: (f) => timers.push(f),
  });
  host.start();
  return { host, children, events, timers };
}

describe('EngineHost', () => {
  it('matches replies to calls and passes events on', async () => {
    const { host, children, events } = setup();
    const child = children[0]!;
    const a = host.call('setup.status', {}, null);
    const b = host.call('auth.me', {}, 's');
    child.reply(child.requests[1]!.id, 'B');
    child.reply(child.requests[0]!.id, 'A');
    expect(await a).toEqual({ ok: true, value: 'A' });
    expect(await b).toEqual({ ok: true, value: 'B' });
    child.emit('message', { kind: 'ready', startedAt: 't0' });
    child.emit('message', {
      kind: 'event',
      event: { name: 'volume.changed', payload: { volumeId: 1, state: 'scanning' } },
    });
    child.emit('message', { kind: 'nonsense' });
    expect(events.map((e) => e.name)).toEqual(['engine.ready', 'volume.changed']);
  });

  it('answers calls in flight when the engine dies, restarts it, and carries on', async () => {
    const { host, children, timers } = setup();
    const inFlight = host.call('dashboard.get', {}, 's');
    children[0]!.emit('exit', 1);
    const r = await inFlight;
    expect(r.ok ? null : r.error.code).toBe('engine.restarted');
    expect(r.ok ? '' : r.error.message.zh).toContain('重试');
    expect(children).toHaveLength(1);
    timers.shift()!(); // the restart delay passes
    expect(children).toHaveLength(2);
    const next = host.call('setup.status', {}, null);
    children[1]!.reply(children[1]!.requests[0]!.id, 'ok');
    expect(await next).toEqual({ ok: true, value: 'ok' });
    expect(host.inFlight).toBe(0);
  });

  it('does not restart after stop()', () => {
    const { host, children, timers } = setup();
    host.stop();
    expect(children[0]!.killed).toBe(true);
    expect(timers).toHaveLength(0);
  });

  it('backs off when the engine keeps dying', () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([250, 500, 1000, 2000]);
    expect(restartDelayMs(20)).toBe(30_000);
  });
});
