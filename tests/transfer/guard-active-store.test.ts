import { describe, expect, it } from 'vitest';
import { openStoreData } from '../../store/store-data';
import { StoreIndexRepo } from '../../db/repos/store-index';
import { engineWithUsers } from '../support/engine-users';
import { USCC_A } from '../support/repos';
import { startStoreProcess } from '../support/store-process';
import { tempDir } from '../support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../support/transfer-fixtures';
import { uploadVolume } from '../../workstation/transfer/store-client';

interface Duplicate {
  existing: { where: string; archiveNo: string }[];
  store: { source: string };
}

describe('the duplicate-digitization guard asks the store connection saved in 系统维护', () => {
  it('finds a volume the store holds once the connection is saved, without a restart; offline, the synced index', async () => {
    // A real store process holding 厦门测试有限公司's 设立 volume, sent by another workstation.
    const storeDir = tempDir();
    const setup = openStoreData(storeDir);
    const secret = 's'.repeat(43);
    const client = setup.repo.addClient('350200', 'guard test', secret);
    const { keyId, publicKey } = setup.key;
    setup.close();
    const { url } = await startStoreProcess(storeDir);
    const elsewhere = openTestWorkstation();
    elsewhere.transfers.trustStoreKey(keyId, publicKey);
    const held = seedVerifiedVolume(elsewhere, { uscc: USCC_A, pages: 1 });
    const conn = { url, clientId: client.clientId, secret };
    await uploadVolume({ ...elsewhere, now: elsewhere.clock.now }, conn, held.volumeId);

    // This workstation's engine starts with no connection; the same enterprise is registered here.
    const ws = openTestWorkstation();
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: ws.data.dir,
      now: ws.clock.now,
      store: null,
      transferWorker: { intervalMs: 60_000, upload: { retryDelays: [] } },
    });
    const op = t.as.operator;
    const e = await t.ok(
      'enterprises.create',
      { uscc: USCC_A, name: '厦门测试有限公司', bureauCode: '350200' },
      op,
    );
    const request = { enterpriseId: e.id, volumeType: 'SL', year: 2026, bureauCode: '350200' };

    await t.ok(
      'maintenance.storeSave',
      { url, clientId: client.clientId, secret, bureauCode: '350200', trustKeyId: keyId },
      t.as.technician,
    );
    const live = await t.fails('volumes.create', request, op);
    expect(live.code).toBe('volume.possible-duplicate');
    const liveDetails = live.details as unknown as Duplicate;
    expect(liveDetails.store.source).toBe('live');
    expect(liveDetails.existing).toEqual([
      expect.objectContaining({ where: 'store', archiveNo: held.archiveNo }),
    ]);
    expect(live.message.zh).toContain(`${held.archiveNo}（档案库）`);

    // The saved connection changes to an address where nothing answers: the synced index is asked.
    const index = new StoreIndexRepo(ws.data.db, ws.clock.now);
    index.replace(
      [
        {
          uscc: USCC_A,
          regNo: null,
          enterpriseName: '厦门测试有限公司',
          volumeType: 'SL',
          archiveNo: '350200-2025-SL-000009',
          bureauCode: '350200',
          year: 2025,
          registrationDate: null,
          state: 'stored',
          node: 'index',
        },
      ],
      'test sync',
    );
    await t.ok(
      'maintenance.storeSave',
      { url: 'http://127.0.0.1:9', clientId: client.clientId, secret, bureauCode: '350200' },
      t.as.technician,
    );
    const offline = await t.fails('volumes.create', request, op);
    const offlineDetails = offline.details as unknown as Duplicate;
    expect(offlineDetails.store.source).toBe('index');
    expect(offlineDetails.existing.map((v) => v.archiveNo)).toEqual(['350200-2025-SL-000009']);

    // With a reason the operator goes on; the override is audited.
    const created = await t.ok('volumes.create', { ...request, overrideReason: '迁入企业，原卷缺页' }, op);
    expect(created.archiveNo).toMatch(/^350200-2026-SL-/);
    await t.engine.close();
  });
});
