// The grey of an RGB page, for a 自动 page whose master comes out grey. Hand-written because libvips
// makes grey from sRGB through its colour pipeline (float, via linear light): on a 300 dpi A4 page that
// conversion cost ~40 ms, about as much as encoding the grey JPEG itself, where this loop takes ~10.

/**
 * Rec. 601 luma of one RGB pixel, rounded: (19595 R + 38470 G + 7471 B + 2^15) >> 16, the weights
 * 0.299 / 0.587 / 0.114 in 16-bit fixed point (they sum to 65536, so white stays 255).
 */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 32768) >> 16;
}

/**
 * The luma of every pixel of `rgb` (3 bytes a pixel), into `into` when it is large enough (a worker
 * reuses one buffer from page to page), else into a new buffer.
 */
export function lumaOf(rgb: Uint8Array, into?: Uint8Array): Uint8Array {
  const n = Math.floor(rgb.length / 3);
  const out = into && into.length >= n ? into.subarray(0, n) : new Uint8Array(n);
  for (let o = 0, i = 0; o < n; o++, i += 3) {
    out[o] =
      ((rgb[i] as number) * 19595 + (rgb[i + 1] as number) * 38470 + (rgb[i + 2] as number) * 7471 + 32768) >>
      16;
  }
  return out;
}
