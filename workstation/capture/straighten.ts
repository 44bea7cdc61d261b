// Deskew at full resolution, fused with the crop: only the pixels of the crop box are computed, straight
// from the decoded page into the buffer the encoder reads. Hand-written because sharp cannot crop
// before its affine within one pipeline (it extracts first), so with sharp the whole turned canvas is
// computed and copied once more before the crop; here the turn costs one pass over the kept pixels.

export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
}

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The canvas a page turned by `deg` needs to keep every pixel (as sharp's affine sizes it). */
export function turnedSize(width: number, height: number, deg: number): { width: number; height: number } {
  const rad = (Math.abs(deg) * Math.PI) / 180;
  return {
    width: Math.round(width * Math.cos(rad) + height * Math.sin(rad)),
    height: Math.round(width * Math.sin(rad) + height * Math.cos(rad)),
  };
}

/**
 * The copying of `turnAndCrop`, in WebAssembly: `copyRuns(table, n)` moves n runs, each three i32 in
 * memory at `table` (destination, source, length), with `memory.copy`. Hand-assembled because no library
 * does this and the loop is 48 bytes: JavaScript has no cheap copy of a short run between two places
 * (a byte loop costs ~1.4 ns a byte, `copyWithin` ~60–90 ns a call, `set(subarray())` allocates a view a
 * call), and a turned page is ~240 000 runs of ~36 bytes at 1.6°. The module, as text:
 *
 *   (module (import "env" "mem" (memory 0))
 *     (func (export "copyRuns") (param $t i32) (param $n i32)
 *       (block $done (loop $next
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (memory.copy (i32.load (local.get $t)) (i32.load offset=4 (local.get $t))
 *                      (i32.load offset=8 (local.get $t)))
 *         (local.set $t (i32.add (local.get $t) (i32.const 12)))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $next)))))
 */
// prettier-ignore
const COPY_RUNS_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00, // types: (i32, i32) -> ()
  0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x00, // import env.mem, memory min 0
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x07, 0x0c, 0x01, 0x08, 0x63, 0x6f, 0x70, 0x79, 0x52, 0x75, 0x6e, 0x73, 0x00, 0x00, // export "copyRuns"
  0x0a, 0x32, 0x01, 0x30, 0x00, // code: one body of 48 bytes, no locals
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x01, 0x45, 0x0d, 0x01, // local.get $n, i32.eqz, br_if $done
  0x20, 0x00, 0x28, 0x02, 0x00, // destination: i32.load (local.get $t)
  0x20, 0x00, 0x28, 0x02, 0x04, // source: i32.load offset=4
  0x20, 0x00, 0x28, 0x02, 0x08, // length: i32.load offset=8
  0xfc, 0x0a, 0x00, 0x00, // memory.copy
  0x20, 0x00, 0x41, 0x0c, 0x6a, 0x21, 0x00, // $t += 12
  0x20, 0x01, 0x41, 0x01, 0x6b, 0x21, 0x01, // $n -= 1
  0x0c, 0x00, // br $next
  0x0b, 0x0b, 0x0b, // end loop, end block, end function
]);
const COPY_RUNS_MODULE = new WebAssembly.Module(COPY_RUNS_WASM);
const WASM_PAGE = 65_536;

/**
 * Where `turnAndCrop` works: a WebAssembly memory holding the source's copy, the turned output and the
 * table of runs, kept from call to call (it only grows). A turn into a caller's area returns a view of
 * it, valid until the area's next use; a caller that reuses one area for every page (the page worker)
 * saves allocating and freeing 20–60 MB a page.
 */
export class TurnArea {
  private readonly memory = new WebAssembly.Memory({ initial: 0 });
  readonly copyRuns: (table: number, count: number) => void;

  constructor() {
    const instance = new WebAssembly.Instance(COPY_RUNS_MODULE, { env: { mem: this.memory } });
    this.copyRuns = instance.exports['copyRuns'] as (table: number, count: number) => void;
  }

  /** The whole memory, at least `bytes` long (views taken before a growth are no longer valid). */
  reserve(bytes: number): ArrayBuffer {
    const short = bytes - this.memory.buffer.byteLength;
    if (short > 0) this.memory.grow(Math.ceil(short / WASM_PAGE));
    return this.memory.buffer;
  }
}

/** For turns without an area of their own: their result is copied out of it. */
let transient: TurnArea | undefined;

