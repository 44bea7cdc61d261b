import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRepos, type Repos } from '../db/repos';
import { demoEnterprise } from '../native/demo/enterprise';
import { sheetBody, ESTABLISHMENT_FILE } from '../native/demo/documents';
import { seededRandom } from '../native/demo/random';
import { renderSheet } from '../native/demo/render';
import { CapturePipeline } from '../workstation/capture/pipeline';
import type { ProcessOutput } from '../workstation/capture/process-page';
import { profileFor } from '../workstation/capture/profiles';
import { openDataDir } from '../workstation/data-dir';
import type { Benchmark } from './run';

// Synthetic 300 dpi A4 pages (demo-scanner forms: text, tables, seals, ±1.6° skew, dark feeder backing,
// grain) through the whole capture pipeline with durable writes: blob fsync + page commit, then the worker
// pool (one decode, skew, crop, blank score, QR and Patch-T detection, master and thumbnail blobs fsynced,
// results committed). Baseline in the same run: the bare JPEG-encode rate of the same grey pages with the
// master's encoder settings, one encode per core (this machine's limit).
//
// A child process renders DISTINCT pages per mode once (cached on disk by RENDER_VERSION) and measures the
// encode-only rate, so neither librsvg's rendering memory nor the baseline's buffers count in this
// process, which is then only the engine: main thread (SQLite, blob fsyncs) + the worker threads.
//
// A third run (not with --batch1000) takes the colour pages with automatic colour (自动): the master is
// colour only where a page has colour content, else grey.
//
// Options: --pages N per mode (default 30; DANGAN_BENCH_PAGES also works), --batch1000 (1000 grey pages
// only: the peak-RSS run over a full batch), --timings (mean milliseconds per processing stage; the
// master's encoding then no longer overlaps the QR reading and the thumbnail, so each stage has its own).
const RENDER_VERSION = 1;
const DISTINCT = 6;
const WARM_UP = 4;
const CORES = os.availableParallelism();
const THIS_FILE = fileURLToPath(import.meta.url);

type Mode = 'gray' | 'color';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function renderPages(mode: Mode, dir: string): Promise<void> {
  const e = demoEnterprise(seededRandom(mode === 'gray' ? 1 : 2));
  const kinds = ESTABLISHMENT_FILE.flatMap(({ kind, pages }) =>
    Array.from({ length: pages }, (_, page) => ({ kind, page })),
  );
  for (let i = 0; i < DISTINCT; i++) {
    const sheet = kinds[i % kinds.length]!;
    const r = seededRandom(1000 + i);
    const body = sheetBody(sheet.kind, sheet.page, e, r, '').body;
    const page = await renderSheet(body, {
      dpi: 300,
      mode,
      widthMm: 210,
      heightMm: 297,
      backing: '#1c1c1e',
      random: r,
    });
    fs.writeFileSync(path.join(dir, `${mode}-${i}.jpg`), page.bytes);
  }
}

interface EncodeFigures {
  encodePagesPerS: number;
  encodeCpuMsPerPage: number;
}

/** Bare JPEG encoding of the decoded grey pages, one encode per core at a time, libvips single-threaded. */
async function encodeOnly(dir: string, pages: number): Promise<EncodeFigures> {
  sharp.concurrency(1);
  sharp.cache(false);
  const quality = profileFor('gray').jpegQuality;
  const raws = await Promise.all(
    Array.from({ length: DISTINCT }, (_, i) =>
      sharp(fs.readFileSync(path.join(dir, `gray-${i}.jpg`)))
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ),
  );
  const started = performance.now();
  const cpu = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < pages) {
      const raw = raws[next++ % raws.length]!;
      await sharp(raw.data, { raw: raw.info }).toColourspace('b-w').jpeg({ quality }).toBuffer();
    }
  };
  await Promise.all(Array.from({ length: CORES }, worker));
  return {
    encodePagesPerS: pages / ((performance.now() - started) / 1000),
    encodeCpuMsPerPage: cpuMs(process.cpuUsage(cpu)) / pages,
  };
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds of this process's main thread so far (Linux: its /proc task entry), else null. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** The child process: renders the pages when the cache lacks them, then prints the encode-only rate. */
async function child(dir: string, pages: number): Promise<void> {
  const complete = path.join(dir, 'complete');
  if (!fs.existsSync(complete)) {
    fs.mkdirSync(dir, { recursive: true });
    await renderPages('gray', dir);
    await renderPages('color', dir);
    fs.writeFileSync(complete, '');
  }
  process.stdout.write(`${JSON.stringify(await encodeOnly(dir, pages))}\n`);
}

