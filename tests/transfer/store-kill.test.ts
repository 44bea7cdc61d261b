import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStoreData } from '../../store/store-data';
import { StoreClient, sendBlobs, uploadVolume } from '../../workstation/transfer/store-client';
import { bagOfVolume } from '../../workstation/transfer/volume-bag';
import { startStoreProcess as startStore } from '../support/store-process';
import { tempDir } from '../support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../support/transfer-fixtures';

// kill -9 of the store while it commits, then restart and retry: each volume is wholly there or absent
// after the kill, and the retry completes it exactly once. DANGAN_TRANSFER_KILLS raises the rounds.
const KILLS = Number(process.env['DANGAN_TRANSFER_KILLS'] ?? 2);

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

describe('kill -9 of the store during a commit', () => {
  it(`leaves each volume whole or absent, and the retry completes it (${KILLS} kills)`, async () => {
    const storeDir = tempDir();
    const ws = openTestWorkstation();
    const setup = openStoreData(storeDir);
    const secret = 'k'.repeat(43);
    const client = setup.repo.addClient('350200', 'kill test', secret);
    ws.transfers.trustStoreKey(setup.key.keyId, setup.key.publicKey);
    setup.close();
    const deps = { ...ws, now: ws.clock.now };
    const outcomes: string[] = [];
    let pending: number | null = null;
    // Each start of the store first completes the volume whose commit the last kill interrupted.
    for (let round = 1; round <= KILLS + 1; round++) {
      const { child, url } = await startStore(storeDir);
      const conn = { url, clientId: client.clientId, secret };
      if (pending !== null) {
        const r = await uploadVolume(deps, conn, pending);
        expect(r.receipt.body.version).toBe(1);
      }
      if (round > KILLS) {
        child.kill('SIGKILL');
        await killed(child);
        break;
      }
      const v = seedVerifiedVolume(ws, { serial: round, pages: 30, pageBytes: 20_000 });
      pending = v.volumeId;
      const c = new StoreClient(conn);
      const bag = bagOfVolume(ws.transfers, v.volumeId, { group: 'kill', date: ws.clock.now() });
      const files = [...bag.plan.payload, ...bag.plan.tags];
      const transferId = await c.open(
        bag.uid,
        files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
      );
      const missing = new Set(await c.missing(transferId));
      await sendBlobs(
        c,
        transferId,
        files
          .filter((x) => missing.has(x.sha256))
          .map((f) => ({
            sha256: f.sha256,
            size: f.size,
            read: () => (f.bytes ? Buffer.from(f.bytes) : ws.blobs.read(f.sha256)),
          })),
      );
      const commit = c.commit(transferId).then(
        () => 'answered',
        () => 'cut',
      );
      setTimeout(() => child.kill('SIGKILL'), randomInt(0, 25));
      outcomes.push(await commit);
      await killed(child);

      const after = openStoreData(storeDir);
      for (const x of after.repo.visibleVolumes()) expect(x.pages).toBe(x.declaredPages);
      expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(after.repo.audit.verify().ok).toBe(true);
      after.close();
    }
    const end = openStoreData(storeDir);
    expect(end.repo.counts()).toMatchObject({
      volumes: KILLS,
      versions: KILLS,
      receipts: KILLS,
      pages: KILLS * 30,
    });
    end.close();
    expect(outcomes).toHaveLength(KILLS);
  }, 120_000);
});
