import os from 'node:os';
import { summarize, type CatalogueScore, type TypeTally } from '../core/cataloguing/accuracy';
import { measureDemoSuggestions } from '../tests/support/demo-scan-suggestions';
import { TesseractPool } from '../workstation/ocr/tesseract-pool';
import { baselineForVolume } from './suggestions-baseline';
import type { Benchmark } from './run';

// Accuracy of the cataloguing suggestions on real scans of the demo files: BENCH_SUGGESTION_VOLUMES
// (default 6) files of the demo scanner, each scanned into its own 设立 volume through the engine's
// capture pipeline (profiles in turn: feeder grey 300 dpi; duplex grey 300 dpi with blank backs; feeder
// colour 200 dpi behind a QR label cover sheet), title zones then full pages read by the real tesseract
// pool. Scored: the engine's `catalogue.suggest` after the title zones and again after the full pages,
// and in the same run the earlier keyword classifier (bench/suggestions-baseline.ts) on the same readings.
const VOLUMES = Number(process.env['BENCH_SUGGESTION_VOLUMES'] ?? 6);
// BENCH_SUGGESTION_FULL=0 stops after the title zones (no full-page OCR).
const FIRST_SEED = Number(process.env['BENCH_SUGGESTION_SEED'] ?? 1);

function perType(score: CatalogueScore): Record<string, Record<string, number>> {
  const share = (t: TypeTally, k: keyof TypeTally) =>
    Math.round((t[k] / Math.max(1, t.documents)) * 1000) / 1000;
  return Object.fromEntries(
    Object.entries(score.byType).map(([code, t]) => [
      code,
      {
        documents: t.documents,
        boundary_recall: share(t, 'found'),
        type_accuracy: share(t, 'typed'),
        exact: share(t, 'exact'),
        title: share(t, 'titled'),
        date: share(t, 'dated'),
      },
    ]),
  );
}

const bench: Benchmark = {
  description: `${VOLUMES} demo files scanned and read for real: suggestions vs. the printed truth, baseline in the same run`,
  async run({ log }) {
    const pool = await TesseractPool.create();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      const run = await measureDemoSuggestions({
        count: VOLUMES,
        firstSeed: FIRST_SEED,
        pool,
        full: process.env['BENCH_SUGGESTION_FULL'] !== '0',
        others: { baseline: (v) => baselineForVolume(v.repos, v.ocr, v.volumeId) },
        log,
      });
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const figures: Record<string, unknown> = {};
      for (const [stage, byName] of Object.entries(run.scores)) {
        for (const [name, score] of Object.entries(byName)) {
          const s = summarize(score);
          log(`${stage} zones, ${name}: ${JSON.stringify(s)}`);
          log(`  per type: ${JSON.stringify(perType(score))}`);
          figures[`${name}_${stage}`] = { ...s, per_type: perType(score) };
        }
      }
      for (const v of run.volumes) {
        const engine = v.suggestions['full']?.['engine'] ?? v.suggestions['title']?.['engine'] ?? [];
        log(
          `seed ${v.seed}: ${engine.map((d) => `${d.firstPage}-${d.lastPage} ${d.typeCode} ${d.title}`).join(' | ')}`,
        );
      }
      const load = os.loadavg()[0] ?? 0;
      log(
        `${run.pages} pages; scan+processing ${(run.scanMs / 1000).toFixed(1)} s, title zones ${(run.titleOcrMs / 1000).toFixed(1)} s, full pages ${(run.fullOcrMs / 1000).toFixed(1)} s wall; ` +
          `this process's CPU ${((cpu.user + cpu.system) / 1e6 / run.pages).toFixed(2)} s/page (tesseract workers are threads of it); load average ${load.toFixed(2)}`,
      );
      const final = run.scores['full']?.['engine'] ?? run.scores['title']?.['engine'];
      const headline = final === undefined ? null : summarize(final);
      return {
        pages: run.pages,
        wall_s: Math.round(wallS),
        load_average: Math.round(load * 100) / 100,
        ...figures,
        volumes: run.volumes.length,
        documents: headline?.documents ?? 0,
        boundary_f1: headline?.boundary_f1 ?? 0,
        type_accuracy: headline?.type_accuracy ?? 0,
        title_accuracy: headline?.title_accuracy ?? 0,
        date_accuracy: headline?.date_accuracy ?? 0,
      };
    } finally {
      await pool.terminate();
    }
  },
};
export default bench;