function prepareInChild(dir: string, pages: number): EncodeFigures {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', THIS_FILE, '--child', dir, String(pages)], {
    cwd: path.join(import.meta.dirname, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`page rendering child failed (${r.status ?? r.signal})`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as EncodeFigures;
}

/** The same JPEG with a comment segment after SOI naming `n`: identical image, different bytes. */
function unique(jpeg: Buffer, n: number): Buffer {
  const note = Buffer.from(`dangan bench page ${n}`, 'latin1');
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(note.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), com, note, jpeg.subarray(2)]);
}

const OPERATOR = { userId: null, username: 'bench', role: 'operator' } as const;

function seedVolume(repos: Repos): number {
  const enterprise = repos.enterprises.create(
    { uscc: '91350200776049653A', name: '厦门测试有限公司', bureauCode: '350200' },
    OPERATOR,
  );
  return repos.volumes.create(
    {
      enterpriseId: enterprise.id,
      archiveNo: '350200-2026-SL-000001',
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
    },
    OPERATOR,
  ).id;
}

interface RunFigures {
  pagesPerS: number;
  /** CPU time of this whole process (all threads) per page: what the page costs, whatever the load. */
  cpuMsPerPage: number;
  /** Of that, the main thread's (capture, SQLite commits, handing pages to the workers); null off Linux. */
  mainCpuMsPerPage: number | null;
  latencies: number[];
  workerMs: number[];
  deskewed: number;
  /** Pages whose master came out grey (自动 on a page without colour content). */
  greyMasters: number;
  stages: Map<string, number[]>;
}

/**
 * WARM_UP pages first (worker start, module loading), then `count` pages captured in one burst, as a
 * feeder delivers them; pages/s = count / (last processed − first arrival).
 */
async function throughPipeline(
  pages: readonly Buffer[],
  mode: Mode,
  root: string,
  count: number,
  timings: boolean,
  autoColour = false,
): Promise<RunFigures> {
  const data = openDataDir(path.join(root, autoColour ? 'auto' : mode));
  const repos = createRepos(data.db);
  const volumeId = seedVolume(repos);
  const arrived = new Map<number, number>();
  const figures: RunFigures = {
    pagesPerS: 0,
    cpuMsPerPage: 0,
    mainCpuMsPerPage: null,
    latencies: [],
    workerMs: [],
    deskewed: 0,
    greyMasters: 0,
    stages: new Map(),
  };
  let measuring = false;
  let done = 0;
  let target = WARM_UP;
  let resolveAll: () => void = () => undefined;
  let all = new Promise<void>((r) => (resolveAll = r));
  const pipeline = new CapturePipeline(data.db, repos, data.blobs, {
    timings,
    onProcessed: (pageId, out: ProcessOutput) => {
      if (measuring) {
        figures.latencies.push(performance.now() - (arrived.get(pageId) ?? 0));
        figures.workerMs.push(out.durationMs);
        if (out.deskewed) figures.deskewed++;
        if (out.masterMode === 'gray') figures.greyMasters++;
        for (const [k, v] of Object.entries(out.stageMs ?? {})) {
          const list = figures.stages.get(k) ?? [];
          list.push(v);
          figures.stages.set(k, list);
        }
      }
      if (++done === target) resolveAll();
    },
    onFailed: (pageId, error) => {
      throw new Error(`page ${pageId} failed: ${error}`);
    },
  });
  pipeline.start();
  const feed = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      const t = performance.now();
      const page = pipeline.capturePage(volumeId, {
        bytes: unique(pages[i % pages.length]!, i),
        mediaType: 'image/jpeg',
        dpi: 300,
        mode,
        ...(autoColour ? { autoColour: true } : {}),
      });
      arrived.set(page.id, t);
      // Let the event loop hand results over between captures, as a real scanner's pace would.
      await new Promise((r) => setImmediate(r));
    }
  };
  await feed(0, WARM_UP);
  await all;
  measuring = true;
  done = 0;
  target = count;
  all = new Promise<void>((r) => (resolveAll = r));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  await feed(WARM_UP, count);
  await all;
  figures.pagesPerS = count / ((performance.now() - started) / 1000);
  figures.cpuMsPerPage = cpuMs(process.cpuUsage(cpu)) / count;
  const mainAfter = mainThreadCpuMs();
  if (mainCpu !== null && mainAfter !== null) figures.mainCpuMsPerPage = (mainAfter - mainCpu) / count;
  await pipeline.close();
  data.close();
  return figures;
}

function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function stageLine(stages: Map<string, number[]>): string {
  return [...stages]
    .map(([k, v]) => `${k} ${round(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length))}`)
    .join(', ');
}

const batch1000 = process.argv.includes('--batch1000');
const PAGES = batch1000 ? 1000 : Number(argValue('--pages') ?? process.env['DANGAN_BENCH_PAGES'] ?? 30);

