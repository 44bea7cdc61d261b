import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanJob, ScanSession } from '../core/scanning/driver';
import { EsclClient, scanSettingsXml } from '../native/escl/client';
import { EsclDriver } from '../native/escl/driver';
import { SaneDriver } from '../native/sane/driver';
import { startEsclServer } from '../tests/escl-server/server';
import type { Benchmark } from './run';

// Pages per second through each scanner driver, each beside a baseline in the same run that does the
// same device work without the driver:
// - SANE: the `test` backend at 300 dpi A4 grey. Baseline: bare `scanimage --batch` writing the same
//   files (nothing read back). The driver adds reading, checking and handing over each page.
// - eSCL: the test server at 300 dpi A4 grey JPEG (one image rendered per job and served for every
//   page, so that the client is measured, not sharp). Baseline: a plain loop of NextDocument
//   requests on the same server. The driver adds settings checks, back-off logic and the event stream.
// Rated speed of the fastest production scanners: ~7 images/s (Kodak i5850 duplex).
const RUNS = Number(process.env['BENCH_SANE_RUNS'] ?? 3); // 10 pages each: the test feeder's stack
const ESCL_PAGES = Number(process.env['BENCH_ESCL_PAGES'] ?? 20);
const FIXTURE = path.resolve(import.meta.dirname, '../tests/fixtures/sane');
const JOB: ScanJob = { source: 'feeder', dpi: 300, mode: 'gray' };

async function drain(session: ScanSession): Promise<number> {
  let pages = 0;
  for await (const e of session) {
    if (e.type === 'page') pages += 1;
    if (e.type === 'error') throw new Error(`${e.category}: ${e.detail ?? ''}`);
  }
  return pages;
}

function bareScanimage(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'scanimage',
      [
        '-d',
        'test',
        '--source',
        'Automatic Document Feeder',
        '--mode',
        'Gray',
        '--depth',
        '8',
        '--resolution',
        '300',
        '-x',
        '210',
        '-y',
        '297',
        '--format=tiff',
        `--batch=${path.join(dir, 'p%04d.tif')}`,
      ],
      { env, stdio: 'ignore' },
    );
    child.on('error', reject);
    child.on('close', () => {
      resolve();
    });
  });
}

const round = (n: number) => Math.round(n * 10) / 10;

const bench: Benchmark = {
  description: `scanner drivers vs. bare device work: SANE ${RUNS * 10} pages, eSCL ${ESCL_PAGES} pages, 300 dpi A4 grey`,
  async run({ log }) {
    const env = { ...process.env, SANE_CONFIG_DIR: FIXTURE, LC_ALL: 'C' };
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-scan-'));
    try {
      let t = performance.now();
      for (let i = 0; i < RUNS; i++) {
        const dir = fs.mkdtempSync(path.join(root, 'bare-'));
        await bareScanimage(dir, env);
        fs.rmSync(dir, { recursive: true });
      }
      const bareMs = performance.now() - t;
      const sane = new SaneDriver({ env, workDir: root });
      await sane.capabilities('sane:test:0');
      t = performance.now();
      let sanePages = 0;
      for (let i = 0; i < RUNS; i++) sanePages += await drain(sane.scan('sane:test:0', JOB));
      const saneMs = performance.now() - t;

      const server = await startEsclServer({ feederSheets: ESCL_PAGES * 2, samePage: true });
      try {
        const client = new EsclClient(server.url);
        const settings = {
          inputSource: 'Feeder' as const,
          duplex: false,
          colorMode: 'Grayscale8',
          format: 'image/jpeg',
          formatExt: true,
          dpi: 300,
          width: 2480,
          height: 3508,
        };
        const res = await client.request('POST', 'ScanJobs', scanSettingsXml(settings));
        const jobPath = new URL(String(res.headers.location), server.url).pathname;
        t = performance.now();
        for (let i = 0; i < ESCL_PAGES; i++) await client.nextDocument(jobPath);
        const esclBareMs = performance.now() - t;
        await client.deleteJob(jobPath);

        const escl = new EsclDriver({ discovery: false });
        const id = `escl:${server.url}`;
        await escl.capabilities(id);
        t = performance.now();
        const esclPages = await drain(escl.scan(id, { ...JOB, maxPages: ESCL_PAGES }));
        const esclMs = performance.now() - t;

        const figures = {
          sane_pages: sanePages,
          sane_bare_pages_per_s: round((RUNS * 10 * 1000) / bareMs),
          sane_driver_pages_per_s: round((sanePages * 1000) / saneMs),
          sane_driver_vs_bare: round(saneMs / bareMs),
          escl_pages: esclPages,
          escl_bare_pages_per_s: round((ESCL_PAGES * 1000) / esclBareMs),
          escl_driver_pages_per_s: round((esclPages * 1000) / esclMs),
          escl_driver_vs_bare: round(esclMs / (esclBareMs * (esclPages / ESCL_PAGES))),
          fastest_scanner_images_per_s: 7,
        };
        log(`SANE bare scanimage: ${figures.sane_bare_pages_per_s} pages/s`);
        log(
          `SANE driver:         ${figures.sane_driver_pages_per_s} pages/s (${figures.sane_driver_vs_bare}× the time)`,
        );
        log(`eSCL bare requests:  ${figures.escl_bare_pages_per_s} pages/s`);
        log(
          `eSCL driver:         ${figures.escl_driver_pages_per_s} pages/s (${figures.escl_driver_vs_bare}× the time)`,
        );
        return figures;
      } finally {
        await server.close();
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
