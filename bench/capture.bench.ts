import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createRepos, type Repos } from '../db/repos';
import { demoEnterprise } from '../native/demo/enterprise';
import { sheetBody, ESTABLISHMENT_FILE } from '../native/demo/documents';
import { seededRandom } from '../native/demo/random';
import { renderSheet } from '../native/demo/render';
import { CapturePipeline } from '../workstation/capture/pipeline';
import { openDataDir } from '../workstation/data-dir';
import type { Benchmark } from './run';

// Synthetic 300 dpi A4 pages (demo-scanner forms: text, tables, seals, skew, grain) through the whole
// capture pipeline with durable writes: blob fsync + page commit, then the worker pool (deskew, crop,
// blank score, QR and Patch-T detection, master and thumbnail blobs, results committed). Baseline in
// the same run: the bare JPEG-encode rate of the same pages on all cores (this machine's limit).
// DANGAN_BENCH_PAGES pages per mode (default 40); DISTINCT different page images are rendered and
// made unique per page (a JPEG comment), so every page is a new blob.
const PAGES = Number(process.env['DANGAN_BENCH_PAGES'] ?? 40);
const DISTINCT = 6;
const CORES = os.availableParallelism();

async function renderPages(mode: 'gray' | 'color'): Promise<Buffer[]> {
  const random = seededRandom(mode === 'gray' ? 1 : 2);
  const e = demoEnterprise(random);
  const kinds = ESTABLISHMENT_FILE.flatMap(({ kind, pages }) =>
    Array.from({ length: pages }, (_, page) => ({ kind, page })),
  );
  const out: Buffer[] = [];
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
    out.push(page.bytes);
  }
  return out;
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
  latencies: number[];
}

async function throughPipeline(
  pages: readonly Buffer[],
  mode: 'gray' | 'color',
  root: string,
): Promise<RunFigures> {
  const data = openDataDir(path.join(root, mode));
  const repos = createRepos(data.db);
  const volumeId = seedVolume(repos);
  const arrived = new Map<number, number>();
  const latencies: number[] = [];
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const pipeline = new CapturePipeline(data.db, repos, data.blobs, {
    onProcessed: (pageId) => {
      latencies.push(performance.now() - (arrived.get(pageId) ?? 0));
      if (++done === PAGES) resolveAll();
    },
    onFailed: (pageId, error) => {
      throw new Error(`page ${pageId} failed: ${error}`);
    },
  });
  pipeline.start();
  const started = performance.now();
  for (let i = 0; i < PAGES; i++) {
    const t = performance.now();
    const page = pipeline.capturePage(volumeId, {
      bytes: unique(pages[i % pages.length]!, i),
      mediaType: 'image/jpeg',
      dpi: 300,
      mode,
    });
    arrived.set(page.id, t);
    // Let the event loop hand results over between captures, as a real scanner's pace would.
    await new Promise((r) => setImmediate(r));
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  await pipeline.close();
  data.close();
  return { pagesPerS: PAGES / seconds, latencies };
}

async function encodeOnly(pages: readonly Buffer[]): Promise<number> {
  const raws = await Promise.all(pages.map((p) => sharp(p).raw().toBuffer({ resolveWithObject: true })));
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < PAGES) {
      const raw = raws[next++ % raws.length]!;
      await sharp(raw.data, { raw: raw.info }).toColourspace('b-w').jpeg({ quality: 85 }).toBuffer();
    }
  };
  await Promise.all(Array.from({ length: CORES }, worker));
  return PAGES / ((performance.now() - started) / 1000);
}

function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

const bench: Benchmark = {
  description: `${PAGES} grey + ${PAGES} colour 300 dpi A4 pages through the capture pipeline (${CORES} cores) vs. bare JPEG encoding`,
  async run({ log }) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-capture-'));
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    try {
      log('rendering synthetic pages…');
      const grey = await renderPages('gray');
      const colour = await renderPages('color');
      const encode = await encodeOnly(grey);
      // Rendering the synthetic pages (librsvg, full-size rasters) leaves the allocator holding memory;
      // the figure that matters is the pipeline's, so the peak is measured from here on.
      const rssBeforeMb = Math.round(process.memoryUsage.rss() / 1024 / 1024);
      peakRss = process.memoryUsage.rss();
      log(`RSS after rendering the test pages: ${rssBeforeMb} MB`);
      log(`encode only (grey JPEG q85, ${CORES} in parallel): ${round(encode)} pages/s`);
      const g = await throughPipeline(grey, 'gray', root);
      log(`grey pipeline: ${round(g.pagesPerS)} pages/s`);
      const c = await throughPipeline(colour, 'color', root);
      log(`colour pipeline: ${round(c.pagesPerS)} pages/s`);
      const latencies = [...g.latencies, ...c.latencies];
      const figures = {
        grey_pages_per_s: round(g.pagesPerS),
        colour_pages_per_s: round(c.pagesPerS),
        encode_only_pages_per_s: round(encode),
        p50_ms: Math.round(percentile(latencies, 50)),
        p95_ms: Math.round(percentile(latencies, 95)),
        peak_rss_mb: Math.round(peakRss / 1024 / 1024),
        rss_before_pipeline_mb: rssBeforeMb,
      };
      log(
        `arrival→processed p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms; peak RSS ${figures.peak_rss_mb} MB; grey/encode ratio ${round(g.pagesPerS / encode, 2)}`,
      );
      return figures;
    } finally {
      clearInterval(sampler);
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
