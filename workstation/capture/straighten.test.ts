import path from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { setJpegDensity } from '../../native/imaging/jpeg-density';
import { tempDir } from '../../tests/support/temp-dir';
import { BACKING_MAX, INK_MAX, measureSkew } from './analysis';
import { CROP_MARGIN_MM, DESKEW_MIN_DEG, processPage } from './process-page';
import { keepUncutSides, paperColour, turnAndCrop, turnedSize, TurnArea, type RawImage } from './straighten';

/** A white page with black text-like bars, turned by `deg` with sharp (bicubic), as a skewed scan. */
async function skewedPage(deg: number, channels: 1 | 3): Promise<RawImage> {
  const w = 600;
  const h = 800;
  // Text-like horizontal bars, and vertical rules (a table) so that both directions are pinned down.
  const bars =
    Array.from(
      { length: 20 },
      (_, i) => `<rect x="60" y="${60 + i * 22}" width="${300 + ((i * 37) % 180)}" height="7" fill="#000"/>`,
    ).join('') +
    Array.from(
      { length: 12 },
      (_, i) => `<rect x="${70 + i * 40}" y="540" width="3" height="200" fill="#000"/>`,
    ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#fff"/>${bars}<rect x="400" y="300" width="120" height="120" fill="#c00"/></svg>`;
  let img = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).rotate(deg, { background: '#ffffff' });
  img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb').removeAlpha();
  const r = await img.raw().toBuffer({ resolveWithObject: true });
  return { data: r.data, width: r.info.width, height: r.info.height, channels: r.info.channels };
}

function greyOf(img: RawImage) {
  return { data: img.data, width: img.width, height: img.height };
}

