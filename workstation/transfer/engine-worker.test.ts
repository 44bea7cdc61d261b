import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../core/contracts';
import { engineWithUsers } from '../../tests/support/engine-users';
import { connect, startTestStore } from '../../tests/support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { storeConnectionFromEnv } from './engine-worker';

describe('the engine’s transfer worker', () => {
  it('uploads what the 上传队列 queues to a real store and pushes each change as an event', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 4, pageBytes: 50_000 });
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: ws.data.dir,
      now: ws.clock.now,
      store: conn,
      transferWorker: { intervalMs: 60_000, progressEveryMs: 0 },
    });
    try {
      const events: EngineEvent[] = [];
      t.engine.events.subscribe((e) => events.push(e));
      const row = await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.as.operator);
      await t.engine.transfer?.runNow();

      const [entry] = await t.ok('outbox.list', {}, t.as.technician);
      expect(entry).toMatchObject({ id: row.id, state: 'committed' });
      expect(entry?.bytesDone).toBe(entry?.bytesTotal);
      expect(store.repo.counts()).toMatchObject({ volumes: 1 });
      const changes = events.flatMap((e) => (e.name === 'outbox.changed' ? [e.payload] : []));
      expect(changes[0]).toMatchObject({ id: row.id, state: 'sending' });
      expect(changes.at(-1)).toMatchObject({ id: row.id, state: 'committed' });
      expect(changes.some((c) => c.state === 'sending' && c.bytesDone > 0)).toBe(true);
      expect(events).toContainEqual({
        name: 'volume.changed',
        payload: { volumeId: v.volumeId, state: 'transferred' },
      });
    } finally {
      await t.engine.close();
    }
  });

  it('a store that is down fails the entry with its reason, and close() stops the worker', async () => {
    const ws = openTestWorkstation();
    const v = seedVerifiedVolume(ws, { pages: 1 });
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: ws.data.dir,
      now: ws.clock.now,
      // Nothing listens on port 9 of the loopback address (discard): the connection is refused.
      store: { url: 'http://127.0.0.1:9', clientId: 'x', secret: 'y' },
      transferWorker: { intervalMs: 60_000, upload: { retryDelays: [] } },
    });
    await t.ok('outbox.enqueue', { volumeId: v.volumeId }, t.as.operator);
    await t.engine.transfer?.runNow();
    const [entry] = await t.ok('outbox.list', {}, t.as.technician);
    expect(entry?.state).toBe('failed');
    expect(entry?.lastError?.message.zh).toMatch(/[\u4e00-\u9fff]/);
    await t.engine.close();
    await t.engine.transfer?.runNow(); // stopped: does nothing
    expect((await t.ok('outbox.list', {}, t.as.technician))[0]?.attempts).toBe(1);
  });

  it('is configured from the environment only when URL, client id and secret are all there', () => {
    expect(storeConnectionFromEnv({})).toBeNull();
    expect(storeConnectionFromEnv({ DANGAN_STORE_URL: 'http://127.0.0.1:1' })).toBeNull();
    expect(
      storeConnectionFromEnv({
        DANGAN_STORE_URL: 'http://127.0.0.1:1',
        DANGAN_STORE_CLIENT_ID: 'c',
        DANGAN_STORE_SECRET: 's',
      }),
    ).toEqual({ url: 'http://127.0.0.1:1', clientId: 'c', secret: 's' });
  });
});
