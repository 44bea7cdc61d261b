import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { receiptFileSchema } from '../../core/bagit';
import { openStoreData } from '../../store/store-data';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { connect, startTestStore } from '../../tests/support/test-store';
import { exportBags, workstationWithVolumes } from '../../tests/support/bag-export';
import { runCli as run } from '../../tests/support/cli';

describe('offline transfer: bag export → bag import → bag receipts', () => {
  it('ingests as the online path does, replays harmlessly, and closes the loop with signed receipts', async () => {
    const storeDir = tempDir();
    const { dataDir, volumes } = workstationWithVolumes([3, 2]);
    const [a, b] = volumes;
    const { code, usb } = await exportBags(dataDir, [String(a.volumeId), String(b.volumeId)]);
    expect(code).toBe(0);

    const refusedUninit = await run('bag', 'import', usb, '--store-data', storeDir);
    expect(refusedUninit.code).toBe(1); // an empty folder is not a store: only `store init` makes one
    expect(refusedUninit.err).toContain('No store database');
    expect(fs.readdirSync(storeDir)).toEqual([]);
    const init = await run('store', 'init', '--store-data', storeDir, '--json');
    expect(init.code).toBe(0);
    const made = JSON.parse(init.out) as { created: boolean; storeKeyId: string; storePublicKey: string };
    expect(made.created).toBe(true);

    const imported = await run('bag', 'import', usb, '--store-data', storeDir);
    expect(imported.code).toBe(0);
    expect(imported.out.match(/✓ 已入库 committed/g)).toHaveLength(2);
    const receiptsFile = path.join(usb, 'store-receipts.json');
    const receipts = receiptFileSchema.parse(JSON.parse(fs.readFileSync(receiptsFile, 'utf8')));
    expect(receipts.receipts.map((r) => r.body.archiveNo)).toEqual([
      '350200-2026-SL-000001',
      '350200-2026-SL-000002',
    ]);

    const again = await run('bag', 'import', usb, '--store-data', storeDir);
    expect(again.out.match(/= 已存在 already there/g)).toHaveLength(2);
    const store = openStoreData(storeDir);
    expect(store.repo.counts()).toMatchObject({ volumes: 2, versions: 2, pages: 5, receipts: 2 });
    expect(store.repo.lookup('91350200776049653A').map((v) => v.archiveNo)).toEqual([
      '350200-2026-SL-000001',
      '350200-2026-SL-000002',
    ]);
    const key = { id: store.key.keyId, pub: store.key.publicKey };
    expect({ id: made.storeKeyId, pub: made.storePublicKey }).toEqual(key); // what init printed signs
    store.close();

    // Untrusted store key: refused, volume stays awaiting.
    const untrusted = await run('bag', 'receipts', receiptsFile, '--data', dataDir);
    expect(untrusted.code).toBe(1);
    expect(untrusted.out).toContain('transfer.receipt-untrusted');
    expect(
      (await run('store', 'trust', '--data', dataDir, '--key-id', key.id, '--public-key', key.pub)).code,
    ).toBe(0);
    const accepted = await run('bag', 'receipts', receiptsFile, '--data', dataDir);
    expect(accepted.code).toBe(0);
    const check = openTestWorkstation(dataDir);
    expect(check.repos.volumes.get(a.volumeId).state).toBe('transferred');
    expect(check.transfers.exports({ state: 'awaiting-receipt' })).toEqual([]);
    check.data.close();

    // A forged receipt (body changed after signing) is refused.
    const forged = JSON.parse(fs.readFileSync(receiptsFile, 'utf8')) as {
      receipts: { body: { pages: number } }[];
    };
    const first = forged.receipts[0];
    if (first) first.body.pages = 99;
    fs.writeFileSync(receiptsFile, JSON.stringify(forged));
    const refused = await run('bag', 'receipts', receiptsFile, '--data', dataDir);
    expect(refused.out).toContain('transfer.receipt-forged');
  });

  it('refuses an invalid bag at import and stores nothing of it', async () => {
    const storeDir = tempDir();
    const { dataDir, volumes } = workstationWithVolumes([2]);
    const { usb } = await exportBags(dataDir, [String(volumes[0].volumeId)]);
    fs.rmSync(path.join(usb, '350200-2026-SL-000001', 'data', 'images', 'p0002.jpg'));
    expect((await run('store', 'init', '--store-data', storeDir)).code).toBe(0);
    const r = await run('bag', 'import', usb, '--store-data', storeDir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('bagit.payload-missing');
    const store = openStoreData(storeDir);
    expect(store.repo.counts().volumes).toBe(0);
    store.close();
  });

  it('store client add issues a credential whose secret is stored only as a hash', async () => {
    const storeDir = tempDir();
    expect((await run('store', 'init', '--store-data', storeDir)).code).toBe(0);
    const r = await run('store', 'client', 'add', '--bureau', '350200', '--store-data', storeDir, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { clientId: string; secret: string };
    const store = openStoreData(storeDir);
    expect(store.repo.authenticate(out.clientId, out.secret)).toEqual({
      clientId: out.clientId,
      bureauCode: '350200',
    });
    expect(store.repo.authenticate(out.clientId, `${out.secret}x`)).toBeNull();
    const raw = fs.readFileSync(path.join(storeDir, 'store.db'));
    expect(raw.includes(Buffer.from(out.secret))).toBe(false);
    store.close();
    expect((await run('store', 'client', 'add', '--bureau', '999999', '--store-data', storeDir)).code).toBe(
      1,
    );
  });

  it('bag import --store <url> sends a bag through the online protocol', async () => {
    const { store, url } = await startTestStore();
    const dataDir = tempDir();
    const ws = openTestWorkstation(dataDir);
    const conn = connect(store, url, ws);
    const a = seedVerifiedVolume(ws, { pages: 2 });
    ws.data.close();
    const { usb } = await exportBags(dataDir, [String(a.volumeId)]);
    process.env['DANGAN_STORE_CLIENT_ID'] = conn.clientId;
    process.env['DANGAN_STORE_SECRET'] = conn.secret;
    try {
      const r = await run('bag', 'import', usb, '--store', url);
      expect(r.code).toBe(0);
      expect(r.out).toContain('✓ 已入库 committed');
    } finally {
      delete process.env['DANGAN_STORE_CLIENT_ID'];
      delete process.env['DANGAN_STORE_SECRET'];
    }
    expect(store.repo.counts()).toMatchObject({ volumes: 1, pages: 2 });
    expect(store.repo.volume(a.uid)?.versions).toHaveLength(1);
  });
});