/**
 * The page turned by `deg` about its centre onto a canvas of `turnedSize`, and of that canvas only
 * `box`: the same turn as sharp's `affine([[cos, −sin], [sin, cos]])` of `deg` (so −skew undoes a skew
 * `measureSkew` reported), to within a pixel. Canvas the scan did not cover is `fill` (one value, or one
 * per channel): black (the default) where it stands for the scanner's backing, so that `findPaper` sees
 * it as border; the page's own background in a master, where a black wedge would be a mark that was
 * never on the paper.
 *
 * Three shears with whole-pixel shifts (Paeth's rotation; Leptonica turns small angles this way):
 * x by −tan(deg/2), y by sin(deg), x again. Each shear moves whole pixels, so every output pixel is a
 * copy of one input pixel and no two share one: no blur and no new grey values (a bilevel page stays
 * bilevel), and edges step by one pixel (0.08 mm at 300 dpi). Within a row the source runs contiguously
 * between two steps of the middle shear (1/sin(deg) pixels: 36 at 1.6°), so the turn is a sequence of
 * short copies — several times faster than interpolating every pixel, which took about twice as long as
 * encoding the page.
 *
 * The runs are copied by WebAssembly (see COPY_RUNS_WASM) inside a TurnArea holding the source's copy,
 * the output and the table of runs: `into`, whose view the result then is, or a shared one, whose result
 * is copied out. Measured per 300 dpi A4 page, CPU: grey at 1.6° 21 → 11 ms, at 3° 30 → 12 ms, at 0.3°
 * 21 → 4 ms; colour at 1.6° 75 → 17 ms.
 */
export function turnAndCrop(
  src: RawImage,
  deg: number,
  box: Rect,
  into?: TurnArea,
  fill: number | readonly number[] = 0,
): RawImage {
  const { width: w, height: h, channels: ch, data } = src;
  if (ch !== 1 && ch !== 3) throw new Error(`turnAndCrop: ${ch} channels (1 or 3 expected)`);
  const size = box.width * box.height * ch;
  const srcSize = w * h * ch;
  const canvas = turnedSize(w, h, deg);
  const rad = (deg * Math.PI) / 180;
  const alpha = -Math.tan(rad / 2);
  const beta = Math.sin(rad);
  // Layout of the area: the source's copy, the output, then the table of one row's runs (≤ 3 i32 a pixel).
  const area = into ?? (transient ??= new TurnArea());
  const tableAt = (srcSize + size + 3) & ~3;
  const memory = area.reserve(tableAt + (box.width + 1) * 12);
  const work = new Uint8Array(memory, 0, srcSize + size);
  const table = new Int32Array(memory, tableAt, (box.width + 1) * 3);
  work.set(data.subarray(0, srcSize));
  fillWith(work.subarray(srcSize), fill, ch);
  // Integer coordinates relative to the centres of the canvas (u, v) and of the source, the source's
  // centre placed as libvips places it (so that the page lands where sharp's affine puts it).
  const cx = canvas.width >> 1;
  const cy = canvas.height >> 1;
  const sx0 = Math.round(w / 2 - 0.5 - canvas.width / 2 + cx);
  const sy0 = Math.round(h / 2 - 0.5 - canvas.height / 2 + cy);
  // The middle shear's shift per intermediate column u1 (offset by uMin), and where its run ends.
  const reach = Math.ceil(Math.abs(alpha) * (canvas.height + h)) + 2;
  const uMin = -cx - reach;
  const uMax = canvas.width - cx + reach;
  const shiftY = new Int32Array(uMax - uMin + 1);
  const runEnd = new Int32Array(uMax - uMin + 1);
  for (let u = uMin; u <= uMax; u++) shiftY[u - uMin] = Math.round(beta * u);
  runEnd[uMax - uMin] = uMax + 1;
  for (let i = uMax - uMin - 1; i >= 0; i--) {
    runEnd[i] = shiftY[i] === shiftY[i + 1] ? (runEnd[i + 1] ?? 0) : uMin + i + 1;
  }
  const right = box.left + box.width;
  for (let y = 0; y < box.height; y++) {
    // Inverse of the last x shear: this row's shift.
    const v = box.top + y - cy;
    const s1 = Math.round(alpha * v);
    let o = srcSize + y * box.width * ch;
    let runs = 0;
    for (let x = box.left; x < right; ) {
      const u1 = x - cx - s1;
      const i = u1 - uMin;
      const len = Math.min((runEnd[i] ?? u1 + 1) - u1, right - x);
      // Inverse of the middle y shear, then of the first x shear: the source row and column.
      const sv = v - (shiftY[i] ?? 0);
      const sy = sv + sy0;
      const sx = u1 - Math.round(alpha * sv) + sx0;
      if (sy >= 0 && sy < h) {
        // The part of the run inside the source row (outside it stays `fill`).
        const from = Math.max(0, -sx);
        const to = Math.min(len, w - sx);
        if (to > from) {
          table[runs * 3] = o + from * ch;
          table[runs * 3 + 1] = (sy * w + sx + from) * ch;
          table[runs * 3 + 2] = (to - from) * ch;
          runs++;
        }
      }
      o += len * ch;
      x += len;
    }
    area.copyRuns(tableAt, runs);
  }
  const result = work.subarray(srcSize);
  return { data: into ? result : result.slice(), width: box.width, height: box.height, channels: ch };
}