describe('turnAndCrop', () => {
  it('undoes a skew: the turned page measures straight', async () => {
    for (const deg of [1.4, -2.3]) {
      const page = await skewedPage(deg, 1);
      expect(
        Math.abs(
          measureSkew(greyOf(page), { left: 0, top: 0, width: page.width, height: page.height }) - deg,
        ),
      ).toBeLessThan(0.15);
      const canvas = turnedSize(page.width, page.height, -deg);
      const turned = turnAndCrop(page, -deg, { left: 0, top: 0, ...canvas });
      expect(turned.width).toBe(canvas.width);
      expect(
        Math.abs(
          measureSkew(greyOf(turned), { left: 0, top: 0, width: turned.width, height: turned.height }),
        ),
      ).toBeLessThan(0.15);
    }
  });

  it('puts the page where sharp’s affine of the same angle puts it, and a crop is that canvas’s window', async () => {
    const page = await skewedPage(0, 3);
    const deg = -1.7;
    const a = (deg * Math.PI) / 180;
    const ref = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } })
      .affine(
        [
          [Math.cos(a), -Math.sin(a)],
          [Math.sin(a), Math.cos(a)],
        ],
        { background: '#000000', interpolator: sharp.interpolators.bilinear },
      )
      .raw()
      .toBuffer({ resolveWithObject: true });
    const canvas = turnedSize(page.width, page.height, deg);
    expect(canvas).toEqual({ width: ref.info.width, height: ref.info.height });
    // Inside the page (away from the uncovered corners): whole-pixel shears against bilinear
    // interpolation differ only along edges, and moving ours by one pixel either way agrees worse.
    const meanDiff = (dx: number, dy: number) => {
      const mine = turnAndCrop(page, deg, {
        left: 60 + dx,
        top: 60 + dy,
        width: canvas.width - 120,
        height: canvas.height - 120,
      });
      let diff = 0;
      for (let y = 0; y < mine.height; y++) {
        for (let x = 0; x < mine.width * 3; x++) {
          diff += Math.abs(
            (mine.data[y * mine.width * 3 + x] ?? 0) -
              (ref.data[((y + 60) * canvas.width + 60) * 3 + x] ?? 0),
          );
        }
      }
      return diff / mine.data.length;
    };
    const aligned = meanDiff(0, 0);
    expect(aligned).toBeLessThan(8);
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      expect(meanDiff(dx, dy)).toBeGreaterThan(aligned);
    }

    const whole = turnAndCrop(page, deg, { left: 0, top: 0, ...canvas });
    const box = { left: 37, top: 51, width: 200, height: 150 };
    const window = turnAndCrop(page, deg, box);
    expect(window.width * window.height * 3).toBe(window.data.length);
    for (let y = 0; y < box.height; y += 7) {
      for (let x = 0; x < box.width; x += 5) {
        for (let c = 0; c < 3; c++) {
          expect(window.data[(y * box.width + x) * 3 + c]).toBe(
            whole.data[((y + box.top) * canvas.width + x + box.left) * 3 + c],
          );
        }
      }
    }
  });

  it('moves whole pixels: each output pixel is one input pixel, none used twice, none lost inside', () => {
    // 15 × 17 pixels with the values 1…255: every value is unique, 0 is the uncovered background.
    const width = 15;
    const height = 17;
    const data = Uint8Array.from({ length: width * height }, (_, i) => i + 1);
    for (const deg of [4.5, -3, 0.3]) {
      const canvas = turnedSize(width, height, deg);
      const out = turnAndCrop({ data, width, height, channels: 1 }, deg, { left: 0, top: 0, ...canvas });
      const seen = [...out.data].filter((v) => v !== 0);
      expect(new Set(seen).size).toBe(seen.length);
      // A shear of a small image may push an edge pixel off the canvas, never more than a few.
      expect(seen.length).toBeGreaterThan(width * height - 8);
    }
  });

  it('is exactly the three shears, pixel by pixel, for any angle, crop and area (property)', () => {
    // The reference: the inverse of each shear for one output pixel at a time (the definition the run
    // copies must match), on random small images, angles, boxes, channels and fills.
    const reference = (
      src: RawImage,
      deg: number,
      box: { left: number; top: number; width: number; height: number },
      fill: number,
    ) => {
      const canvas = turnedSize(src.width, src.height, deg);
      const rad = (deg * Math.PI) / 180;
      const alpha = -Math.tan(rad / 2);
      const beta = Math.sin(rad);
      const cx = canvas.width >> 1;
      const cy = canvas.height >> 1;
      const sx0 = Math.round(src.width / 2 - 0.5 - canvas.width / 2 + cx);
      const sy0 = Math.round(src.height / 2 - 0.5 - canvas.height / 2 + cy);
      const ch = src.channels;
      const out = new Uint8Array(box.width * box.height * ch).fill(fill);
      for (let y = 0; y < box.height; y++) {
        for (let x = 0; x < box.width; x++) {
          const v = box.top + y - cy;
          const u1 = box.left + x - cx - Math.round(alpha * v);
          const sv = v - Math.round(beta * u1);
          const sx = u1 - Math.round(alpha * sv) + sx0;
          const sy = sv + sy0;
          if (sx < 0 || sy < 0 || sx >= src.width || sy >= src.height) continue;
          for (let c = 0; c < ch; c++)
            out[(y * box.width + x) * ch + c] = src.data[(sy * src.width + sx) * ch + c] ?? 0;
        }
      }
      return out;
    };
    const area = new TurnArea();
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 1, max: 90 }),
          height: fc.integer({ min: 1, max: 90 }),
          channels: fc.constantFrom(1, 3),
          deg: fc.double({ min: -6, max: 6, noNaN: true }),
          fill: fc.integer({ min: 0, max: 255 }),
          seed: fc.integer(),
          box: fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          reuse: fc.boolean(),
        }),
        ({ width, height, channels, deg, fill, seed, box: [l, t, bw, bh], reuse }) => {
          const data = Uint8Array.from(
            { length: width * height * channels },
            (_, i) => (i * 131 + seed) & 255,
          );
          const src = { data, width, height, channels };
          const canvas = turnedSize(width, height, deg);
          const left = Math.floor(l * (canvas.width - 1));
          const top = Math.floor(t * (canvas.height - 1));
          const box = {
            left,
            top,
            width: Math.max(1, Math.round(bw * (canvas.width - left))),
            height: Math.max(1, Math.round(bh * (canvas.height - top))),
          };
          const turned = turnAndCrop(src, deg, box, reuse ? area : undefined, fill);
          expect(turned.data).toEqual(reference(src, deg, box, fill));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves the uncovered corners black and refuses an unsupported channel count', async () => {
    const page = await skewedPage(0, 1);
    const canvas = turnedSize(page.width, page.height, 3);
    const turned = turnAndCrop(page, 3, { left: 0, top: 0, ...canvas });
    expect(turned.data[0]).toBe(0);
    expect(turned.data[turned.data.length - 1]).toBe(0);
    expect(() => turnAndCrop({ ...page, channels: 4 }, 1, { left: 0, top: 0, width: 2, height: 2 })).toThrow(
      /channels/,
    );
  });
});

