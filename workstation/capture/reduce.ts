// Reductions of a decoded page for analysis and the thumbnail. Hand-written because libvips is slow at
// this through sharp: a linear reduce of a 300 dpi A4 page to 120 dpi costs ~14 ms of CPU (as much as
// decoding it; per pixel, not per byte, so grey gains nothing over colour), and a sharp call on a small
// image costs ~0.7 ms before any work; point sampling the same page costs ~3 ms.

export interface Pixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
}

/**
 * The image at half its size, each output pixel the mean of a 2 × 2 block (an odd last row or column
 * is dropped).
 */
export function halve(src: Pixels): Pixels {
  const { data, width: w, channels: ch } = src;
  const width = w >> 1;
  const height = src.height >> 1;
  const out = new Uint8Array(width * height * ch);
  const rowLen = w * ch;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let i = 2 * y * rowLen;
    for (let x = 0; x < width; x++, i += ch) {
      for (let c = 0; c < ch; c++, i++) {
        const j = i + rowLen;
        out[o++] = ((data[i] ?? 0) + (data[i + ch] ?? 0) + (data[j] ?? 0) + (data[j + ch] ?? 0) + 2) >> 2;
      }
    }
  }
  return { data: out, width, height, channels: ch };
}

/**
 * The image reduced to `width` × `height` by taking the pixel nearest each output cell's centre: one
 * read per output pixel, no averaging. What analysis needs (ink stays ink, edges stay sharp); for a
 * picture to look at, `halve` it afterwards rather than sampling further.
 */
export function pointSample(src: Pixels, width: number, height: number): Pixels {
  const { data, width: w, height: h, channels: ch } = src;
  if (width > w || height > h || width < 1 || height < 1) {
    throw new Error(`pointSample: ${w}×${h} → ${width}×${height} is not a reduction`);
  }
  const out = new Uint8Array(width * height * ch);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.floor(((x + 0.5) * w) / width) * ch;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(((y + 0.5) * h) / height) * w * ch;
    if (ch === 1) {
      for (let x = 0; x < width; x++) out[o++] = data[row + (xs[x] ?? 0)] ?? 0;
    } else if (ch === 3) {
      for (let x = 0; x < width; x++) {
        const i = row + (xs[x] ?? 0);
        out[o++] = data[i] ?? 0;
        out[o++] = data[i + 1] ?? 0;
        out[o++] = data[i + 2] ?? 0;
      }
    } else {
      for (let x = 0; x < width; x++) {
        const i = row + (xs[x] ?? 0);
        for (let c = 0; c < ch; c++) out[o++] = data[i + c] ?? 0;
      }
    }
  }
  return { data: out, width, height, channels: ch };
}
