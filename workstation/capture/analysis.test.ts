import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sheetBody, type DemoSheetKind } from '../../native/demo/documents';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { renderSheet } from '../../native/demo/render';
import {
  countDarker,
  findPaper,
  INK_MAX,
  inkCoverage,
  inkPoints,
  isPatchT,
  measureSkew,
  type Box,
} from './analysis';
import { ANALYSIS_DPI } from './process-page';
import { pointSample } from './reduce';

const DPI = 300;
const px = (mm: number) => Math.round((mm * DPI) / 25.4);

/**
 * A 300 dpi A4 sheet of text-like lines (strokes 0.3–0.5 mm, as printed characters have), turned by
 * `deg` on a dark backing of 8 mm, as decoded grey pixels.
 */
async function sheet(deg: number) {
  const strokes: string[] = [];
  for (let line = 0; line < 36; line++) {
    const y = px(30 + line * 6.5);
    for (let x = px(25); x < px(25 + 90 + ((line * 41) % 70)); x += px(2.2)) {
      strokes.push(`<rect x="${x}" y="${y}" width="${px(0.4)}" height="${px(3)}" fill="#222"/>`);
      strokes.push(`<rect x="${x}" y="${y + px(1.3)}" width="${px(1.8)}" height="${px(0.35)}" fill="#222"/>`);
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px(210)}" height="${px(297)}"><rect width="100%" height="100%" fill="#f2f2ee"/>${strokes.join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .flatten({ background: '#f2f2ee' })
    .rotate(deg, { background: '#1c1c1e' })
    .extend({ top: px(8), bottom: px(8), left: px(8), right: px(8), background: '#1c1c1e' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 1 };
}

/** The analysis copy as processPage makes it: the decoded page point-sampled to ANALYSIS_DPI. */
function analysisCopy(page: Awaited<ReturnType<typeof sheet>>) {
  const k = ANALYSIS_DPI / DPI;
  return pointSample(page, Math.round(page.width * k), Math.round(page.height * k));
}

describe('page measurements on the point-sampled analysis copy', () => {
  it('measures skew within 0.1° and finds the paper inside the backing to within a millimetre', async () => {
    for (const deg of [-3.2, -1.15, 0.45, 2.05]) {
      const small = analysisCopy(await sheet(deg));
      const paper = findPaper(small, 5);
      expect(paper).not.toBeNull();
      expect(Math.abs(measureSkew(small, paper ?? { left: 0, top: 0, ...small }) - deg)).toBeLessThan(0.1);
      // The turned sheet's edges, at their midpoints (where findPaper measures), sit 8 mm in plus
      // half of what the turn added on that side.
      const mm = (n: number) => (n * 25.4) / ANALYSIS_DPI;
      const sin = Math.abs(Math.sin((deg * Math.PI) / 180));
      expect(Math.abs(mm(paper?.left ?? 0) - (8 + (297 * sin) / 2))).toBeLessThan(1);
      expect(Math.abs(mm(paper?.top ?? 0) - (8 + (210 * sin) / 2))).toBeLessThan(1);
    }
  });

  it('scores a printed page far above the blank line and an empty sheet under it', async () => {
    const small = analysisCopy(await sheet(0.8));
    const box = findPaper(small, 5) ?? { left: 0, top: 0, ...small };
    expect(inkCoverage(small, box)).toBeGreaterThan(1);
    const empty = {
      data: new Uint8Array(small.data.length).fill(238),
      width: small.width,
      height: small.height,
    };
    empty.data[5000] = 40; // a speck
    expect(inkCoverage(empty, { left: 0, top: 0, width: empty.width, height: empty.height })).toBeLessThan(
      0.3,
    );
  });
});

describe("on the demo scanner's pages", () => {
  // The Patch-T sheet (a barcode, hardly any text) and the licence of these seeds are where cheaper
  // searches (a coarse step on half the ink pixels) went wrong by 0.2–0.9°.
  it('measures their skew within 0.1°, a Patch-T sheet and a licence included', async () => {
    const kinds: DemoSheetKind[] = ['patch-t', 'articles', 'licence'];
    for (const [i, kind] of kinds.entries()) {
      const random = seededRandom(20 + 2 * i);
      const body = sheetBody(kind, 1, demoEnterprise(random), random, '').body;
      const dpi = 300;
      const page = await renderSheet(body, {
        dpi,
        mode: 'gray',
        widthMm: 210,
        heightMm: 297,
        backing: '#1c1c1e',
        random,
      });
      const { data, info } = await sharp(page.bytes)
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const k = ANALYSIS_DPI / dpi;
      const small = pointSample(
        { data, width: info.width, height: info.height, channels: 1 },
        Math.round(info.width * k),
        Math.round(info.height * k),
      );
      const skew = measureSkew(small, findPaper(small, 5) ?? { left: 0, top: 0, ...small });
      expect(Math.abs(skew - page.skewDeg), `${kind}: ${skew}° for ${page.skewDeg}°`).toBeLessThan(0.1);
      expect(isPatchT(small)).toBe(kind === 'patch-t');
    }
  });
});

describe('countDarker', () => {
  it('counts as a pixel-by-pixel loop does, at every alignment and threshold', () => {
    const random = seededRandom(3);
    const buffer = new Uint8Array(4100);
    for (let i = 0; i < buffer.length; i++) buffer[i] = Math.floor(random.next() * 256);
    buffer.fill(0, 100, 140); // runs of the extremes too
    buffer.fill(255, 200, 260);
    for (const offset of [0, 1, 2, 3]) {
      const data = buffer.subarray(offset);
      for (const [from, to] of [
        [0, data.length],
        [5, 40],
        [3, 3],
        [7, 2901],
      ] as const) {
        for (const threshold of [1, 70, 127, 128, 129, 178, 179, 180, 255, 256]) {
          let n = 0;
          for (let i = from; i < to; i++) if ((data[i] ?? 0) < threshold) n++;
          expect(countDarker(data, from, to, threshold)).toBe(n);
        }
      }
    }
  });
});

describe('inkPoints', () => {
  /** The pixel-by-pixel scan the word-wise one replaced: every other column of `b`, row by row. */
  function reference(img: { data: Uint8Array; width: number }, b: Box): number[] {
    const out: number[] = [];
    for (let y = 0; y < b.height; y++) {
      for (let x = 0; x < b.width; x += 2) {
        if ((img.data[(y + b.top) * img.width + b.left + x] ?? 255) < INK_MAX) out.push(x, y);
      }
    }
    return out;
  }

  it('finds the ink pixels a pixel-by-pixel scan finds, at every alignment of rows and buffer', () => {
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 1, max: 40 }),
          height: fc.integer({ min: 1, max: 12 }),
          offset: fc.integer({ min: 0, max: 7 }),
          // Values at the threshold and beside it, the extremes and anything, and how much of each.
          pixels: fc.array(fc.constantFrom(0, INK_MAX - 1, INK_MAX, 255, 128, 200), { minLength: 1 }),
          box: fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()),
        }),
        ({ width, height, offset, pixels, box: [l, t, w, h] }) => {
          const buffer = new Uint8Array(offset + width * height);
          const data = buffer.subarray(offset);
          for (let i = 0; i < data.length; i++) data[i] = pixels[i % pixels.length] ?? 0;
          const left = l % width;
          const top = t % height;
          const b = { left, top, width: 1 + (w % (width - left)), height: 1 + (h % (height - top)) };
          const img = { data, width, height };
          expect(Array.from(inkPoints(img, b))).toEqual(reference(img, b));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes the last kept column and the buffer’s last byte, and the threshold exactly', () => {
    // 13 columns: the kept ones are 0, 2, … 12; the last pixel of the image is the buffer's last byte,
    // in a word the buffer does not hold whole.
    const width = 13;
    const height = 3;
    const data = new Uint8Array(width * height).fill(255);
    data[width * height - 1] = INK_MAX - 1; // ink, last byte
    data[width + 12] = 0; // ink, last kept column of the middle row
    data[width + 10] = INK_MAX; // paper: not darker than the threshold
    data[width + 11] = 0; // ink, but in a column that is skipped
    const points = Array.from(inkPoints({ data, width, height }, { left: 0, top: 0, width, height }));
    expect(points).toEqual([12, 1, 12, 2]);
  });
});
