import { spawn, type ChildProcess } from 'node:child_process';
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
import { benchVolume } from './bench-volume';
import type { Benchmark } from './run';

// One 200-page volume over loopback: the whole online transfer (offer, tus upload of the missing blobs
// in packs with per-chunk checksums, the store hashing and storing each blob durably, commit with
// re-verification, signed receipt) against a plain HTTP PUT of the same bytes to a server that writes
// each to a file and fsyncs, both servers in their own process (BENCH_IN_PROCESS=1: all in this one).
// The machine is shared, so its load swings: the two are measured in pairs, back to back, BENCH_ROUNDS
// times after one unmeasured warm-up pair (the order alternating; one long-lived store and PUT server,
// a new volume of new pages each round); the figures are medians, the ratio the median of the pairs'. Then the same volume through a proxy that cuts the connection once
// mid-upload: the bytes sent beyond a clean run's are the bytes re-sent because of the cut.
const PAGES = Number(process.env['BENCH_PAGES'] ?? 200);
const PAGE_BYTES = 200 * 1024;
const CHUNK = 8 * 1024 * 1024;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));
// As in production, the store (and, to keep the comparison even, the PUT server) runs in its own
// process; BENCH_IN_PROCESS=1 puts both in this one, competing with the client for one event loop.
const IN_PROCESS = process.env['BENCH_IN_PROCESS'] === '1';
const BIN = path.join(import.meta.dirname, '..', 'bin', 'dangan.js');

const OP: Actor = { userId: null, username: 'bench', role: 'operator' };
const QA: Actor = { userId: null, username: 'bench-qa', role: 'qa' };

