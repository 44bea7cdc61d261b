import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeLabel } from '../../core/labels/label-codec';
import { binarize, codeRegions, findFinders, findFindersInGrey } from './finder-patterns';
import type { GreyImage } from './finder-patterns';
import { qrPixels } from './qr-matrix';
import { findQrTexts } from './read-labels';

const PAYLOAD = encodeLabel({
  archiveNo: '350200-2024-SL-000123',
  uscc: '91350200MA2YJ1XR9G',
  volumeId: '0f8b6c52-3c1e-4d7a-9b2f-5e6a7d8c9b01',
});

/** A light-grey canvas with QR codes of `px` px a module at the given places, turned by `angle`. */
async function canvas(
  codes: readonly { payload: string; left: number; top: number }[],
  px: number,
  angle = 0,
): Promise<GreyImage> {
  const stickers = codes.map((c) => {
    const q = qrPixels(c.payload, px, 2);
    return {
      input: Buffer.from(q.data),
      raw: { width: q.width, height: q.height, channels: 1 as const },
      left: c.left,
      top: c.top,
    };
  });
  const base = sharp({ create: { width: 900, height: 700, channels: 3, background: '#ececec' } }).composite(
    stickers,
  );
  const flat = await base.png().toBuffer();
  const { data, info } = await sharp(flat)
    .rotate(angle, { background: '#ececec' })
    .flatten({ background: '#ececec' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

function regionsOf(image: GreyImage) {
  const bits = binarize(image);
  const finders = findFinders(bits, image.width, image.height);
  return { finders, regions: codeRegions(finders, image.width, image.height) };
}

const LICENCE = 'http://www.gsxt.gov.cn/index.html?uniscid=91350200MA2YJ1XR9G';

describe('finder patterns', () => {
  for (const angle of [0, 90, 180, 270, 15, -15, 45]) {
    it(`finds the three finders and the code's region at ${angle}°`, async () => {
      const image = await canvas([{ payload: PAYLOAD, left: 300, top: 200 }], 3, angle);
      const { finders, regions } = regionsOf(image);
      expect(finders).toHaveLength(3);
      expect(regions).toHaveLength(1);
      expect(findQrTexts(image)).toEqual([PAYLOAD]);
      const r = regions[0];
      // Rows cross a turned finder on the slant, so the module looks up to √2 larger at 45°.
      const turn = Math.abs(Math.cos((angle * Math.PI) / 180)) + Math.abs(Math.sin((angle * Math.PI) / 180));
      expect(r?.module).toBeGreaterThan(2.5);
      expect(r?.module).toBeLessThan(3 * turn + 0.5);
      // The region holds the whole symbol: 33 modules of 3 px, turned by the angle.
      const side = 33 * 3 * turn;
      expect(r?.width).toBeGreaterThanOrEqual(side);
      expect(r?.height).toBeGreaterThanOrEqual(side);
    });
  }

  it('keeps two codes side by side apart', async () => {
    const image = await canvas(
      [
        { payload: PAYLOAD, left: 100, top: 100 },
        { payload: LICENCE, left: 260, top: 110 },
      ],
      3,
      8,
    );
    const { finders, regions } = regionsOf(image);
    expect(finders).toHaveLength(6);
    // The two best-formed corners are the two codes (disjoint finders); mixed triples come later.
    const [first, second] = regions;
    expect(first?.finders.some((f) => second?.finders.includes(f))).toBe(false);
    expect(findQrTexts(image).sort()).toEqual([PAYLOAD, LICENCE].sort());
  });

  it('finds on the grey page, thresholded as it is scanned, exactly the finders of its binarized copy', async () => {
    for (const angle of [0, 15, 45]) {
      const image = await canvas(
        [
          { payload: PAYLOAD, left: 100, top: 100 },
          { payload: LICENCE, left: 420, top: 300 },
        ],
        3,
        angle,
      );
      const finders = findFinders(binarize(image), image.width, image.height);
      expect(finders.length).toBeGreaterThanOrEqual(6);
      expect(findFindersInGrey(image)).toEqual(finders);
    }
  });

  it('finds nothing on an even page', () => {
    const data = new Uint8Array(400 * 300).fill(230);
    expect(binarize({ data, width: 400, height: 300 }).every((b) => b === 0)).toBe(true);
    expect(regionsOf({ data, width: 400, height: 300 }).regions).toEqual([]);
    expect(findFindersInGrey({ data, width: 400, height: 300 })).toEqual([]);
  });
});