describe('what a turn uncovers', () => {
  it('fills it with the given value, one per channel, and only there', async () => {
    const page = await skewedPage(0, 3);
    const canvas = turnedSize(page.width, page.height, 2);
    const black = turnAndCrop(page, 2, { left: 0, top: 0, ...canvas });
    const filled = turnAndCrop(page, 2, { left: 0, top: 0, ...canvas }, undefined, [250, 240, 230]);
    expect([...filled.data.subarray(0, 3)]).toEqual([250, 240, 230]);
    expect([...filled.data.subarray(-3)]).toEqual([250, 240, 230]);
    // Inside the page both are the same pixels: only the uncovered canvas differs.
    const mid = ((canvas.height >> 1) * canvas.width + (canvas.width >> 1)) * 3;
    expect(filled.data.subarray(mid, mid + 300)).toEqual(black.data.subarray(mid, mid + 300));
    let differing = 0;
    for (let i = 0; i < black.data.length; i += 3) {
      if (black.data[i] !== filled.data[i]) {
        differing++;
        expect(black.data[i]).toBe(0);
      }
    }
    // The four corner wedges: the canvas less the page.
    const wedges = canvas.width * canvas.height - page.width * page.height;
    expect(differing).toBeGreaterThan(wedges * 0.8);
    expect(differing).toBeLessThan(wedges * 1.2);
    expect(() => turnAndCrop(page, 1, { left: 0, top: 0, width: 2, height: 2 }, undefined, [1, 2])).toThrow(
      /fill values/,
    );
  });

  it('takes the paper’s colour as the median of the pixels that are not ink', () => {
    const width = 40;
    const height = 30;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      // Paper #f0e8dc with a tenth of the pixels ink (#202020) and a few brighter specks.
      const [r, g, b] = i % 10 === 0 ? [32, 32, 32] : i % 17 === 0 ? [255, 255, 255] : [240, 232, 220];
      data.set([r, g, b], i * 3);
    }
    const img = { data, width, height, channels: 3 };
    expect(paperColour(img, { left: 0, top: 0, width, height }, INK_MAX, 1)).toEqual([240, 232, 220]);
    // Nothing but ink: white.
    const ink = { data: new Uint8Array(width * height).fill(20), width, height, channels: 1 };
    expect(paperColour(ink, { left: 0, top: 0, width, height }, INK_MAX)).toEqual([255]);
  });

  it('keeps the crop at the canvas edge on each side where the sheet reached the scan’s edge', () => {
    const found = { left: 12, top: 10, width: 70, height: 90 };
    const size = { width: 100, height: 120 };
    const canvas = { width: 104, height: 123 };
    // Backing on every side before the turn: the box found after it stands.
    expect(keepUncutSides(found, { left: 8, top: 8, width: 84, height: 104 }, size, canvas, 3)).toEqual(
      found,
    );
    // The sheet touched the left and bottom edges: those sides go to the canvas's edge.
    expect(keepUncutSides(found, { left: 0, top: 8, width: 92, height: 111 }, size, canvas, 3)).toEqual({
      left: 0,
      top: 10,
      width: 82,
      height: 113,
    });
    // No paper found before (the sheet fills the scan): the whole canvas.
    expect(keepUncutSides(found, null, size, canvas, 3)).toEqual({ left: 0, top: 0, ...canvas });
  });
});