function workstation(dir: string, pages: readonly Buffer[], serial = 1) {
  const data = openDataDir(dir);
  const repos = createRepos(data.db);
  const v = benchVolume(repos, OP, { serial, declaredPages: pages.length });
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

async function store(dir: string, trustIn: TransfersRepo, inProcess = IN_PROCESS) {
  const s = openStoreData(dir);
  const secret = randomBytes(32).toString('base64url');
  const client = s.repo.addClient('350200', 'bench', secret);
  const { keyId, publicKey } = s.key;
  const trust = (t: TransfersRepo) => {
    t.trustStoreKey(keyId, publicKey);
  };
  trust(trustIn);
  if (!inProcess) {
    s.close();
    const child = spawn(
      process.execPath,
      [BIN, 'store', 'serve', '--store-data', dir, '--listen', '127.0.0.1:0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const url = await listeningUrl(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    return {
      conn: { url, clientId: client.clientId, secret } satisfies StoreConnection,
      trust,
      close: () => stop(child),
    };
  }
  const app = buildStoreApp(s);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    conn: { url, clientId: client.clientId, secret } satisfies StoreConnection,
    trust,
    close: async () => {
      await app.close();
      s.close();
    },
  };
}

/** Resolves with the URL a child prints once it listens. */
function listeningUrl(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited (${code}) before listening`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The PUT server as its own process: the same handler as below, as plain JavaScript for `node -e`. */
const PUT_SERVER = `
const fs = require('node:fs'); const http = require('node:http'); const path = require('node:path');
const dir = process.argv[1]; let n = 0;
const server = http.createServer((req, res) => {
  const file = path.join(dir, 'p' + n++); const out = fs.createWriteStream(file); req.pipe(out);
  out.on('finish', () => { const fd = fs.openSync(file, 'r'); fs.fsyncSync(fd); fs.closeSync(fd); res.writeHead(204).end(); });
});
server.keepAliveTimeout = 120000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** The baseline server: writes each PUT body to a file and fsyncs it. */
async function startPutServer(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  if (!IN_PROCESS) {
    const child = spawn(process.execPath, ['-e', PUT_SERVER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = `${await listeningUrl(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/)}/`;
    return { url, close: () => stop(child) };
  }
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
  // Idle between rounds while a volume is prepared: keep the connection (as the store's Fastify does,
  // 72 s), or a close racing the next request resets it.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  };
}

/** PUTs every page, CONCURRENCY at once; returns the milliseconds taken. */
async function putPages(url: string, pages: readonly Buffer[]): Promise<number> {
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
  return performance.now() - t0;
}

const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const bench: Benchmark = {
  description: `${PAGES} pages of ${PAGE_BYTES / 1024} KB over loopback: online transfer vs. plain HTTP PUT; bytes re-sent after a cut`,
  async run({ log }) {
    const pages = Array.from({ length: PAGES }, () => randomBytes(PAGE_BYTES));
    const totalBytes = PAGES * PAGE_BYTES;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-'));
    try {
      const ws = workstation(path.join(root, 'ws'), pages);
      const mb = totalBytes / 1e6;
      // One store and one PUT server for the whole run, as long-lived as in production; every round
      // sends a new volume of new pages (and PUTs those same bytes), so nothing is already there.
      const st = await store(path.join(root, 'store'), ws.transfers);
      const put = await startPutServer(path.join(root, 'put'));
      const pair = async (r: number, p: readonly Buffer[], w: ReturnType<typeof workstation>) => {
        st.trust(w.transfers);
        const transfer = async () => {
          const t0 = performance.now();
          await uploadVolume(w, st.conn, w.volumeId, { chunkSize: CHUNK, concurrency: CONCURRENCY });
          return performance.now() - t0;
        };
        if (r % 2 === 0) {
          const putMs = await putPages(put.url, p);
          return { putMs, transferMs: await transfer() };
        }
        const transferMs = await transfer();
        return { putMs: await putPages(put.url, p), transferMs };
      };
      const putRates: number[] = [];
      const transferRates: number[] = [];
      const ratios: number[] = [];
      try {
        // One unmeasured pair first: module loading and JIT warm-up would otherwise count against the first.
        await pair(0, pages, ws);
        for (let r = 0; r < ROUNDS; r++) {
          const p = Array.from({ length: PAGES }, () => randomBytes(PAGE_BYTES));
          const w = workstation(path.join(root, `ws${r}`), p, r + 2);
          const { putMs, transferMs } = await pair(r, p, w);
          w.data.close();
          putRates.push(mb / (putMs / 1000));
          transferRates.push(mb / (transferMs / 1000));
          ratios.push(putMs / transferMs);
          log(
            `round ${r + 1}: transfer ${round(mb / (transferMs / 1000))} MB/s, PUT ${round(mb / (putMs / 1000))} MB/s, ratio ${round(putMs / transferMs)}`,
          );
        }
      } finally {
        await st.close();
        await put.close();
      }

      // Clean run through the proxy (no cuts) to a fresh store, then one cut mid-upload to another.
      const sent = async (storeDir: string, maxCuts: number): Promise<number> => {
        ws.data.db.prepare("UPDATE volumes SET state = 'verified' WHERE id = ?").run(ws.volumeId);
        // Bytes, not time, are measured here: the store may share this process.
        const s = await store(storeDir, ws.transfers, true);
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

      const range = (xs: readonly number[]) => `${round(Math.min(...xs))}–${round(Math.max(...xs))}`;
      const figures = {
        mb_per_s: round(median(transferRates)),
        put_mb_per_s: round(median(putRates)),
        resent_bytes_after_cut: Math.max(0, withCut - clean),
        chunk_bytes: CHUNK,
        ratio_to_put: round(median(ratios)),
        rounds: ROUNDS,
        servers: IN_PROCESS ? 'in-process' : 'own-process',
        mb_per_s_range: range(transferRates),
        put_mb_per_s_range: range(putRates),
        ratio_range: range(ratios),
        pages: PAGES,
        page_bytes: PAGE_BYTES,
      };
      log(
        `median of ${ROUNDS}: online transfer ${figures.mb_per_s} MB/s (${figures.mb_per_s_range}); plain PUT ${figures.put_mb_per_s} MB/s (${figures.put_mb_per_s_range}); ratio ${figures.ratio_to_put} (${figures.ratio_range})`,
      );
      log(`bytes re-sent after one cut: ${figures.resent_bytes_after_cut} (chunk ${CHUNK})`);
      return figures;
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
