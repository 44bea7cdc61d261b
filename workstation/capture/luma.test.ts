import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { luma, lumaOf } from './luma';

describe('luma', () => {
  it('is the rounded Rec. 601 weighting of every pixel, white staying white and black black', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 300 }), (bytes) => {
        const rgb = bytes.subarray(0, bytes.length - (bytes.length % 3));
        const out = lumaOf(rgb);
        expect(out.length).toBe(rgb.length / 3);
        for (let p = 0; p < out.length; p++) {
          const exact = 0.299 * rgb[3 * p]! + 0.587 * rgb[3 * p + 1]! + 0.114 * rgb[3 * p + 2]!;
          expect(Math.abs(out[p]! - exact)).toBeLessThanOrEqual(0.5 + 1e-3);
        }
      }),
    );
    expect(luma(255, 255, 255)).toBe(255);
    expect(luma(0, 0, 0)).toBe(0);
    expect(luma(255, 0, 0)).toBe(76);
  });

  it('writes into a buffer it is given when that is large enough, else into a new one', () => {
    const rgb = Uint8Array.from([10, 20, 30, 200, 100, 50]);
    const big = new Uint8Array(8).fill(7);
    const out = lumaOf(rgb, big);
    expect(out.buffer).toBe(big.buffer);
    expect([...out]).toEqual([luma(10, 20, 30), luma(200, 100, 50)]);
    expect(big[2]).toBe(7); // past the image: untouched
    expect(lumaOf(rgb, new Uint8Array(1)).length).toBe(2);
  });

  it('gives nearly what libvips makes of the same pixels where they have little colour (a 自动 grey page)', async () => {
    // libvips weighs linear light by Rec. 709, so saturated colours differ by up to ~30 levels; a page
    // judged to have no colour content has only near-neutral pixels, where the two agree.
    const rgb = new Uint8Array(3 * 4096);
    for (let p = 0; p < 4096; p++) {
      const base = (p * 37) & 255;
      for (let c = 0; c < 3; c++) {
        rgb[3 * p + c] = Math.max(0, Math.min(255, base + (((p >> (2 + c)) & 15) - 8)));
      }
    }
    const vips = await sharp(rgb, { raw: { width: 64, height: 64, channels: 3 } })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    const ours = lumaOf(rgb);
    let worst = 0;
    for (let p = 0; p < ours.length; p++) worst = Math.max(worst, Math.abs(ours[p]! - vips[p]!));
    expect(worst).toBeLessThanOrEqual(3);
  });
});
