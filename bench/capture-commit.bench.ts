import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../db/digest';
import { createRepos } from '../db/repos';
import { openDataDir } from '../workstation/data-dir';
import { benchVolume } from './bench-volume';
import type { Benchmark } from './run';

// The cost of acknowledging a captured page safely: durable blob put (fsync file + folder) and the page
// row committed with synchronous=FULL — against a baseline in the same run that writes the same bytes
// and rows with no fsync at all (plain writeFile, synchronous=OFF). Reported as pages per second, beside
// the fastest production scanners' rating (~7 images/s, Kodak i5850 duplex).
const PAGES = Number(process.env['BENCH_PAGES'] ?? 200);
const PAGE_BYTES = 300 * 1024; // a 300 dpi A4 colour JPEG is typically 200–500 KB

const bench: Benchmark = {
  description: `${PAGES} pages of ${PAGE_BYTES / 1024} KB: durable capture commit vs. no-fsync baseline`,
  async run({ log }) {
    const pages = Array.from({ length: PAGES }, () => randomBytes(PAGE_BYTES));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-'));
    try {
      const baselineMs = baseline(path.join(root, 'baseline'), pages);
      const durableMs = durable(path.join(root, 'durable'), pages);
      const figures = {
        pages: PAGES,
        pageBytes: PAGE_BYTES,
        baselinePagesPerSecond: round((PAGES / baselineMs) * 1000),
        durablePagesPerSecond: round((PAGES / durableMs) * 1000),
        durableMsPerPage: round(durableMs / PAGES),
        slowdownVsBaseline: round(durableMs / baselineMs),
        fastestScannerImagesPerSecond: 7,
      };
      log(`baseline (no fsync): ${figures.baselinePagesPerSecond} pages/s`);
      log(
        `durable (fsync + FULL): ${figures.durablePagesPerSecond} pages/s, ${figures.durableMsPerPage} ms/page`,
      );
      await Promise.resolve();
      return figures;
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;

function durable(dir: string, pages: readonly Buffer[]): number {
  const data = openDataDir(dir);
  const repos = createRepos(data.db);
  const vol = benchVolume(repos, { userId: null, username: 'bench' });
  const start = performance.now();
  for (const bytes of pages) {
    const put = data.blobs.put(bytes);
    repos.pages.addCaptured({
      volumeId: vol.id,
      blob: { sha256: put.sha256, sm3: put.sm3, size: put.size, mediaType: 'image/jpeg' },
    });
  }
  const ms = performance.now() - start;
  data.close();
  return ms;
}

function baseline(dir: string, pages: readonly Buffer[]): number {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, sha256 TEXT, size INTEGER)');
  const insert = db.prepare('INSERT INTO pages (sha256, size) VALUES (?, ?)');
  const start = performance.now();
  for (const bytes of pages) {
    const sha = sha256Hex(bytes);
    fs.writeFileSync(path.join(dir, sha), bytes);
    insert.run(sha, bytes.length);
  }
  const ms = performance.now() - start;
  db.close();
  return ms;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
