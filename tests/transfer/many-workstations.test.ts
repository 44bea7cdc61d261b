import { describe, expect, it } from 'vitest';
import { uploadVolume } from '../../workstation/transfer/store-client';
import { connect, startTestStore } from '../support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../support/transfer-fixtures';

// Eight workstations, each with its own data folder and credential, upload to one store at once.
const WORKSTATIONS = 8;
const VOLUMES_EACH = Number(process.env['DANGAN_TRANSFER_VOLUMES_EACH'] ?? 1);

describe('many workstations uploading at once', () => {
  it(`${WORKSTATIONS} workstations × ${VOLUMES_EACH} volumes: all committed, none lost`, async () => {
    const { store, url } = await startTestStore();
    const stations = Array.from({ length: WORKSTATIONS }, (_, i) => {
      const ws = openTestWorkstation();
      const conn = connect(store, url, ws);
      const volumes = Array.from({ length: VOLUMES_EACH }, (_, j) =>
        seedVerifiedVolume(ws, { serial: i * 100 + j + 1, pages: 5, pageBytes: 30_000 }),
      );
      return { ws, conn, volumes };
    });
    await Promise.all(
      stations.map(async ({ ws, conn, volumes }) => {
        for (const v of volumes) await uploadVolume({ ...ws, now: ws.clock.now }, conn, v.volumeId);
      }),
    );
    const total = WORKSTATIONS * VOLUMES_EACH;
    expect(store.repo.counts()).toEqual({
      volumes: total,
      versions: total,
      pages: total * 5,
      receipts: total,
    });
    for (const { ws, volumes } of stations) {
      for (const v of volumes) {
        expect(ws.repos.volumes.get(v.volumeId).state).toBe('transferred');
        expect(store.repo.volume(v.uid)?.versions[0]?.pages).toHaveLength(5);
      }
    }
    expect(store.repo.audit.verify().ok).toBe(true);
  }, 60_000);
});
