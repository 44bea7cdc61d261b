import { describe, expect, it } from 'vitest';
import { connect, startTestStore } from '../../tests/support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { OPERATOR } from '../../tests/support/repos';
import { StoreClient, StoreRequestError, uploadVolume } from './store-client';

describe('online transfer (real HTTP on 127.0.0.1)', () => {
  it('uploads a volume, gets a valid receipt, marks it transferred; a replay changes nothing', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 4, queued: true });
    const deps = { ...ws, now: ws.clock.now };
    const progress: number[] = [];
    const first = await uploadVolume(deps, conn, v.volumeId, { onProgress: (d) => progress.push(d) });
    expect(first.created).toBe(true);
    expect(first.receipt.body).toMatchObject({ volumeUid: v.uid, version: 1, pages: 4 });
    expect(first.uploadedBlobs).toBe(4 + 1 + 4); // pages, catalogue.json, 4 tag files
    expect(progress.at(-1)).toBe(first.uploadedBytes);
    expect(ws.repos.volumes.get(v.volumeId).state).toBe('transferred');
    expect(ws.transfers.receipts(v.volumeId)).toHaveLength(1);

    const stored = store.repo.volume(v.uid);
    expect(stored?.versions.map((x) => x.pages.length)).toEqual([4]);
    const pages = ws.repos.pages.list(v.volumeId);
    expect(stored?.versions[0]?.pages.map((p) => p.sha256)).toEqual(pages.map((p) => p.blobSha256));
    for (const p of pages)
      expect(store.blobs.read(p.blobSha256).equals(ws.blobs.read(p.blobSha256))).toBe(true);

    // The same volume again: nothing uploaded, the same receipt (a replay of the recorded response).
    const again = await uploadVolume(deps, conn, v.volumeId);
    expect(again.uploadedBlobs).toBe(0);
    expect(again.receipt).toEqual(first.receipt);
    // A day later the bag's Bagging-Date differs (a new transfer), but the content is the same: no new version.
    ws.clock.advance(86_400_000);
    const nextDay = await uploadVolume(deps, conn, v.volumeId);
    expect(nextDay.created).toBe(false);
    expect(nextDay.uploadedBlobs).toBe(2); // bag-info.txt and the tag manifest changed, nothing else
    expect(nextDay.receipt).toEqual(first.receipt);
    expect(store.repo.counts()).toMatchObject({ volumes: 1, versions: 1, pages: 4, receipts: 1 });
  });

  it('a changed volume becomes version 2 and version 1 is kept', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 2 });
    const deps = { ...ws, now: ws.clock.now };
    await uploadVolume(deps, conn, v.volumeId);
    // The store owns it now; a correction made before the receipt arrived elsewhere is sent as a new version.
    ws.data.db.prepare("UPDATE volumes SET state = 'verified' WHERE id = ?").run(v.volumeId);
    ws.repos.documents.replaceAll(
      v.volumeId,
      [{ typeCode: 'APP', title: '更正后的题名', firstPage: 1, lastPage: 2 }],
      OPERATOR,
    );
    const second = await uploadVolume(deps, conn, v.volumeId);
    expect(second.receipt.body.version).toBe(2);
    expect(second.uploadedBlobs).toBe(4); // catalogue.json, bag-info, both manifests; images and bagit.txt were there
    expect(store.repo.volume(v.uid)?.versions.map((x) => x.version)).toEqual([1, 2]);
  });

  it('a client writes only its own bureau’s volumes, and every refusal is audited', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws, '350100'); // a Fuzhou credential, a Xiamen volume
    const v = seedVerifiedVolume(ws, { pages: 1 });
    await expect(uploadVolume({ ...ws, now: ws.clock.now }, conn, v.volumeId)).rejects.toMatchObject({
      status: 403,
    });
    expect(store.repo.counts().volumes).toBe(0);
    const denied = [...store.repo.audit.records()].filter((r) => r.outcome === 'denied');
    expect(denied.map((r) => r.action)).toEqual(['volume.commit']);
    expect(ws.repos.volumes.get(v.volumeId).state).toBe('verified');
  });

  it('refuses a wrong secret and a forged receipt', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const bad = new StoreClient({ ...conn, secret: 'wrong' });
    await expect(bad.lookup('91350200776049653A')).rejects.toBeInstanceOf(StoreRequestError);
    const good = new StoreClient(conn);
    expect(await good.lookup('91350200776049653A')).toEqual([]);
  });
});