function fillWith(buf: Uint8Array, fill: number | readonly number[], channels: number): Uint8Array {
  const values = typeof fill === 'number' ? [fill] : fill;
  if (values.length <= 1 || values.every((v) => v === values[0])) return buf.fill(values[0] ?? 0);
  if (values.length !== channels)
    throw new Error(`turnAndCrop: ${values.length} fill values for ${channels} channels`);
  for (let c = 0; c < channels && c < buf.length; c++) buf[c] = values[c] ?? 0;
  // Doubling copies: log2(size) calls instead of a loop over every pixel.
  for (let n = channels; n < buf.length; n *= 2) buf.copyWithin(n, 0, Math.min(n, buf.length - n));
  return buf;
}

/**
 * The paper's own colour, one value per channel: the median of the pixels inside `box` that are not ink
 * (grey ≥ `inkMax`), sampled every `step` pixels. What a deskewed master shows where the scan did not
 * reach; white when the box holds no paper-coloured pixel at all.
 */
export function paperColour(img: RawImage, box: Rect, inkMax: number, step = 3): number[] {
  const { data, width, channels: ch } = img;
  // One histogram per channel, side by side, and a loop for each channel count with nothing in it but
  // the sampling: this runs for every deskewed page (grey 1.2 → 0.45 ms, colour 2.2 → 0.8).
  const hist = new Uint32Array(256 * ch);
  const right = box.left + box.width;
  let n = 0;
  for (let y = box.top; y < box.top + box.height; y += step) {
    const row = y * width;
    if (ch === 1) {
      for (let x = box.left; x < right; x += step) {
        const v = data[row + x] ?? 0;
        if (v < inkMax) continue;
        hist[v] = (hist[v] as number) + 1;
        n++;
      }
      continue;
    }
    if (ch === 3) {
      for (let x = box.left; x < right; x += step) {
        const i = (row + x) * 3;
        const r = data[i] ?? 0;
        const g = data[i + 1] ?? 0;
        const b = data[i + 2] ?? 0;
        if ((r * 299 + g * 587 + b * 114) / 1000 < inkMax) continue;
        hist[r] = (hist[r] as number) + 1;
        hist[256 + g] = (hist[256 + g] as number) + 1;
        hist[512 + b] = (hist[512 + b] as number) + 1;
        n++;
      }
      continue;
    }
    for (let x = box.left; x < right; x += step) {
      const i = (row + x) * ch;
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      if ((r * 299 + g * 587 + b * 114) / 1000 < inkMax) continue;
      for (let c = 0; c < ch; c++) {
        const at = 256 * c + (data[i + c] ?? 0);
        hist[at] = (hist[at] as number) + 1;
      }
      n++;
    }
  }
  const colour: number[] = [];
  for (let c = 0; c < ch; c++) {
    let v = 0;
    for (let seen = 0; v < 256; v++) {
      seen += hist[256 * c + v] as number;
      if (seen * 2 >= n) break;
    }
    colour.push(n === 0 ? 255 : Math.min(255, v));
  }
  return colour;
}

/**
 * The crop's paper box, found on the turned analysis copy, with each side where the sheet already
 * reached the scan's edge before the turn (`before`: the paper found then, in an image of `beforeSize`;
 * less than `minBorderPx` of backing) moved out to the canvas's edge: there is no backing to cut on
 * that side, only the corner the turn uncovered, and cutting there would cut into the page.
 */
export function keepUncutSides(
  found: Rect,
  before: Rect | null,
  beforeSize: { width: number; height: number },
  canvas: { width: number; height: number },
  minBorderPx: number,
): Rect {
  const b = before ?? { left: 0, top: 0, ...beforeSize };
  const left = b.left < minBorderPx ? 0 : found.left;
  const top = b.top < minBorderPx ? 0 : found.top;
  const right = beforeSize.width - (b.left + b.width) < minBorderPx ? canvas.width : found.left + found.width;
  const bottom =
    beforeSize.height - (b.top + b.height) < minBorderPx ? canvas.height : found.top + found.height;
  return { left, top, width: right - left, height: bottom - top };
}
