import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_THRESHOLDS } from './near-duplicates';
import {
  hammingDistance,
  hashAlgorithm,
  hashGrey,
  pageHash,
  pageHashes,
  contentBox,
  nearestHash,
  PAGE_HASH,
  rotatedHashAlgorithm,
  rotateSquare,
  turnedHashAlgorithm,
} from './page-hash';

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
    expect([hashAlgorithm(), hashAlgorithm('box')]).toEqual(['phash-64-16', 'phash-box-64-16']);
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

  it.each([180, 90, 270] as const)(
    'hashes the page turned by %i° too: a sheet fed upside down or sideways lies near by that turned hash only',
    async (angle) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="620" height="877" fill="#f4f4f0"/>${Array.from(
        { length: 9 },
        (_, i) =>
          `<rect x="60" y="${90 + i * 50}" width="${200 + ((i * 83) % 300)}" height="14" fill="#222"/>`,
      ).join('')}<rect x="380" y="640" width="160" height="120" fill="#555"/></svg>`;
      const png = await sharp(Buffer.from(svg)).png().toBuffer();
      // The scanner turned it by `angle` clockwise; turning it back is the other way.
      const fed = await sharp(png).rotate(angle).jpeg({ quality: 70 }).toBuffer();
      const back = ((360 - angle) % 360) as 90 | 180 | 270;
      const a = await pageHashes(png);
      const b = await pageHashes(fed);
      expect(a.whole[0]).toEqual(await pageHash(png));
      for (const kind of ['whole', 'box'] as const) {
        expect(hammingDistance(a[kind][0], b[kind][back])).toBeLessThanOrEqual(
          NEAR_DUPLICATE_THRESHOLDS.hashDistance / 3,
        );
        for (const other of [0, 90, 180, 270] as const) {
          if (other !== back)
            expect(hammingDistance(a[kind][0], b[kind][other])).toBeGreaterThan(
              NEAR_DUPLICATE_THRESHOLDS.hashDistance,
            );
        }
      }
      expect(nearestHash(a, b).rotation).toBe(back);
    },
  );

  it('turns a square of pixels clockwise, and names the turned hashes in the cache', () => {
    // 0 1      2 0
    // 2 3  →   3 1   (90° clockwise)
    const g = Uint8Array.of(0, 1, 2, 3);
    expect([...rotateSquare(g, 2, 90)]).toEqual([2, 0, 3, 1]);
    expect([...rotateSquare(g, 2, 180)]).toEqual([3, 2, 1, 0]);
    expect([...rotateSquare(g, 2, 270)]).toEqual([1, 3, 0, 2]);
    expect(rotateSquare(rotateSquare(g, 2, 90), 2, 270)).toEqual(g);
    expect(turnedHashAlgorithm('box')).toBe('phash-box-64-16-turned');
    expect(rotatedHashAlgorithm('box', 180)).toBe('phash-box-64-16-turned');
    expect(rotatedHashAlgorithm('whole', 0)).toBe(hashAlgorithm('whole'));
    expect(rotatedHashAlgorithm('whole', 90)).toBe('phash-64-16-r90');
  });

  it('hashes the content box: the same page cropped tight on dark backing or left on a white lid hashes alike', async () => {
    const content = Array.from(
      { length: 10 },
      (_, i) =>
        `<rect x="${40 + (i % 3) * 20}" y="${60 + i * 48}" width="${180 + ((i * 71) % 260)}" height="12" fill="#222"/>`,
    ).join('');
    const page = (w: number, h: number, x: number, y: number, backing: string) =>
      sharp(
        Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${backing}"/><g transform="translate(${x} ${y})"><rect width="560" height="800" fill="#f7f6f0"/>${content}</g></svg>`,
        ),
      )
        .jpeg({ quality: 85 })
        .toBuffer();
    // Tight: 8 px of dark backing round the sheet; lid: 50–70 px of near-white round it.
    const tight = await page(576, 816, 8, 8, '#1c1c1e');
    const lid = await page(680, 930, 70, 52, '#f2f2f0');
    const [t, l] = [await pageHashes(tight), await pageHashes(lid)];
    expect(hammingDistance(t.box[0], l.box[0])).toBeLessThanOrEqual(
      NEAR_DUPLICATE_THRESHOLDS.hashDistance / 3,
    );
    // Over the whole image the two lie further apart (by a scale of 15 % and a shift).
    expect(hammingDistance(t.whole[0], l.whole[0])).toBeGreaterThan(hammingDistance(t.box[0], l.box[0]) + 10);
    expect(nearestHash(t, l)).toEqual({ distance: hammingDistance(t.box[0], l.box[0]), rotation: 0 });
    const grey = new Uint8Array(100 * 100).fill(240);
    for (let i = 0; i < 100; i++) grey[i] = grey[i * 100] = 20; // backing along two edges: not content
    for (let y = 30; y < 60; y++) for (let x = 20; x < 70; x++) grey[y * 100 + x] = 40;
    expect(contentBox(grey, 100, 100)).toEqual({ left: 20, top: 30, width: 50, height: 30 });
    expect(contentBox(new Uint8Array(100 * 100).fill(240), 100, 100)).toBeNull();
  });

  it('counts differing bits', () => {
    expect(hammingDistance(Uint8Array.of(0b1010, 0xff), Uint8Array.of(0b0110, 0x0f))).toBe(6);
    expect(() => hammingDistance(Uint8Array.of(1), Uint8Array.of(1, 2))).toThrow(/lengths/);
  });
});
