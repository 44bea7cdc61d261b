import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { buildStoreApp } from '../../store/server';
import { openStoreData, type StoreData } from '../../store/store-data';
import type { StoreConnection } from '../../workstation/transfer/store-client';
import { tempDir } from './temp-dir';
import type { TestWorkstation } from './transfer-fixtures';

/** A real store (Fastify on 127.0.0.1, SQLite + blob folder in a temp dir), closed after the test. */
export async function startTestStore(
  dir = tempDir(),
): Promise<{ store: StoreData; url: string; close: () => Promise<void> }> {
  const store = openStoreData(dir);
  const app = buildStoreApp(store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    store.close();
  };
  onTestFinished(close);
  return { store, url: `http://127.0.0.1:${port}`, close };
}

/** Issues a credential for `bureau` and makes the workstation trust the store's receipt key. */
export function connect(
  store: StoreData,
  url: string,
  ws: TestWorkstation,
  bureau = '350200',
): StoreConnection {
  const secret = randomBytes(32).toString('base64url');
  const client = store.repo.addClient(bureau, 'test', secret);
  ws.transfers.trustStoreKey(store.key.keyId, store.key.publicKey, 'test store');
  return { url, clientId: client.clientId, secret };
}
