import { describe, expect, it } from 'vitest';
import { halve, pointSample } from './reduce';

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
