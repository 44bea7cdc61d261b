import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_THRESHOLDS } from './near-duplicates';
import { hammingDistance, hashAlgorithm, hashGrey, pageHash, PAGE_HASH } from './page-hash';

const N = PAGE_HASH.size;

/** A page-like grey pattern: white paper with dark blocks (text lines, boxes) at random places. */
function pattern(
  blocks: readonly [number, number, number, number][],
  paper = 230,
  inkLevel = 40,
): Uint8Array {
  const g = new Uint8Array(N * N).fill(paper);
  for (const [x, y, w, h] of blocks)
    for (let yy = y; yy < Math.min(N, y + h); yy++)
      for (let xx = x; xx < Math.min(N, x + w); xx++) g[yy * N + xx] = inkLevel;
  return g;
}

const blocks = fc.array(
  fc.tuple(fc.nat(N - 8), fc.nat(N - 4), fc.integer({ min: 6, max: 30 }), fc.integer({ min: 2, max: 6 })),
  { minLength: 6, maxLength: 20 },
);

describe('perceptual page hash', () => {
  it('has 255 bits (16 × 16 frequencies without DC) and names its parameters', () => {
    expect(hashGrey(pattern([[4, 4, 20, 3]]))).toHaveLength(32);
    expect(hashAlgorithm()).toBe('phash-64-16');
    expect(() => hashGrey(new Uint8Array(10))).toThrow(/4096 grey pixels/);
  });

  it('ignores brightness and contrast: a gain and an offset change no bit', () => {
    fc.assert(
      fc.property(
        blocks,
        fc.double({ min: 0.6, max: 1.05, noNaN: true }),
        fc.integer({ min: -10, max: 10 }),
        (b, gain, offset) => {
          const a = pattern(b);
          const brighter = a.map((v) => Math.round(v * gain + offset));
          expect(hammingDistance(hashGrey(a), hashGrey(brighter))).toBeLessThanOrEqual(6);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('tells different layouts apart', () => {
    const lines = pattern(
      Array.from({ length: 12 }, (_, i) => [6, 4 + i * 5, 50, 2] as [number, number, number, number]),
    );
    const table = pattern([
      [4, 10, 56, 1],
      [4, 30, 56, 1],
      [4, 50, 56, 1],
      [4, 10, 1, 40],
      [30, 10, 1, 40],
    ]);
    expect(hammingDistance(hashGrey(lines), hashGrey(table))).toBeGreaterThan(80);
  });

  it('keeps an encoded page well inside the candidate bound after a JPEG round trip at quality 40', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="620" height="877" fill="#f4f4f0"/>${Array.from(
      { length: 14 },
      (_, i) =>
        `<rect x="60" y="${120 + i * 45}" width="${300 + ((i * 97) % 200)}" height="14" fill="#222"/>`,
    ).join('')}</svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const jpeg = await sharp(png).jpeg({ quality: 40 }).toBuffer();
    const d = hammingDistance(await pageHash(png), await pageHash(jpeg));
    expect(d).toBeLessThanOrEqual(NEAR_DUPLICATE_THRESHOLDS.hashDistance / 3);
  });

  it('counts differing bits', () => {
    expect(hammingDistance(Uint8Array.of(0b1010, 0xff), Uint8Array.of(0b0110, 0x0f))).toBe(6);
    expect(() => hammingDistance(Uint8Array.of(1), Uint8Array.of(1, 2))).toThrow(/lengths/);
  });
});
