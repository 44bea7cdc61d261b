import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRepos, type Actor } from '../db/repos';
import { TransfersRepo } from '../db/repos/transfers';
import { buildStoreApp } from '../store/server';
import { openStoreData } from '../store/store-data';
import { startCuttingProxy } from '../tests/support/cutting-proxy';
import { openDataDir } from '../workstation/data-dir';
import { uploadVolume, type StoreConnection } from '../workstation/transfer/store-client';
import type { Benchmark } from './run';

// One 200-page volume over loopback: the whole online transfer (offer, tus upload of every blob with
// the store hashing and storing each durably, commit with re-verification, signed receipt) against a
// plain HTTP PUT of the same bytes, in the same run, to a server that writes each to a file and fsyncs.
// Then the same volume through a proxy that cuts the connection once mid-upload: the bytes sent beyond
// a clean run's are the bytes re-sent because of the cut.
const PAGES = Number(process.env['BENCH_PAGES'] ?? 200);
const PAGE_BYTES = 200 * 1024;
const CHUNK = 8 * 1024 * 1024;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);

const OP: Actor = { userId: null, username: 'bench', role: 'operator' };
const QA: Actor = { userId: null, username: 'bench-qa', role: 'qa' };

function workstation(dir: string, pages: readonly Buffer[]) {
  const data = openDataDir(dir);
  const repos = createRepos(data.db);
  const e = repos.enterprises.create(
    { uscc: '91350200776049653A', name: '基准测试有限公司', bureauCode: '350200' },
    OP,
  );
  const v = repos.volumes.create(
    {
      enterpriseId: e.id,
      archiveNo: '350200-2026-SL-000001',
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
      declaredPages: pages.length,
    },
    OP,
  );
  repos.volumes.transition(v.id, 'scanning', OP);
  for (const bytes of pages) {
    const put = data.blobs.put(bytes);
    const blob = { sha256: put.sha256, size: put.size, mediaType: 'image/jpeg' };
    repos.pages.addBlob(blob);
    repos.pages.addCaptured({ volumeId: v.id, blob });
  }
  repos.volumes.transition(v.id, 'scanned', OP);
  repos.documents.replaceAll(
    v.id,
    [{ typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: pages.length }],
    OP,
  );
  repos.volumes.transition(v.id, 'catalogued', OP);
  repos.volumes.transition(v.id, 'verified', QA);
  return {
    data,
    repos,
    transfers: new TransfersRepo(data.db),
    blobs: data.blobs,
    volumeId: v.id,
    now: () => new Date(),
  };
}

async function store(dir: string, trustIn: TransfersRepo) {
  const s = openStoreData(dir);
  const app = buildStoreApp(s);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const secret = randomBytes(32).toString('base64url');
  const client = s.repo.addClient('350200', 'bench', secret);
  trustIn.trustStoreKey(s.key.keyId, s.key.publicKey);
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    conn: { url, clientId: client.clientId, secret } satisfies StoreConnection,
    close: async () => {
      await app.close();
      s.close();
    },
  };
}

/** The baseline: PUT each page to a plain server that writes it to a file and fsyncs. */
async function plainPut(dir: string, pages: readonly Buffer[]): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = http.createServer((req, res) => {
    const file = path.join(dir, `p${n++}`);
    const out = fs.createWriteStream(file);
    req.pipe(out);
    out.on('finish', () => {
      const fd = fs.openSync(file, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < pages.length) {
        const body = pages[next++];
        if (!body) break;
        const res = await fetch(url, { method: 'PUT', body: new Uint8Array(body) });
        if (res.status !== 204) throw new Error(`PUT ${res.status}`);
      }
    }),
  );
  const ms = performance.now() - t0;
  await new Promise<void>((r) => {
    server.close(() => {
      r();
    });
  });
  return ms;
}

const round = (x: number) => Math.round(x * 100) / 100;

const bench: Benchmark = {
  description: `${PAGES} pages of ${PAGE_BYTES / 1024} KB over loopback: online transfer vs. plain HTTP PUT; bytes re-sent after a cut`,
  async run({ log }) {
    const pages = Array.from({ length: PAGES }, () => randomBytes(PAGE_BYTES));
    const totalBytes = PAGES * PAGE_BYTES;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-'));
    try {
      const putMs = await plainPut(path.join(root, 'put'), pages);

      const ws = workstation(path.join(root, 'ws'), pages);
      const s1 = await store(path.join(root, 'store1'), ws.transfers);
      const t0 = performance.now();
      await uploadVolume(ws, s1.conn, ws.volumeId, { chunkSize: CHUNK, concurrency: CONCURRENCY });
      const transferMs = performance.now() - t0;
      await s1.close();

      // Clean run through the proxy (no cuts) to a fresh store, then one cut mid-upload to another.
      const sent = async (storeDir: string, maxCuts: number): Promise<number> => {
        ws.data.db.prepare("UPDATE volumes SET state = 'verified' WHERE id = ?").run(ws.volumeId);
        const s = await store(storeDir, ws.transfers);
        const target = new URL(s.conn.url);
        // One cut at a uniformly random offset of the first quarter of the upload.
        const proxy = await startCuttingProxy(
          { host: target.hostname, port: Number(target.port) },
          { maxCuts, probability: 1, maxOffset: Math.floor(totalBytes / CONCURRENCY / 4) },
        );
        try {
          await uploadVolume(ws, { ...s.conn, url: proxy.url }, ws.volumeId, {
            chunkSize: CHUNK,
            concurrency: CONCURRENCY,
            retryDelays: [0, 0, 100, 500],
          });
          return proxy.bytesUp();
        } finally {
          await proxy.close();
          await s.close();
        }
      };
      const clean = await sent(path.join(root, 'store2'), 0);
      const withCut = await sent(path.join(root, 'store3'), 1);
      ws.data.close();

      const mb = totalBytes / 1e6;
      const figures = {
        mb_per_s: round(mb / (transferMs / 1000)),
        put_mb_per_s: round(mb / (putMs / 1000)),
        resent_bytes_after_cut: Math.max(0, withCut - clean),
        chunk_bytes: CHUNK,
        ratio_to_put: round(putMs / transferMs),
        pages: PAGES,
        page_bytes: PAGE_BYTES,
      };
      log(
        `online transfer: ${figures.mb_per_s} MB/s; plain PUT: ${figures.put_mb_per_s} MB/s (ratio ${figures.ratio_to_put})`,
      );
      log(`bytes re-sent after one cut: ${figures.resent_bytes_after_cut} (chunk ${CHUNK})`);
      return figures;
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
