import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestStore } from '../support/test-store';
import { rm } from 'node:fs/promises';
import {
  PackRefused,
  sendBlobs,
  StoreClient,
  StoreRequestError,
} from '../../workstation/transfer/store-client';
import { startCorruptingProxy } from './corrupting-proxy';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function setup() {
  const { store, url } = await startTestStore();
  const secret = randomBytes(32).toString('base64url');
  const { clientId } = store.repo.addClient('350200', 'api test', secret);
  const auth = { authorization: `Bearer ${clientId}:${secret}`, 'content-type': 'application/json' };
  return { store, url, conn: { url, clientId, secret }, auth };
}

describe('store HTTP API', () => {
  it('requires an Idempotency-Key, replays the first answer, and refuses a key reused for another body', async () => {
    const { url, auth } = await setup();
    const body = (size: number) =>
      JSON.stringify({ volumeUid: 'u-1', files: [{ path: 'data/x.jpg', sha256: 'a'.repeat(64), size }] });
    const post = (key: string | null, b: string) =>
      fetch(`${url}/v1/transfers`, {
        method: 'POST',
        headers: key ? { ...auth, 'idempotency-key': key } : auth,
        body: b,
      });
    expect((await post(null, body(1))).status).toBe(400);
    const first = await post('key-00000001', body(1));
    expect(first.status).toBe(201);
    const again = await post('key-00000001', body(1));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect((await post('key-00000001', body(2))).status).toBe(422);
  });

  it('stores the good blobs of a pack and refuses, with their digests, the ones whose bytes are not their digest', async () => {
    const { store, conn } = await setup();
    const client = new StoreClient(conn);
    const blobs = [randomBytes(5000), randomBytes(7000), randomBytes(3000)];
    const digests = blobs.map(sha);
    const transferId = await client.open(
      'u-2',
      blobs.map((b, i) => ({ path: `data/images/p000${i + 1}.jpg`, sha256: sha(b), size: b.length })),
    );
    const damaged = blobs.map((b) => Buffer.from(b));
    const second = damaged[1] ?? Buffer.alloc(0);
    second[100] = (second[100] ?? 0) ^ 1;
    const refusal = client.uploadPack(Buffer.concat(damaged), digests, transferId, { retryDelays: [] });
    await expect(refusal).rejects.toBeInstanceOf(PackRefused);
    await expect(refusal).rejects.toMatchObject({ digests: [digests[1]] });
    expect(digests.map((d) => store.blobs.has(d))).toEqual([true, false, true]);
    expect(await client.missing(transferId)).toEqual([digests[1]]);
    await client.uploadPack(blobs[1] ?? Buffer.alloc(0), [digests[1] ?? ''], transferId, { retryDelays: [] });
    expect(await client.missing(transferId)).toEqual([]);
    for (const [i, b] of blobs.entries()) expect(store.blobs.read(digests[i] ?? '').equals(b)).toBe(true);
  });

  it('sends refused blobs again alone, and gives up with a clear error when they keep being refused', async () => {
    const { store, conn } = await setup();
    const client = new StoreClient(conn);
    const good = [randomBytes(3000), randomBytes(4000), randomBytes(5000)];
    const transferId = await client.open(
      'u-4',
      good.map((b, i) => ({ path: `data/images/p000${i + 1}.jpg`, sha256: sha(b), size: b.length })),
    );
    const reads = new Map<string, number>();
    // The second blob reads wrong `badReads` times (a flaky disk), then right.
    const blobs = (badReads: number) =>
      good.map((b, i) => ({
        sha256: sha(b),
        size: b.length,
        read: () => {
          const n = (reads.get(sha(b)) ?? 0) + 1;
          reads.set(sha(b), n);
          return i === 1 && n <= badReads ? randomBytes(b.length) : b;
        },
      }));
    await expect(sendBlobs(client, transferId, blobs(99), { retryDelays: [] })).rejects.toMatchObject({
      code: 'transfer.blobs-refused',
      details: { digests: [sha(good[1] ?? Buffer.alloc(0))] },
    });
    expect(good.map((b) => store.blobs.has(sha(b)))).toEqual([true, false, true]);
    expect(reads.get(sha(good[1] ?? Buffer.alloc(0)))).toBe(3);
    reads.clear();
    await sendBlobs(client, transferId, blobs(1), { retryDelays: [] });
    expect(await client.missing(transferId)).toEqual([]);
    // Only the refused blob travelled again.
    expect([...reads.values()]).toEqual([1, 2, 1]);
  });

  it('refuses a chunk damaged on the way (Upload-Checksum, 460) and gets that chunk alone again', async () => {
    const { store, conn, url } = await setup();
    const blob = randomBytes(1024 * 1024);
    const chunkSize = 64 * 1024;
    const target = new URL(url);
    const hop = { host: target.hostname, port: Number(target.port) };
    const send = async (proxyUrl: string, uid: string) => {
      const client = new StoreClient({ ...conn, url: proxyUrl });
      const transferId = await client.open(uid, [
        { path: 'data/images/p0001.tif', sha256: sha(blob), size: blob.length },
      ]);
      await client.uploadPack(blob, [sha(blob)], transferId, { chunkSize, retryDelays: [0, 0] });
    };
    // The same upload once clean, then with one byte inverted in the middle of the blob.
    const clean = await startCorruptingProxy(hop, { at: Number.MAX_SAFE_INTEGER });
    await send(clean.url, 'u-clean');
    await clean.close();
    await rm(store.blobs.pathOf(sha(blob)), { force: true });
    const faulty = await startCorruptingProxy(hop, { at: 600 * 1024 });
    await send(faulty.url, 'u-faulty');
    await faulty.close();
    expect(faulty.damaged()).toBe(true);
    expect(store.blobs.read(sha(blob)).equals(blob)).toBe(true);
    const resent = faulty.bytesUp() - clean.bytesUp();
    // One chunk and the few requests around it — not the whole blob.
    expect(resent).toBeGreaterThan(chunkSize);
    expect(resent).toBeLessThan(chunkSize + 8 * 1024);
  });

  it('refuses a malformed or unknown Upload-Checksum (400)', async () => {
    const { url, auth, conn } = await setup();
    const client = new StoreClient(conn);
    const b = randomBytes(100);
    const transferId = await client.open('u-3', [
      { path: 'data/images/p0001.jpg', sha256: sha(b), size: b.length },
    ]);
    const created = await fetch(`${url}/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: auth.authorization,
        'tus-resumable': '1.0.0',
        'upload-length': String(b.length),
        'upload-metadata': `blobs ${Buffer.from(sha(b)).toString('base64')},transfer ${Buffer.from(transferId).toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get('location') ?? '', url);
    const patch = (checksum: string) =>
      fetch(location, {
        method: 'PATCH',
        headers: {
          authorization: auth.authorization,
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'upload-checksum': checksum,
        },
        body: b,
      });
    expect((await patch('md5 AAAA')).status).toBe(400);
    expect((await patch('sha256 not base64!')).status).toBe(400);
    expect((await patch(`sha256 ${createHash('sha256').update(b).digest('base64')}`)).status).toBe(204);
  });

  it('refuses uploads that are not part of the client’s transfer, and requests without a credential', async () => {
    const { conn, url } = await setup();
    const client = new StoreClient(conn);
    const b = randomBytes(100);
    await expect(client.uploadPack(b, [sha(b)], 'no-such-transfer', { retryDelays: [] })).rejects.toThrow(
      /403/,
    );
    const res = await fetch(`${url}/v1/lookup?code=91350200776049653A`);
    expect(res.status).toBe(401);
    await expect(new StoreClient({ ...conn, secret: 'x' }).missing('t')).rejects.toBeInstanceOf(
      StoreRequestError,
    );
  });
});
