import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStoreDatabase } from '../../db/store/open-store';
import { StoreRepo } from '../../db/store/store-repo';
import { uploadVolume, type StoreConnection } from '../../workstation/transfer/store-client';
import { startCuttingProxy } from '../support/cutting-proxy';
import { connect, startTestStore } from '../support/test-store';
import { openTestWorkstation, seedVerifiedVolume, type TestWorkstation } from '../support/transfer-fixtures';

// A flaky network between workstation and store: at least 50 connections cut at random byte offsets
// (DANGAN_TRANSFER_CUTS scales it) while several volumes upload at once.
const CUTS = Number(process.env['DANGAN_TRANSFER_CUTS'] ?? 50);

async function untilCommitted(ws: TestWorkstation, conn: StoreConnection, volumeId: number): Promise<number> {
  for (let attempt = 1; attempt <= 200; attempt++) {
    try {
      await uploadVolume({ ...ws, now: ws.clock.now }, conn, volumeId, {
        // Packs of two pages, each sent in one PATCH: cuts land in creations, chunks and completions.
        chunkSize: 256 * 1024,
        concurrency: 3,
        retryDelays: [0, 10, 50],
      });
      return attempt;
    } catch {
      // a cut during open or commit: the outbox would retry; so does this loop
    }
  }
  throw new Error(`volume ${volumeId} never committed`);
}

describe('transfer over a connection that keeps being cut', () => {
  it(`every volume ends committed exactly once with identical bytes; no partial volume is ever visible (${CUTS} cuts)`, async () => {
    const { store, url } = await startTestStore();
    const target = new URL(url);
    const proxy = await startCuttingProxy(
      { host: target.hostname, port: Number(target.port) },
      { maxCuts: CUTS, probability: 0.7, maxOffset: 160 * 1024 },
    );
    // A second connection watches what a query would see while uploads and commits run.
    const watcher = new StoreRepo(openStoreDatabase(path.join(store.dir, 'store.db')));
    const partial: string[] = [];
    const watch = setInterval(() => {
      for (const v of watcher.visibleVolumes()) if (v.pages !== v.declaredPages) partial.push(v.uid);
    }, 5);
    try {
      const ws = openTestWorkstation();
      const conn = { ...connect(store, url, ws), url: proxy.url };
      const volumes: number[] = [];
      let serial = 1;
      // Several volumes at once; more rounds until the proxy has made its cuts.
      while (proxy.cuts() < CUTS && serial < 200) {
        const round = [1, 2, 3, 4].map(
          () => seedVerifiedVolume(ws, { serial: serial++, pages: 8, pageBytes: 100_000 }).volumeId,
        );
        volumes.push(...round);
        await Promise.all(round.map((id) => untilCommitted(ws, conn, id)));
      }
      expect(proxy.cuts()).toBeGreaterThanOrEqual(CUTS);
      expect(partial).toEqual([]);
      expect(store.repo.counts()).toMatchObject({
        volumes: volumes.length,
        versions: volumes.length,
        receipts: volumes.length,
        pages: volumes.length * 8,
      });
      for (const id of volumes) {
        const local = ws.repos.volumes.get(id);
        expect(local.state).toBe('transferred');
        const stored = store.repo.volume(local.uid);
        expect(stored?.versions).toHaveLength(1);
        const pages = ws.repos.pages.list(id);
        expect(stored?.versions[0]?.pages.map((p) => p.sha256)).toEqual(pages.map((p) => p.blobSha256));
        for (const p of pages)
          expect(store.blobs.read(p.blobSha256).equals(ws.blobs.read(p.blobSha256))).toBe(true);
      }
    } finally {
      clearInterval(watch);
      watcher.db.close();
      await proxy.close();
    }
  }, 120_000);
});
