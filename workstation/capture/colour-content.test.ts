import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColorMode } from '../../core/scanning/driver';
import { DemoDriver, sheetsOfFile } from '../../native/demo/demo-driver';
import { sheetBody } from '../../native/demo/documents';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { COLOUR_SCORE_MIN, colourScore, isColourful } from './colour-content';
import { pointSample } from './reduce';
import type { RawImage } from './straighten';

// Real demo pages (one 设立 file: 9 sheets, three of them with red seals or a red licence) scanned as
// the pipeline sees them: decoded to RGB, point-sampled to the 120 dpi analysis copy.

const DPI = 200;
const FILE = sheetsOfFile();

/** Which sheets the demo prints red on (its own declaration, not this module's answer). */
const HAS_RED = FILE.map(
  ({ kind, page }) => sheetBody(kind, page, demoEnterprise(seededRandom(1)), seededRandom(1), '').hasRed,
);

async function scanFile(mode: ColorMode, seed: number): Promise<Buffer[]> {
  const session = new DemoDriver({ seed }).scan('demo', {
    source: 'feeder',
    dpi: DPI,
    mode,
    maxPages: FILE.length,
  });
  const pages: Buffer[] = [];
  for await (const e of session) if (e.type === 'page') pages.push(Buffer.from(e.bytes));
  return pages;
}

async function decodeRgb(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function analysisCopy(full: RawImage): RawImage {
  const k = 120 / DPI;
  const s = pointSample(full, Math.round(full.width * k), Math.round(full.height * k));
  return { ...s, channels: 3 };
}

/** Reworks an RGB page pixel by pixel and encodes it as a colour JPEG (4:2:0 chroma, as scanners do). */
async function reworked(
  full: RawImage,
  pixel: (rgb: [number, number, number], x: number, y: number) => [number, number, number],
): Promise<RawImage> {
  const { width, height } = full;
  const out = Buffer.alloc(width * height * 3);
  const at = (x: number, y: number, c: number) =>
    full.data[(y * width + Math.min(width - 1, Math.max(0, x))) * 3 + c] ?? 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel([at(x, y, 0), at(x, y, 1), at(x, y, 2)], x, y);
      const i = (y * width + x) * 3;
      out[i] = Math.max(0, Math.min(255, Math.round(r)));
      out[i + 1] = Math.max(0, Math.min(255, Math.round(g)));
      out[i + 2] = Math.max(0, Math.min(255, Math.round(b)));
    }
  }
  const jpeg = await sharp(out, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 75 })
    .toBuffer();
  return decodeRgb(jpeg);
}

/** Deterministic noise in ±amplitude. */
function noise(seed: number, amplitude: number): () => number {
  const r = seededRandom(seed);
  return () => (r.next() - 0.5) * 2 * amplitude;
}

describe('colourScore on real demo pages', () => {
  let colour: RawImage[] = [];
  let grey: RawImage[] = [];
  beforeAll(async () => {
    colour = await Promise.all((await scanFile('color', 3)).map(decodeRgb));
    // A grey scan decoded to RGB (as the pipeline decodes an 'auto' page whatever the scanner sent).
    grey = await Promise.all((await scanFile('gray', 3)).map(decodeRgb));
  }, 120_000);

  it('keeps the seal and licence pages in colour and the plain text pages grey', () => {
    expect(HAS_RED.filter(Boolean).length).toBe(3);
    const scores = colour.map((p) => colourScore(analysisCopy(p)));
    expect(scores.map(isColourful)).toEqual(HAS_RED);
    // With a wide margin either side of the threshold.
    for (const [i, s] of scores.entries()) {
      if (HAS_RED[i]) expect(s).toBeGreaterThan(COLOUR_SCORE_MIN * 5);
      else expect(s).toBeLessThan(COLOUR_SCORE_MIN / 5);
    }
  });

  it('finds no colour in a grey scan of the same pages (seals included)', () => {
    expect(grey.map((p) => colourScore(analysisCopy(p)))).toEqual(FILE.map(() => 0));
  });

  it('scores a one-channel image 0', () => {
    const one: RawImage = { data: new Uint8Array(100 * 100).fill(200), width: 100, height: 100, channels: 1 };
    expect(colourScore(one)).toBe(0);
  });

  it('ignores misregistered colour fringes at text edges, yellowed paper and chroma noise', async () => {
    // Plain text pages of the grey scan, made colour as a worn scanner delivers them: red and blue
    // channels 1 px off each way (0.25 mm between them at 200 dpi), old yellowed paper, ±12 of noise
    // per channel, then a colour JPEG at q75. (Twice that misregistration is a visible colour band
    // along every stroke, 2.4 px of the analysis copy: then the page is colour, rightly.)
    const plain = grey.filter((_, i) => !HAS_RED[i]).slice(0, 3);
    for (const [k, page] of plain.entries()) {
      const n = noise(k + 11, 12);
      const worn = await reworked(page, (_, x, y) => {
        const at = (xx: number) =>
          page.data[(y * page.width + Math.min(page.width - 1, Math.max(0, xx))) * 3] ?? 0;
        return [at(x + 1) + n(), at(x) - 8 + n(), at(x - 1) - 35 + n()];
      });
      expect(colourScore(analysisCopy(worn))).toBeLessThan(COLOUR_SCORE_MIN);
    }
  }, 60_000);

  it('still finds a seal on yellowed, noisy paper', async () => {
    const sealPage = colour.find((_, i) => HAS_RED[i] && FILE[i]?.kind === 'resolution');
    if (!sealPage) throw new Error('the demo file has a resolution page');
    const n = noise(5, 12);
    const aged = await reworked(sealPage, ([r, g, b]) => [r + n(), g - 8 + n(), b - 35 + n()]);
    expect(isColourful(colourScore(analysisCopy(aged)))).toBe(true);
  }, 60_000);

  it('counts a small red stamp but not a few stray coloured pixels', () => {
    const width = 992;
    const height = 1403; // A4 at 120 dpi
    const page = (): RawImage => ({
      data: new Uint8Array(width * height * 3).fill(245),
      width,
      height,
      channels: 3,
    });
    const paint = (img: RawImage, x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) {
        for (let x = x0; x < x0 + w; x++) {
          const i = (y * width + x) * 3;
          img.data[i] = 200;
          img.data[i + 1] = 60;
          img.data[i + 2] = 50;
        }
      }
    };
    // A 10 mm square 名章 (47 px at 120 dpi).
    const stamp = page();
    paint(stamp, 700, 1100, 47, 47);
    expect(isColourful(colourScore(stamp))).toBe(true);
    // 400 isolated red pixels, and 400 one-pixel-wide red lines a few pixels long: noise and fringes.
    const specks = page();
    const r = seededRandom(9);
    for (let k = 0; k < 400; k++) {
      paint(specks, 10 + Math.floor(r.next() * 960), 10 + Math.floor(r.next() * 1380), 1, 1);
      paint(specks, 10 + Math.floor(r.next() * 960), 10 + Math.floor(r.next() * 1380), 1, 6);
    }
    expect(colourScore(specks)).toBe(0);
  });
});
