import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { measureSkew } from './analysis';
import { turnAndCrop, turnedSize, type RawImage } from './straighten';

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
