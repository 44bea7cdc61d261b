import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChecks } from '../db/checks/run';
import { openDatabase } from '../db/open';
import { generateCatalogue } from './catalogue-generator';
import type { Benchmark } from './run';

// All data checks at province scale against the time of one plain full scan of the pages table in the
// same run and on the same file (target: all checks together ≤ 5 full scans). Rows only, no image
// bytes; the rotating re-hash is I/O-bound and measured apart. Scale: --pages N (default 60 M, the
// province: 1 M enterprises, 3 M volumes).
function pagesArg(): number {
  const i = process.argv.indexOf('--pages');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 60_000_000;
  if (!Number.isInteger(n) || n < 1000) throw new Error('--pages must be an integer ≥ 1000');
  return n;
}

const bench: Benchmark = {
  description: 'all data checks vs. one full scan of the pages table (synthetic catalogue, rows only)',
  async run({ log }) {
    const pages = pagesArg();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-checks-'));
    const { db } = openDatabase(path.join(dir, 'dangan.db'));
    try {
      let t = performance.now();
      const cat = generateCatalogue(db, {
        pages,
        faults: Math.max(1, Math.min(100, Math.floor(pages / 12_000))),
      });
      log(
        `generated ${cat.enterprises} enterprises, ${cat.volumes} volumes, ${cat.pages} pages in ${s(t)} s`,
      );

      // dpi_x is in no index, so this reads every row of the table. Median of three (the first is cold).
      const scans = [0, 1, 2].map(() => {
        const start = performance.now();
        db.prepare('SELECT count(*), sum(dpi_x) FROM pages').get();
        return s(start);
      });
      const fullScan = scans.sort((a, b) => a - b)[1] ?? 0;
      log(`one full scan of pages: ${fullScan} s (median of ${scans.join(', ')})`);

      t = performance.now();
      const report = runChecks(db, { inventory: cat.inventory, record: false });
      const checks = s(t);
      const found = Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
      const exact = report.categories.every((c) => c.count === cat.expected[c.id]);
      log(
        `all checks: ${checks} s = ${round(checks / fullScan)} full scans (target ≤ 5); planted faults found exactly: ${exact}`,
      );
      if (!exact) log(`found ${JSON.stringify(found)} expected ${JSON.stringify(cat.expected)}`);
      await Promise.resolve();
      return {
        pages: cat.pages,
        checks_s: checks,
        full_scan_s: fullScan,
        scans: round(checks / fullScan),
        exact,
      };
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;

function s(since: number): number {
  return round((performance.now() - since) / 1000);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