const bench: Benchmark = {
  description: batch1000
    ? `1000 grey 300 dpi A4 pages through the capture pipeline (${CORES} cores): peak RSS over a full batch`
    : `${PAGES} grey + ${PAGES} colour 300 dpi A4 pages through the capture pipeline (${CORES} cores) vs. bare JPEG encoding`,
  async run({ log }) {
    const timings = process.argv.includes('--timings');
    const cache = path.join(os.tmpdir(), `dangan-bench-capture-pages-v${RENDER_VERSION}`);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-capture-'));
    log(`load average before: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    log('rendering the test pages (child process, cached) and measuring bare encoding…');
    const encode = prepareInChild(cache, Math.max(PAGES, 30));
    const load = (mode: Mode) =>
      Array.from({ length: DISTINCT }, (_, i) => fs.readFileSync(path.join(cache, `${mode}-${i}.jpg`)));
    const rssBefore = process.memoryUsage.rss();
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    try {
      log(
        `encode only (grey JPEG q${profileFor('gray').jpegQuality}, ${CORES} in parallel): ${round(encode.encodePagesPerS)} pages/s, ${round(encode.encodeCpuMsPerPage)} CPU ms/page`,
      );
      const report = (name: string, f: RunFigures) => {
        log(
          `${name} pipeline: ${round(f.pagesPerS)} pages/s; ${round(f.cpuMsPerPage)} CPU ms/page (all threads; main thread ${f.mainCpuMsPerPage === null ? '?' : round(f.mainCpuMsPerPage)}; ${round((CORES * 1000) / f.cpuMsPerPage)} pages/s on ${CORES} idle cores); per page in a worker p50 ${percentile(f.workerMs, 50)} ms wall; ${f.deskewed}/${f.workerMs.length} deskewed`,
        );
        if (timings) log(`  ${name} stages (mean wall ms in a worker): ${stageLine(f.stages)}`);
      };
      const g = await throughPipeline(load('gray'), 'gray', root, PAGES, timings);
      report('grey', g);
      const c = batch1000 ? null : await throughPipeline(load('color'), 'color', root, PAGES, timings);
      if (c) report('colour', c);
      // 自动: the colour scans again, each page's master colour only where the page has colour content.
      const a = batch1000 ? null : await throughPipeline(load('color'), 'color', root, PAGES, timings, true);
      if (a) {
        report('自动 (auto colour)', a);
        log(
          `  自动: ${a.greyMasters}/${a.workerMs.length} masters grey (no colour content), the rest colour`,
        );
      }
      const latencies = [...g.latencies, ...(c?.latencies ?? [])];
      const figures = {
        grey_pages_per_s: round(g.pagesPerS),
        colour_pages_per_s: c ? round(c.pagesPerS) : null,
        encode_only_pages_per_s: round(encode.encodePagesPerS),
        p50_ms: Math.round(percentile(latencies, 50)),
        p95_ms: Math.round(percentile(latencies, 95)),
        peak_rss_mb: mb(peakRss),
        pages_per_mode: PAGES,
        rss_before_pipeline_mb: mb(rssBefore),
        grey_to_encode_ratio: round(g.pagesPerS / encode.encodePagesPerS, 2),
        // The same ratio from CPU time per page, which the machine's load does not distort.
        grey_to_encode_cpu_ratio: round(encode.encodeCpuMsPerPage / g.cpuMsPerPage, 2),
        grey_cpu_ms_per_page: round(g.cpuMsPerPage),
        grey_main_thread_cpu_ms_per_page: g.mainCpuMsPerPage === null ? null : round(g.mainCpuMsPerPage),
        colour_cpu_ms_per_page: c ? round(c.cpuMsPerPage) : null,
        auto_pages_per_s: a ? round(a.pagesPerS) : null,
        auto_cpu_ms_per_page: a ? round(a.cpuMsPerPage) : null,
        auto_grey_masters: a ? a.greyMasters : null,
        encode_cpu_ms_per_page: round(encode.encodeCpuMsPerPage),
        load_average: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      };
      log(
        `arrival→processed (all pages captured in one burst, so mostly queueing) p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms`,
      );
      log(
        `peak RSS ${figures.peak_rss_mb} MB: this process (main thread + ${CORES} worker threads, sampled every 50 ms; ${figures.rss_before_pipeline_mb} MB before the pipeline started; pages rendered in a child process)`,
      );
      log(
        `grey/encode ratio ${figures.grey_to_encode_ratio} by wall clock, ${figures.grey_to_encode_cpu_ratio} by CPU time per page; load average after: ${figures.load_average}`,
      );
      return figures;
    } finally {
      clearInterval(sampler);
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;

if (process.argv[1] === THIS_FILE && process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', Number(process.argv[4] ?? 30));
}
