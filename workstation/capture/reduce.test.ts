import { describe, expect, it } from 'vitest';
import { halve, pointSample, pointSampleWithGrey } from './reduce';

describe('pointSample', () => {
  it('takes the pixel nearest each cell’s centre, in grey and in RGB', () => {
    // 5 × 2 grey: value = 10·x + y.
    const grey = Uint8Array.from({ length: 10 }, (_, i) => 10 * (i % 5) + Math.floor(i / 5));
    const g = pointSample({ data: grey, width: 5, height: 2, channels: 1 }, 2, 1);
    // Cells 0–2.5 and 2.5–5 across, 0–2 down: centres at x 1.25 → 1, 3.75 → 3; y 1 → 1.
    expect([...g.data]).toEqual([11, 31]);
    expect([g.width, g.height, g.channels]).toEqual([2, 1, 1]);
    const rgb = Uint8Array.from({ length: 4 * 3 }, (_, i) => i);
    const c = pointSample({ data: rgb, width: 4, height: 1, channels: 3 }, 2, 1);
    expect([...c.data]).toEqual([3, 4, 5, 9, 10, 11]);
  });

  it('samples every size and alignment alike, into a given buffer when it is large enough', () => {
    const src = Uint8Array.from({ length: 53 * 31 }, (_, i) => (i * 37 + (i >> 5)) & 255);
    for (const [width, height] of [
      [53, 31],
      [21, 13],
      [17, 30],
      [4, 4],
      [1, 1],
    ] as const) {
      const expected: number[] = [];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          expected.push(
            src[Math.floor(((y + 0.5) * 31) / height) * 53 + Math.floor(((x + 0.5) * 53) / width)] ?? -1,
          );
        }
      }
      const fresh = pointSample({ data: src, width: 53, height: 31, channels: 1 }, width, height);
      expect([...fresh.data]).toEqual(expected);
      // An unaligned buffer of the caller's: written in place, nothing beyond the image touched.
      const buffer = new Uint8Array(width * height + 3).fill(7);
      const into = buffer.subarray(1, width * height + 2);
      const given = pointSample({ data: src, width: 53, height: 31, channels: 1 }, width, height, into);
      expect(given.data.buffer).toBe(buffer.buffer);
      expect([...given.data]).toEqual(expected);
      expect([buffer[0], buffer[width * height + 1], buffer[width * height + 2]]).toEqual([7, 7, 7]);
    }
    // Too small a buffer is not used.
    const small = new Uint8Array(3);
    expect(pointSample({ data: src, width: 53, height: 31, channels: 1 }, 4, 4, small).data.buffer).not.toBe(
      small.buffer,
    );
  });

  it('gives the sampled pixels’ Rec. 601 grey with them, in one pass', () => {
    // Every sum of 299 R + 587 G + 114 B, in steps that reach exact thousands too.
    const rgb: number[] = [];
    for (let r = 0; r < 256; r += 5)
      for (let g = 0; g < 256; g += 3) for (let b = 0; b < 256; b += 7) rgb.push(r, g, b);
    rgb.push(255, 255, 255, 0, 0, 0);
    const n = rgb.length / 3;
    const src = { data: Uint8Array.from(rgb), width: n, height: 1, channels: 3 };
    const { pixels, grey } = pointSampleWithGrey(src, n, 1);
    expect([...pixels.data]).toEqual([...pointSample(src, n, 1).data]);
    const expected = Array.from({ length: n }, (_, i) =>
      Math.floor(
        ((rgb[3 * i] ?? 0) * 299 + (rgb[3 * i + 1] ?? 0) * 587 + (rgb[3 * i + 2] ?? 0) * 114) / 1000,
      ),
    );
    expect([...grey]).toEqual(expected);
    // Grey in, the sampled pixels are the grey.
    const g = pointSampleWithGrey(
      { data: Uint8Array.from([1, 2, 3, 4]), width: 4, height: 1, channels: 1 },
      2,
      1,
    );
    expect([...g.grey]).toEqual([2, 4]);
    expect(g.grey).toBe(g.pixels.data);
  });

  it('refuses to enlarge', () => {
    expect(() => pointSample({ data: new Uint8Array(4), width: 2, height: 2, channels: 1 }, 3, 2)).toThrow(
      /not a reduction/,
    );
  });
});

describe('halve', () => {
  it('averages each 2 × 2 block (rounded), per channel, dropping an odd last row and column', () => {
    const grey = Uint8Array.from([0, 10, 99, 20, 31, 99, 99, 99, 99]); // 3 × 3
    const g = halve({ data: grey, width: 3, height: 3, channels: 1 });
    expect([g.width, g.height]).toEqual([1, 1]);
    expect([...g.data]).toEqual([Math.round((0 + 10 + 20 + 31) / 4)]);
    const rgb = Uint8Array.from([1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15]); // 2 × 2 RGB
    expect([...halve({ data: rgb, width: 2, height: 2, channels: 3 }).data]).toEqual([7, 8, 9]);
  });
});
