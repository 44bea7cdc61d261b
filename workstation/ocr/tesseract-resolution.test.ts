import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createWorker, OEM } from 'tesseract.js';
import { prepare } from './ocr-service';
import { bundledLangPath } from './tesseract-pool';
import { tesseractForTests } from '../../tests/support/tesseract';

// Real tesseract.js workers. Their messages reach this thread's stdout/stderr asynchronously (worker
// threads forward them), so a read's output is collected until a moment after it.
const pool = tesseractForTests(1);

const WARNING = /Invalid resolution/u;

/** A small title-like crop with no density in its header, as cropping raw pixels produces. */
async function bareCrop(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><rect width="300" height="40" fill="#fff"/><text x="6" y="28" font-size="20" font-family="Noto Sans CJK SC">营业执照 91350100</text></svg>`;
  const raw = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  return sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 1 } })
    .png()
    .toBuffer();
}

/** Everything written to stdout and stderr while `read` runs, and shortly after. */
async function outputOf<T>(read: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    const value = await read();
    await new Promise((r) => setTimeout(r, 200));
    return { value, output: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('the resolution tesseract is given', () => {
  it('a crop without a density makes a bare worker warn; the pool reads it with its resolution, no warning, same text', async () => {
    const crop = await bareCrop();
    expect((await sharp(crop).metadata()).density).toBeUndefined();
    // The control: tesseract as called before, guessing the resolution from a few characters.
    const bare = await createWorker('chi_sim', OEM.LSTM_ONLY, {
      langPath: bundledLangPath(),
      gzip: true,
      cacheMethod: 'none',
    });
    const control = await outputOf(() => bare.recognize(crop));
    await bare.terminate();
    expect(control.output).toMatch(WARNING);

    for (const params of [{ dpi: 150 }, { dpi: 150, layout: 'line' as const }]) {
      const read = await outputOf(() => pool().recognize(crop, params));
      expect(read.output).not.toMatch(WARNING);
      expect(read.value.text.replace(/\s/gu, '')).toBe('营业执照91350100');
    }
    // A crop stating its density in its header needs no parameter from the caller.
    const stated = await sharp(crop).withDensity(300).png().toBuffer();
    const read = await outputOf(() => pool().recognize(stated, { layout: 'line' }));
    expect(read.output).not.toMatch(WARNING);
    expect(read.value.text.replace(/\s/gu, '')).toBe('营业执照91350100');
  }, 60_000);

  it('the title zone and the full page carry the page resolution, scaled with them', async () => {
    // An A4 page at 300 dpi stored without a density (a master written by raw pixels).
    const page = await sharp({
      create: { width: 2480, height: 3508, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    // Taken from its width as A4 plus the crop margin (~293 dpi); the title zone is halved to 1240 px.
    const full = (await sharp(await prepare(page, 'full')).metadata()).density ?? 0;
    const title = (await sharp(await prepare(page, 'title')).metadata()).density ?? 0;
    expect(Math.abs(full - 293)).toBeLessThanOrEqual(1);
    expect(Math.abs(title - 146.5)).toBeLessThanOrEqual(1);
  });
});
