import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestStore } from '../support/test-store';
import { StoreClient, StoreRequestError } from '../../workstation/transfer/store-client';

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

  it('refuses an upload whose bytes do not match their digest (tus 460) and keeps nothing of it', async () => {
    const { store, conn } = await setup();
    const client = new StoreClient(conn);
    const good = randomBytes(5000);
    const claimed = sha(good);
    const transferId = await client.open('u-2', [
      { path: 'data/images/p0001.jpg', sha256: claimed, size: good.length },
    ]);
    const bad = Buffer.from(good);
    bad[100] = (bad[100] ?? 0) ^ 1;
    await expect(client.uploadBlob(bad, claimed, transferId, { retryDelays: [] })).rejects.toThrow(/460/);
    expect(store.blobs.has(claimed)).toBe(false);
    expect(await client.missing(transferId)).toEqual([claimed]);
    await client.uploadBlob(good, claimed, transferId, { retryDelays: [] });
    expect(await client.missing(transferId)).toEqual([]);
  });

  it('refuses uploads that are not part of the client’s transfer, and requests without a credential', async () => {
    const { conn, url } = await setup();
    const client = new StoreClient(conn);
    const b = randomBytes(100);
    await expect(client.uploadBlob(b, sha(b), 'no-such-transfer', { retryDelays: [] })).rejects.toThrow(
      /403/,
    );
    const res = await fetch(`${url}/v1/lookup?code=91350200776049653A`);
    expect(res.status).toBe(401);
    await expect(new StoreClient({ ...conn, secret: 'x' }).missing('t')).rejects.toBeInstanceOf(
      StoreRequestError,
    );
  });
});
