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
      const t = performance.now();
      const cat = generateCatalogue(db, {
        pages,
        faults: Math.max(1, Math.min(100, Math.floor(pages / 12_000))),
      });
      log(
        `generated ${cat.enterprises} enterprises, ${cat.volumes} volumes, ${cat.pages} pages in ${s(t)} s`,
      );

      // dpi_x is in no index, so this reads every row of the table. Median of seven (the first is
      // cold; the machine is shared, so single timings vary several-fold).
      const scans = [0, 1, 2, 3, 4, 5, 6].map(() => {
        const start = performance.now();
        db.prepare('SELECT count(*), sum(dpi_x) FROM pages').get();
        return s(start);
      });
      const fullScan = [...scans].sort((a, b) => a - b)[3] ?? 0;
      log(`one full scan of pages: ${fullScan} s (median of ${scans.join(', ')})`);

      // The first run lists all of storage (no cached listing yet); the routine run after it reads
      // only folders that changed. Both are reported; checks_s is the routine run.
      const profile = process.argv.includes('--profile');
      const run = (label: string) => {
        const steps: [string, number][] = [];
        const start = performance.now();
        const report = runChecks(db, {
          inventory: cat.inventory,
          record: false,
          ...(profile ? { onTiming: (step: string, ms: number) => steps.push([step, ms]) } : {}),
        });
        const took = s(start);
        log(`${label}: ${took} s = ${round(took / fullScan)} full scans`);
        for (const [step, ms] of steps.sort((a, b) => b[1] - a[1]).slice(0, 16))
          log(`  ${step.padEnd(32)} ${(ms / 1000).toFixed(3)} s = ${round(ms / 1000 / fullScan)} scans`);
        return { report, took };
      };
      const cold = run('first run (whole storage listed)');
      const { report, took: checks } = run('routine run');
      cat.close();
      const coldExact = cold.report.categories.every((c) => c.count === cat.expected[c.id]);
      const found = Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
      const exact = coldExact && report.categories.every((c) => c.count === cat.expected[c.id]);
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
        first_run_s: cold.took,
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
