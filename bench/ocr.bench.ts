import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRepos } from '../db/repos';
import { PageOcrRepo } from '../db/repos/page-ocr';
import { measureSuggestionAccuracy } from '../tests/support/suggestion-accuracy';
import { planVolume, renderVolume } from '../tests/support/demo-volume';
import { addDemoPages } from '../tests/support/volume-pages';
import { openDataDir } from '../workstation/data-dir';
import { OcrService } from '../workstation/ocr/ocr-service';
import { TesseractPool } from '../workstation/ocr/tesseract-pool';
import { benchVolume } from './bench-volume';
import type { Benchmark } from './run';

// OCR throughput on demo registration pages at 300 dpi (A4): title zones and full pages through the
// durable job queue and the worker pool (one tesseract.js worker per core), next to Debian's
// `tesseract` CLI (chi_sim, LSTM) reading the same full pages one after another — in the same run.
// With BENCH_ACCURACY_VOLUMES > 0 it also measures the title-keyword classifier on that many volumes.
const PAGES = Number(process.env['BENCH_OCR_PAGES'] ?? 4);
const ACCURACY_VOLUMES = Number(process.env['BENCH_ACCURACY_VOLUMES'] ?? 0);
const DPI = 300;
const run = promisify(execFile);

const bench: Benchmark = {
  description: `${PAGES} pages at ${DPI} dpi: title zones and full pages with the pool vs. the tesseract CLI`,
  async run({ log }) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-ocr-'));
    const pool = await TesseractPool.create();
    try {
      const plan = planVolume('SL', 5, { uscc: '91350200776049653A', name: '厦门测试有限公司' });
      const demo = await renderVolume(plan, { seed: 5, dpi: DPI });
      const pages = demo.pages.slice(0, PAGES);
      const data = openDataDir(path.join(root, 'data'));
      const repos = createRepos(data.db);
      const ocr = new PageOcrRepo(data.db);
      const v = benchVolume(repos, { userId: null, username: 'bench' }, { name: '厦门测试有限公司' });
      addDemoPages(repos, data.blobs, v.id, pages, DPI);
      const service = new OcrService(repos, ocr, data.blobs, pool);

      const time = async (fn: () => Promise<unknown>) => {
        const t = performance.now();
        await fn();
        return (performance.now() - t) / 1000;
      };
      service.enqueueVolume(v.id, { zones: ['title'] });
      const titleS = await time(() => service.drain({ concurrency: pool.size }));
      service.enqueueVolume(v.id, { zones: ['full'] });
      const fullS = await time(() => service.drain({ concurrency: pool.size }));
      data.close();

      const files = pages.map((p, i) => {
        const f = path.join(root, `page-${i}.png`);
        fs.writeFileSync(f, p.png);
        return f;
      });
      const cliS = await time(async () => {
        for (const f of files)
          await run('tesseract', [f, 'stdout', '-l', 'chi_sim', '--oem', '1', '--psm', '3']);
      });

      const round = (n: number) => Math.round(n * 100) / 100;
      const figures: Record<string, unknown> = {
        pages: pages.length,
        dpi: DPI,
        workers: pool.size,
        title_zone_pages_per_s: round(pages.length / titleS),
        full_pages_per_s: round(pages.length / fullS),
        cli_full_pages_per_s: round(pages.length / cliS),
        // The target: title zones first with the pool, then full pages, take no longer per volume
        // than the CLI reading full pages one after another.
        pool_title_then_full_s_per_page: round((titleS + fullS) / pages.length),
        cli_full_s_per_page: round(cliS / pages.length),
      };
      log(`title zones (pool ×${pool.size}): ${String(figures['title_zone_pages_per_s'])} pages/s`);
      log(`full pages (pool ×${pool.size}): ${String(figures['full_pages_per_s'])} pages/s`);
      log(
        `full pages (tesseract CLI, one after another): ${String(figures['cli_full_pages_per_s'])} pages/s`,
      );
      if (ACCURACY_VOLUMES > 0) {
        // Pages made to look scanned (tilt, blur, grey background): the harder, more honest case.
        const acc = await measureSuggestionAccuracy(pool, { count: ACCURACY_VOLUMES, scanned: true });
        log(
          `classifier on ${acc.volumes} demo volumes (${acc.pooled.documents} documents, ${acc.pages} pages): ${JSON.stringify(acc.pooled)}`,
        );
        figures['classifier'] = { volumes: acc.volumes, pages: acc.pages, ...acc.pooled };
      }
      const { title_zone_pages_per_s, full_pages_per_s, cli_full_pages_per_s, ...rest } = figures;
      // The three headline figures last, as the issue asks for them.
      return { ...rest, title_zone_pages_per_s, full_pages_per_s, cli_full_pages_per_s };
    } finally {
      await pool.terminate();
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
