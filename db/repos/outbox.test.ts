import { describe, expect, it } from 'vitest';
import { openTestRepos, seedVolume } from '../../tests/support/repos';

function setup() {
  const t = openTestRepos();
  const { volumeId } = seedVolume(t.repos);
  return { ...t, volumeId, outbox: t.repos.outbox };
}

describe('OutboxRepo', () => {
  it('queues a volume once per kind while an entry is live', () => {
    const { outbox, volumeId } = setup();
    const e = outbox.enqueue(volumeId, 'upload', 'https://store.example/xm');
    expect(e).toMatchObject({
      volumeId,
      kind: 'upload',
      state: 'queued',
      target: 'https://store.example/xm',
      attempts: 0,
      bytesDone: 0,
    });
    expect(outbox.enqueue(volumeId, 'upload')).toEqual(e);
    expect(outbox.enqueue(volumeId, 'export').id).not.toBe(e.id);
    expect(() => outbox.enqueue(99, 'upload')).toThrow(expect.objectContaining({ code: 'volume.not-found' }));
  });

  it('goes queued → sending → committed with progress and the receipt', () => {
    const { outbox, volumeId } = setup();
    const e = outbox.enqueue(volumeId, 'upload');
    expect(outbox.markSending(e.id)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(outbox.progress(e.id, 512, 2048)).toMatchObject({ bytesDone: 512, bytesTotal: 2048 });
    const receipt = { receiptId: 'r-1', auditHead: 'ab'.repeat(32) };
    expect(outbox.commit(e.id, receipt)).toMatchObject({ state: 'committed', receipt, bytesDone: 2048 });
    // Once finished it is history: a new enqueue makes a new entry.
    expect(outbox.enqueue(volumeId, 'upload').id).not.toBe(e.id);
  });

  it('fails, retries and cancels only from the right states', () => {
    const { outbox, volumeId } = setup();
    const e = outbox.enqueue(volumeId, 'upload');
    expect(() => outbox.fail(e.id, 'x')).toThrow(expect.objectContaining({ code: 'outbox.illegal-state' }));
    expect(() => outbox.retry(e.id)).toThrow(expect.objectContaining({ code: 'outbox.illegal-state' }));
    outbox.markSending(e.id);
    expect(outbox.fail(e.id, 'connection reset')).toMatchObject({
      state: 'failed',
      lastError: 'connection reset',
    });
    expect(outbox.enqueue(volumeId, 'upload').id).toBe(e.id); // failed is still live
    expect(() => outbox.markSending(e.id)).toThrow(expect.objectContaining({ code: 'outbox.illegal-state' }));
    expect(outbox.retry(e.id).state).toBe('queued');
    expect(outbox.markSending(e.id)).toMatchObject({ attempts: 2, lastError: null });
    expect(outbox.cancel(e.id).state).toBe('cancelled');
    // A stale uploader cannot revive a cancelled entry.
    expect(() => outbox.commit(e.id, {})).toThrow(expect.objectContaining({ code: 'outbox.illegal-state' }));
    expect(() => outbox.progress(e.id, 1, 2)).toThrow(
      expect.objectContaining({ code: 'outbox.illegal-state' }),
    );
    expect(() => outbox.cancel(e.id)).toThrow(expect.objectContaining({ code: 'outbox.illegal-state' }));
    expect(() => outbox.get(99)).toThrow(expect.objectContaining({ code: 'outbox.not-found' }));
  });

  it('refuses impossible progress figures', () => {
    const { outbox, volumeId } = setup();
    const e = outbox.enqueue(volumeId, 'upload');
    outbox.markSending(e.id);
    for (const [done, total] of [
      [-1, 10],
      [11, 10],
      [1.5, 10],
    ] as const) {
      expect(() => outbox.progress(e.id, done, total)).toThrow(
        expect.objectContaining({ code: 'outbox.invalid-progress' }),
      );
    }
  });

  it('lists by state', () => {
    const { outbox, volumeId, repos } = setup();
    const other = seedVolume(repos, 2).volumeId;
    const a = outbox.enqueue(volumeId, 'upload');
    const b = outbox.enqueue(other, 'export');
    outbox.markSending(b.id);
    expect(outbox.list().map((e) => e.id)).toEqual([a.id, b.id]);
    expect(outbox.list({ states: ['sending'] }).map((e) => e.id)).toEqual([b.id]);
    expect(outbox.list({ states: [] })).toEqual([]);
  });
});
