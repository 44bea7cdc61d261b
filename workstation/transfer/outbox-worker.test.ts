import { describe, expect, it } from 'vitest';
import { startCuttingProxy } from '../../tests/support/cutting-proxy';
import { connect, startTestStore } from '../../tests/support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { OutboxWorker } from './outbox-worker';

describe('outbox worker', () => {
  it('retries with back-off while the store is down, commits once it is up, and records progress', async () => {
    const { store, url } = await startTestStore();
    const target = new URL(url);
    const proxy = await startCuttingProxy(
      { host: target.hostname, port: Number(target.port) },
      { maxCuts: 0 },
    );
    try {
      const ws = openTestWorkstation();
      const conn = { ...connect(store, url, ws), url: proxy.url };
      const v = seedVerifiedVolume(ws, { pages: 3, queued: true });
      const worker = new OutboxWorker({ ...ws, now: ws.clock.now }, conn, {
        baseBackoffMs: 1000,
        random: () => 1,
        upload: { retryDelays: [] },
      });
      const id = worker.enqueue(v.volumeId);
      proxy.setDown(true);
      const first = await worker.runOnce();
      expect(first.failed).toHaveLength(1);
      expect(ws.repos.outbox.get(id)).toMatchObject({ state: 'failed', attempts: 1 });
      expect(await worker.runOnce()).toEqual({ committed: [], failed: [] }); // backing off: not due yet
      ws.clock.advance(1000);
      const second = await worker.runOnce();
      expect(second.failed).toHaveLength(1);
      expect(ws.repos.outbox.get(id).attempts).toBe(2);
      ws.clock.advance(1500); // the second back-off is 2 s
      expect(await worker.runOnce()).toEqual({ committed: [], failed: [] });
      proxy.setDown(false);
      ws.clock.advance(500);
      const third = await worker.runOnce();
      expect(third.committed).toEqual([v.volumeId]);
      const entry = ws.repos.outbox.get(id);
      expect(entry.state).toBe('committed');
      expect(entry.bytesDone).toBe(entry.bytesTotal);
      expect(entry.receipt).toMatchObject({ body: { volumeUid: v.uid, version: 1 } });
      expect(ws.repos.volumes.get(v.volumeId).state).toBe('transferred');
    } finally {
      await proxy.close();
    }
  });

  it('after a restart an entry left sending is retried and completes', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 2, queued: true });
    const id = ws.repos.outbox.enqueue(v.volumeId, 'upload').id;
    ws.repos.outbox.markSending(id); // the process died here
    const worker = new OutboxWorker({ ...ws, now: ws.clock.now }, conn, { baseBackoffMs: 0 });
    expect(ws.repos.outbox.get(id).state).toBe('failed');
    expect((await worker.runOnce()).committed).toEqual([v.volumeId]);
    expect(store.repo.counts()).toMatchObject({ volumes: 1, versions: 1 });
  });
});
