import os from 'node:os';
import sharp from 'sharp';
import { DemoDriver } from '../native/demo/demo-driver';
import { colourScore, isColourful } from '../workstation/capture/colour-content';
import { pointSample } from '../workstation/capture/reduce';
import type { Benchmark } from './run';

// Automatic colour's measure on the 120 dpi analysis copy of real demo pages (300 dpi, one 设立 file),
// beside point-sampling the same page to that copy (the pipeline's cheapest analysis step) in the same
// run: CPU milliseconds per page, which the machine's load distorts far less than wall time.

const ROUNDS = 40;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const bench: Benchmark = {
  description: 'colour score per page (CPU ms) vs point-sampling to the analysis copy',
  async run({ log }) {
    const session = new DemoDriver({ seed: 1 }).scan('demo', {
      source: 'feeder',
      dpi: 300,
      mode: 'color',
      maxPages: 9,
    });
    const pages = [];
    for await (const e of session) {
      if (e.type !== 'page') continue;
      const { data, info } = await sharp(e.bytes).raw().toBuffer({ resolveWithObject: true });
      pages.push({ data, width: info.width, height: info.height, channels: info.channels });
    }
    const k = 120 / 300;
    const copies = pages.map((p) => pointSample(p, Math.round(p.width * k), Math.round(p.height * k)));
    for (const c of copies) colourScore(c); // warm up
    let t = cpuMs();
    let colourful = 0;
    for (let r = 0; r < ROUNDS; r++) for (const c of copies) if (isColourful(colourScore(c))) colourful++;
    const scoreMs = (cpuMs() - t) / (ROUNDS * copies.length);
    t = cpuMs();
    for (let r = 0; r < ROUNDS; r++) {
      for (const p of pages) pointSample(p, Math.round(p.width * k), Math.round(p.height * k));
    }
    const sampleMs = (cpuMs() - t) / (ROUNDS * pages.length);
    const figures = {
      colour_score_cpu_ms: Math.round(scoreMs * 100) / 100,
      point_sample_cpu_ms: Math.round(sampleMs * 100) / 100,
      colour_pages: colourful / ROUNDS,
      pages: copies.length,
      load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
    };
    log(
      `colour score ${figures.colour_score_cpu_ms} ms CPU a page; point sample ${figures.point_sample_cpu_ms} ms; ${figures.colour_pages} of ${figures.pages} pages colour; load ${figures.load}`,
    );
    return figures;
  },
};

export default bench;
