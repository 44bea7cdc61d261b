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

/** Four grey bytes are written as one 32-bit word (the first byte lowest: little-endian only). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The image reduced to `width` × `height` by taking the pixel nearest each output cell's centre: one
 * read per output pixel, no averaging. What analysis needs (ink stays ink, edges stay sharp); for a
 * picture to look at, `halve` it afterwards rather than sampling further. `into`, when given and large
 * enough, receives the pixels instead of a new buffer (a worker reuses one from page to page).
 */
export function pointSample(src: Pixels, width: number, height: number, into?: Uint8Array): Pixels {
  const { data, channels: ch } = src;
  const { xs, rows, out } = samplePlan(src, width, height, into);
  if (ch === 1) sampleGrey(data, xs, rows, out);
  else if (ch === 3) {
    for (let y = 0, o = 0; y < height; y++) {
      const row = rows[y] as number;
      for (let x = 0; x < width; x++, o += 3) {
        const i = row + (xs[x] as number);
        out[o] = data[i] as number;
        out[o + 1] = data[i + 1] as number;
        out[o + 2] = data[i + 2] as number;
      }
    }
  } else {
    for (let y = 0, o = 0; y < height; y++) {
      const row = rows[y] as number;
      for (let x = 0; x < width; x++) {
        const i = row + (xs[x] as number);
        for (let c = 0; c < ch; c++) out[o++] = data[i + c] as number;
      }
    }
  }
  return { data: out, width, height, channels: ch };
}

/**
 * What sampling src to `width` × `height` reads: the source offset of each output column and row
 * (computed once: the loops only look them up), and the output buffer (`into` when large enough).
 */
function samplePlan(
  src: Pixels,
  width: number,
  height: number,
  into: Uint8Array | undefined,
): { xs: Int32Array; rows: Int32Array; out: Uint8Array } {
  const { width: w, height: h, channels: ch } = src;
  if (width > w || height > h || width < 1 || height < 1) {
    throw new Error(`pointSample: ${w}×${h} → ${width}×${height} is not a reduction`);
  }
  const size = width * height * ch;
  const out = into && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.floor(((x + 0.5) * w) / width) * ch;
  const rows = new Int32Array(height);
  for (let y = 0; y < height; y++) rows[y] = Math.floor(((y + 0.5) * h) / height) * w * ch;
  return { xs, rows, out };
}

/**
 * One grey byte per output pixel, four at a time written as one word where the output row allows
 * (a third less time than byte by byte: this copy is made for every page).
 */
function sampleGrey(data: Uint8Array, xs: Int32Array, rows: Int32Array, out: Uint8Array): void {
  const width = xs.length;
  const words =
    LITTLE_ENDIAN && out.byteOffset % 4 === 0
      ? new Uint32Array(out.buffer, out.byteOffset, out.length >> 2)
      : null;
  for (let y = 0; y < rows.length; y++) {
    const row = rows[y] as number;
    const o = y * width;
    let x = 0;
    if (words) {
      // Bytes up to the first whole word of this output row, then words, then the rest.
      for (; x < width && (o + x) % 4 !== 0; x++) out[o + x] = data[row + (xs[x] as number)] as number;
      for (let k = (o + x) >> 2; x + 4 <= width; x += 4, k++) {
        words[k] =
          (data[row + (xs[x] as number)] as number) |
          ((data[row + (xs[x + 1] as number)] as number) << 8) |
          ((data[row + (xs[x + 2] as number)] as number) << 16) |
          ((data[row + (xs[x + 3] as number)] as number) << 24);
      }
    }
    for (; x < width; x++) out[o + x] = data[row + (xs[x] as number)] as number;
  }
}

/**
 * `pointSample`, and of the same pixels the grey the analysis reads: for RGB the Rec. 601 luma
 * ⌊(299 R + 587 G + 114 B) / 1000⌋ (NAPS2's blank detection uses it), made in the same pass; for grey
 * the sampled pixels themselves. One pass instead of sampling and then converting the copy (which, with
 * a division per pixel, took longer than the sampling).
 */
export function pointSampleWithGrey(
  src: Pixels,
  width: number,
  height: number,
  into?: Uint8Array,
): { pixels: Pixels; grey: Uint8Array } {
  if (src.channels !== 3) {
    const pixels = pointSample(src, width, height, into);
    if (pixels.channels === 1) return { pixels, grey: pixels.data };
    throw new Error(`pointSampleWithGrey: ${pixels.channels} channels (1 or 3 expected)`);
  }
  const { data } = src;
  const { xs, rows, out } = samplePlan(src, width, height, into);
  const grey = new Uint8Array(width * height);
  for (let y = 0, o = 0; y < height; y++) {
    const row = rows[y] as number;
    for (let x = 0; x < width; x++, o++) {
      const i = row + (xs[x] as number);
      const r = data[i] as number;
      const g = data[i + 1] as number;
      const b = data[i + 2] as number;
      out[3 * o] = r;
      out[3 * o + 1] = g;
      out[3 * o + 2] = b;
      // × 0.001 and a hair more is the division by 1000 for every sum up to 255 000 (checked
      // exhaustively; the hair lifts exact thousands that × 0.001 leaves just under), and cheaper.
      grey[o] = (r * 299 + g * 587 + b * 114) * 0.001 + 1e-7;
    }
  }
  return { pixels: { data: out, width, height, channels: 3 }, grey };
}
