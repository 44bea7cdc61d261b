import { describe, expect, it } from 'vitest';
import { uploadVolume } from '../../workstation/transfer/store-client';
import { startCuttingProxy } from '../support/cutting-proxy';
import { connect, startTestStore } from '../support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../support/transfer-fixtures';

describe('a transfer broken off mid-pack and started again (an outbox retry after a restart)', () => {
  it('finds the same pack under its remembered upload URL and sends only what had not arrived', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 6, pageBytes: 200_000 });
    const remembered = new Map<string, string>();
    const resume = {
      get: (key: string) => remembered.get(key) ?? null,
      set: (key: string, u: string) => void remembered.set(key, u),
    };
    const options = { chunkSize: 256 * 1024, concurrency: 1, retryDelays: [], resume };
    const target = new URL(url);
    const hop = { host: target.hostname, port: Number(target.port) };
    // Every connection is cut at byte 120 001: only the upload's reaches it, inside the first pack.
    const cutting = await startCuttingProxy(hop, {
      maxCuts: 1,
      probability: 1,
      maxOffset: 150_000,
      random: () => 0.8,
    });
    await expect(
      uploadVolume({ ...ws, now: ws.clock.now }, { ...conn, url: cutting.url }, v.volumeId, options),
    ).rejects.toThrow();
    await cutting.close();
    expect(cutting.cuts()).toBe(1);
    expect(remembered.size).toBe(1);

    const clean = await startCuttingProxy(hop, { maxCuts: 0 });
    const r = await uploadVolume(
      { ...ws, now: ws.clock.now },
      { ...conn, url: clean.url },
      v.volumeId,
      options,
    );
    await clean.close();
    expect(r.receipt.body.pages).toBe(6);
    const payload = 6 * 200_000;
    // What arrived before the cut was not sent again: both attempts together carry the payload once,
    // plus requests and the catalogue.
    expect(clean.bytesUp()).toBeLessThan(payload - 100_000);
    expect(cutting.bytesUp() + clean.bytesUp() - payload).toBeLessThan(40_000);
  });
});
