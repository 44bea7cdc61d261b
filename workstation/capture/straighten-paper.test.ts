import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INK_MAX } from './analysis';
import { paperColour, type RawImage, type Rect } from './straighten';

/** paperColour as first written (one histogram array per channel, the grey worked out for every channel count). */
function reference(img: RawImage, box: Rect, inkMax: number, step: number): number[] {
  const { data, width, channels: ch } = img;
  const hist = Array.from({ length: ch }, () => new Uint32Array(256));
  let n = 0;
  for (let y = box.top; y < box.top + box.height; y += step) {
    for (let x = box.left; x < box.left + box.width; x += step) {
      const i = (y * width + x) * ch;
      const grey =
        ch === 1
          ? (data[i] ?? 0)
          : ((data[i] ?? 0) * 299 + (data[i + 1] ?? 0) * 587 + (data[i + 2] ?? 0) * 114) / 1000;
      if (grey < inkMax) continue;
      for (let c = 0; c < ch; c++) {
        const h = hist[c];
        const v = data[i + c] ?? 0;
        if (h) h[v] = (h[v] ?? 0) + 1;
      }
      n++;
    }
  }
  if (n === 0) return Array.from({ length: ch }, () => 255);
  return hist.map((h) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += h[v] ?? 0;
      if (seen * 2 >= n) return v;
    }
    return 255;
  });
}

describe('paperColour', () => {
  it('gives the median the first implementation gave, for any image, box, step and threshold', () => {
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 1, max: 30 }),
          height: fc.integer({ min: 1, max: 20 }),
          channels: fc.constantFrom(1, 3, 1, 3, 2, 4),
          // Few distinct values, so that medians sit on ties and the threshold splits them.
          values: fc.array(fc.constantFrom(0, INK_MAX - 1, INK_MAX, INK_MAX + 1, 240, 255), { minLength: 1 }),
          box: fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()),
          step: fc.integer({ min: 1, max: 4 }),
          inkMax: fc.constantFrom(INK_MAX, 1, 256),
        }),
        ({ width, height, channels, values, box: [l, t, w, h], step, inkMax }) => {
          const data = Uint8Array.from(
            { length: width * height * channels },
            (_, i) => values[i % values.length] ?? 0,
          );
          const left = l % width;
          const top = t % height;
          const box = { left, top, width: 1 + (w % (width - left)), height: 1 + (h % (height - top)) };
          const img = { data, width, height, channels };
          expect(paperColour(img, box, inkMax, step)).toEqual(reference(img, box, inkMax, step));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes a pixel exactly at the threshold as paper, one just under it as ink', () => {
    // Two paper pixels at INK_MAX and one ink pixel just under: the median of the paper is INK_MAX.
    // (Counting the ink pixel too would make it INK_MAX − 1: a slip of one in the comparison shows.)
    const data = Uint8Array.from([INK_MAX - 1, INK_MAX - 1, INK_MAX, 250]);
    const img = { data, width: 4, height: 1, channels: 1 };
    expect(paperColour(img, { left: 0, top: 0, width: 4, height: 1 }, INK_MAX, 1)).toEqual([INK_MAX]);
    // Grey of (179, 179, 178) is 178.886: ink, though two channels are at the threshold.
    const rgb = Uint8Array.from([179, 179, 178, 200, 190, 180]);
    const colour = { data: rgb, width: 2, height: 1, channels: 3 };
    expect(paperColour(colour, { left: 0, top: 0, width: 2, height: 1 }, INK_MAX, 1)).toEqual([
      200, 190, 180,
    ]);
  });
});