const DPI = 200;
const mmPx = (mm: number) => Math.round((mm * DPI) / 25.4);
const PAPER = '#f2f0ea';

/**
 * A sheet larger than the scan area, turned by `deg`: the scan is paper to every edge (a page filling
 * the scan), or with a dark backing on the sides listed in `backing`.
 */
async function fullScan(deg: number, backing: readonly ('top' | 'right' | 'bottom')[] = []): Promise<Buffer> {
  const w = mmPx(230);
  const h = mmPx(320);
  const lines = Array.from(
    { length: 44 },
    (_, i) =>
      `<rect x="${mmPx(30)}" y="${mmPx(30) + i * mmPx(6)}" width="${mmPx(110 + ((i * 37) % 60))}" height="${mmPx(1.2)}" fill="#151515"/>` +
      `<rect x="${mmPx(60 + ((i * 53) % 90))}" y="${mmPx(31) + i * mmPx(6)}" width="${mmPx(8)}" height="${mmPx(4)}" fill="#c02020"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${PAPER}"/>${lines}</svg>`;
  const turned = await sharp(Buffer.from(svg))
    .flatten({ background: PAPER })
    .rotate(deg, { background: PAPER })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The scan: the middle 210 × 297 mm of the turned sheet, paper to every edge.
  const scan = sharp(turned.data, { raw: turned.info }).extract({
    left: (turned.info.width - mmPx(210)) >> 1,
    top: (turned.info.height - mmPx(297)) >> 1,
    width: mmPx(210),
    height: mmPx(297),
  });
  if (backing.length === 0) return scan.png().toBuffer();
  const raw = await scan.raw().toBuffer({ resolveWithObject: true });
  const border = mmPx(8);
  return sharp(raw.data, { raw: raw.info })
    .extend({
      top: backing.includes('top') ? border : 0,
      right: backing.includes('right') ? border : 0,
      bottom: backing.includes('bottom') ? border : 0,
      left: 0,
      background: '#1c1c1e',
    })
    .png()
    .toBuffer();
}

/** Mean grey of the four 3 × 3 mm corner squares of an image (the darkest first). */
async function cornerMeans(bytes: Buffer): Promise<number[]> {
  const { data, info } = await sharp(bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const n = Math.max(4, Math.round((info.width * 3) / 210));
  const mean = (x0: number, y0: number) => {
    let sum = 0;
    for (let y = y0; y < y0 + n; y++) for (let x = x0; x < x0 + n; x++) sum += data[y * info.width + x] ?? 0;
    return sum / (n * n);
  };
  const right = info.width - n;
  const bottom = info.height - n;
  return [mean(0, 0), mean(right, 0), mean(0, bottom), mean(right, bottom)].sort((a, b) => a - b);
}

describe('deskewing a page that fills the scan', () => {
  it('leaves no dark wedge in the master’s or thumbnail’s corners, in grey, colour and line art', async () => {
    const root = path.join(tempDir(), 'blobs');
    const blobs = new BlobStore(root);
    for (const [deg, mode] of [
      [1.2, 'gray'],
      [-2.4, 'color'],
      [3, 'lineart'],
    ] as const) {
      const scan = await fullScan(deg);
      const original =
        mode === 'lineart'
          ? await sharp(scan)
              .toColourspace('b-w')
              .threshold(128)
              .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: DPI / 25.4, yres: DPI / 25.4 })
              .toBuffer()
          : setJpegDensity(await sharp(scan).jpeg({ quality: 90 }).toBuffer(), DPI);
      const put = blobs.put(original);
      const out = await processPage({ blobRoot: root, sha256: put.sha256, mode, dpi: DPI });
      expect(out.deskewed).toBe(true);
      expect(Math.abs(out.skewDeg - deg)).toBeLessThan(0.2);
      // Nothing to crop: the scan holds no backing, and the turned canvas is kept whole.
      expect(out.crop).toBeNull();
      expect([out.width, out.height]).toEqual(Object.values(turnedSize(mmPx(210), mmPx(297), -out.skewDeg)));
      expect(out.isBlank).toBe(false);
      const master = blobs.read(out.master.sha256);
      // Corners: the paper's colour (≈ 240), never backing-dark (the old fill gave 0 there).
      for (const m of await cornerMeans(master)) expect(m).toBeGreaterThan(200);
      for (const m of await cornerMeans(blobs.read(out.thumb.sha256))) expect(m).toBeGreaterThan(200);
      if (mode === 'lineart') {
        // Bilevel stays bilevel: a 1-bit G4 TIFF with nothing but black and white.
        const meta = await sharp(master).metadata();
        expect([meta.format, meta.bitsPerSample]).toEqual(['tiff', 1]);
        const px = await sharp(master).toColourspace('b-w').raw().toBuffer();
        expect(px.every((v) => v === 0 || v === 255)).toBe(true);
      }
      if (mode === 'color') expect((await sharp(master).metadata()).channels).toBe(3);
    }
  });

  it('leaves a skew under the threshold alone: nothing resampled, the original is the master', async () => {
    const root = path.join(tempDir(), 'blobs');
    const blobs = new BlobStore(root);
    const original = setJpegDensity(
      await sharp(await fullScan(DESKEW_MIN_DEG / 2))
        .toColourspace('b-w')
        .jpeg()
        .toBuffer(),
      DPI,
    );
    const put = blobs.put(original);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
    // Measured (0.05° steps), and below the threshold.
    expect(out.skewDeg).toBeGreaterThan(0);
    expect(out.skewDeg).toBeLessThan(DESKEW_MIN_DEG);
    expect(out.deskewed).toBe(false);
    expect(out.masterIsOriginal).toBe(true);
    expect(out.master.sha256).toBe(put.sha256);
  });

  it('still crops the backing to 2–3 mm where there is one, and keeps the side the sheet reached', async () => {
    const root = path.join(tempDir(), 'blobs');
    const blobs = new BlobStore(root);
    const put = blobs.put(
      setJpegDensity(
        await sharp(await fullScan(1.8, ['top', 'right']))
          .jpeg()
          .toBuffer(),
        DPI,
      ),
    );
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
    expect(out.deskewed).toBe(true);
    expect(out.crop).not.toBeNull();
    // Left and bottom: the sheet reached the scan's edge there, so the crop keeps the canvas's edge.
    expect(out.crop?.left).toBe(0);
    expect((out.crop?.top ?? 0) + (out.crop?.height ?? 0)).toBe(
      turnedSize(mmPx(210) + mmPx(8), mmPx(297) + mmPx(8), -1.8).height,
    );
    const master = blobs.read(out.master.sha256);
    const { data, info } = await sharp(master)
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    // Backing kept above the paper along the middle: 2–3 mm (DA/T 31), as with any dark border.
    let top = 0;
    while (top < info.height && (data[top * info.width + (info.width >> 1)] ?? 255) < BACKING_MAX) top++;
    expect(top).toBeGreaterThanOrEqual(mmPx(CROP_MARGIN_MM - 0.7));
    expect(top).toBeLessThanOrEqual(mmPx(CROP_MARGIN_MM + 0.7));
    // The two corners on the sides the sheet reached show paper, not a wedge.
    const n = mmPx(3);
    const mean = (x0: number, y0: number) => {
      let sum = 0;
      for (let y = y0; y < y0 + n; y++)
        for (let x = x0; x < x0 + n; x++) sum += data[y * info.width + x] ?? 0;
      return sum / (n * n);
    };
    expect(mean(0, info.height - n)).toBeGreaterThan(200);
  });
});
