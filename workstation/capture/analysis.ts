// Page measurements on a small greyscale image (≤ 150 dpi): skew angle, the paper's box inside a dark
// scanner backing, ink coverage (blank pages) and the Patch-T separator barcode. Hand-written: sharp
// has none of these, and each is a few loops over ~2 Mpx, cheap enough for the capture budget.

export interface GreyImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Pixels darker than this are the scanner's backing (black border), not paper. */
export const BACKING_MAX = 70;
/** Pixels darker than this count as ink (NAPS2's default white threshold: 1 + 0.7 × 254). */
export const INK_MAX = 179;

/**
 * The paper inside a dark backing: rows and columns from each edge whose majority is backing are
 * border. Null when there is no border worth cropping (under `minBorderPx` on every side).
 */
export function findPaper(img: GreyImage, minBorderPx: number): Box | null {
  const { data, width, height } = img;
  const rowDark = (y: number, x0: number, x1: number) => {
    let n = 0;
    for (let x = x0; x < x1; x++) if ((data[y * width + x] ?? 255) < BACKING_MAX) n++;
    return n / Math.max(1, x1 - x0);
  };
  const colDark = (x: number, y0: number, y1: number) => {
    let n = 0;
    for (let y = y0; y < y1; y++) if ((data[y * width + x] ?? 255) < BACKING_MAX) n++;
    return n / Math.max(1, y1 - y0);
  };
  // Measure across the middle 60 % so that skewed corners do not count as border.
  const mx0 = Math.round(width * 0.2);
  const mx1 = Math.round(width * 0.8);
  const my0 = Math.round(height * 0.2);
  const my1 = Math.round(height * 0.8);
  let top = 0;
  while (top < height / 3 && rowDark(top, mx0, mx1) > 0.5) top++;
  let bottom = height;
  while (bottom > (height * 2) / 3 && rowDark(bottom - 1, mx0, mx1) > 0.5) bottom--;
  let left = 0;
  while (left < width / 3 && colDark(left, my0, my1) > 0.5) left++;
  let right = width;
  while (right > (width * 2) / 3 && colDark(right - 1, my0, my1) > 0.5) right--;
  if (Math.max(top, height - bottom, left, width - right) < minBorderPx) return null;
  return { left, top, width: right - left, height: bottom - top };
}

function inset(box: Box, by: number): Box {
  return {
    left: box.left + by,
    top: box.top + by,
    width: Math.max(1, box.width - 2 * by),
    height: Math.max(1, box.height - 2 * by),
  };
}

/**
 * Share of ink pixels inside `box` (ignoring a 3 % border: NAPS2 ignores 1 %, but a skewed sheet's corners show backing), in per cent. A text page
 * scores several per cent; an empty sheet with grain and a speck or two stays under 0.1.
 */
export function inkCoverage(img: GreyImage, box: Box): number {
  const b = inset(box, Math.round(Math.min(box.width, box.height) * 0.03));
  let ink = 0;
  for (let y = b.top; y < b.top + b.height; y++) {
    const row = y * img.width;
    ink += countDarker(img.data, row + b.left, row + b.left + b.width, INK_MAX);
  }
  return (100 * ink) / (b.width * b.height);
}

/** Four bytes are read as one 32-bit word (the first byte lowest: little-endian only). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * How many of data[from..to) are darker than `threshold` (1–256). Four pixels at a time where the
 * bytes allow, a lane of 8 bits each: for a threshold over 128 a byte is light (at least the threshold)
 * when its high bit is set and its low seven bits plus 256 − threshold carry into that bit; for one up
 * to 128 when either is (with 128 − threshold). The lanes count light bytes for up to 255 words. A page's
 * pixels are counted for every page: a third less time than the two 16-bit lanes this replaced.
 */
export function countDarker(data: Uint8Array, from: number, to: number, threshold: number): number {
  let n = 0;
  let i = from;
  if (LITTLE_ENDIAN && to - from >= 16) {
    for (; (data.byteOffset + i) % 4 !== 0; i++) if ((data[i] as number) < threshold) n++;
    const words = new Uint32Array(data.buffer, data.byteOffset + i, (to - i) >> 2);
    const high = threshold > 128;
    const add = (high ? 256 - threshold : 128 - threshold) * 0x01010101;
    let light = 0;
    for (let w = 0; w < words.length; ) {
      const end = Math.min(words.length, w + 255);
      let lanes = 0;
      if (high) {
        for (; w < end; w++) {
          const v = words[w] as number;
          lanes += (v & ((v & 0x7f7f7f7f) + add) & 0x80808080) >>> 7;
        }
      } else {
        for (; w < end; w++) {
          const v = words[w] as number;
          lanes += ((v | ((v & 0x7f7f7f7f) + add)) & 0x80808080) >>> 7;
        }
      }
      light += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
    }
    n += words.length * 4 - light;
    i += words.length * 4;
  }
  for (; i < to; i++) if ((data[i] as number) < threshold) n++;
  return n;
}

/**
 * Coverage under which a page is flagged blank, in per cent of pixels. NAPS2's default is 0.15 %; its
 * users report off-white and dirty paper flagged wrongly (naps2#440), and registration files hold no
 * page with less ink than a signature line (about 0.5 %), so 0.3 %.
 */
export const BLANK_COVERAGE = 0.3;

/** Ink pixels measureSkew weighs at most: a stable answer; more only cost time. */
const SKEW_POINTS = 12_000;

/**
 * Skew of the text lines in degrees (positive: the content is turned clockwise), by projection
 * profiles: for each candidate angle the ink pixels are sheared onto rows, and the angle whose row
 * histogram is sharpest (largest sum of squares) wins. Coarse 0.5° steps over ±maxDeg, then the 0.25°
 * steps beside the best, then 0.05° steps around the best of those, then the vertex of the parabola
 * through the best step and its neighbours: about 31 profiles instead of the 54 of 0.25° steps over
 * ±maxDeg, with the same answers on the demo scanner's pages. (Every pixel in every profile: with half
 * or a quarter of them, or 1° coarse steps, barcode and licence pages found the wrong step.) Returns 0
 * when there is too little ink to tell.
 */
export function measureSkew(img: GreyImage, box: Box, maxDeg = 5): number {
  const b = inset(box, Math.round(Math.min(box.width, box.height) * 0.04));
  // Every other column is plenty for row profiles, and halves the time. One pass collects every ink
  // pixel; an even spread of SKEW_POINTS of them is kept.
  const all = inkPoints(img, b);
  const count = all.length >> 1;
  if (count < 200) return 0;
  const stride = Math.max(1, Math.floor(count / SKEW_POINTS));
  const n = Math.floor(count / stride);
  // The kept points by column (a counting sort): a column's points share the column's shift, so the
  // inner loop of a profile reads one y and adds one.
  const columns = (b.width + 1) >> 1;
  const start = new Int32Array(columns + 1);
  for (let i = 0; i < n; i++) {
    const c = (all[2 * i * stride] as number) >> 1;
    start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < columns; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const ys = new Int32Array(n);
  const fill = start.slice(0, columns);
  for (let i = 0; i < n; i++) {
    const c = (all[2 * i * stride] as number) >> 1;
    const at = fill[c] as number;
    ys[at] = all[2 * i * stride + 1] as number;
    fill[c] = at + 1;
  }
  const rows = new Int32Array(b.height + b.width + 2);
  const shift = new Int32Array(columns);
  const score = (deg: number): number => profileScore(ys, start, rows, shift, b, deg);
  // Angles as whole multiples of 0.05°, so that no step drifts; each profile is made once.
  const scores = new Map<number, number>();
  const at = (k: number): number => {
    let s = scores.get(k);
    if (s === undefined) scores.set(k, (s = score(k * 0.05)));
    return s;
  };
  // The best of the steps k0, k0 + step, … ≤ k1 (the first of equals).
  const search = (k0: number, k1: number, step: number, of: (k: number) => number): number => {
    let best = k0;
    let bestScore = -1;
    for (let k = k0; k <= k1; k += step) {
      const s = of(k);
      if (s > bestScore) [best, bestScore] = [k, s];
    }
    return best;
  };
  const steps = Math.floor(maxDeg / 0.05 + 1e-9);
  const half = Math.floor(steps / 10) * 10;
  const coarse = search(-half, half, 10, at);
  const quarter = search(Math.max(-steps, coarse - 5), Math.min(steps, coarse + 5), 5, at);
  const best = search(quarter - 5, quarter + 5, 1, at);
  const bestScore = at(best);
  const before = at(best - 1);
  const after = at(best + 1);
  // The peak between the 0.05° steps (row profiles are sharpest at one angle and fall off smoothly).
  const curve = before - 2 * bestScore + after;
  const vertex = curve < 0 ? (0.5 * (before - after)) / curve : 0;
  return Math.round((best + Math.max(-0.5, Math.min(0.5, vertex))) * 5) / 100;
}

/**
 * Sum of squares of the row histogram of the points (`ys` by column from `start`, every other column of
 * `b`) sheared by `deg`, made in `rows` (all zero before and after); `shift` receives each column's shift.
 */
function profileScore(
  ys: Int32Array,
  start: Int32Array,
  rows: Int32Array,
  shift: Int32Array,
  b: Box,
  deg: number,
): number {
  const columns = shift.length;
  const t = Math.tan((deg * Math.PI) / 180);
  // Rows start at 0: a column's shift is offset − x·tan, down to −tan·width at the far side.
  const offset = t > 0 ? Math.ceil(t * b.width) : 0;
  for (let c = 0; c < columns; c++) {
    const s = offset - Math.round(2 * c * t);
    shift[c] = s;
    const end = start[c + 1] as number;
    for (let i = start[c] as number; i < end; i++) {
      const r = (ys[i] as number) + s;
      rows[r] = (rows[r] as number) + 1;
    }
  }
  // The shifts run monotonically across the columns: only the rows between those at the ends are used,
  // and they are left at zero for the next profile.
  const first = shift[0] as number;
  const last = shift[columns - 1] as number;
  const hi = Math.min(rows.length, Math.max(first, last) + b.height);
  let sum = 0;
  for (let r = Math.min(first, last); r < hi; r++) {
    const v = rows[r] as number;
    sum += v * v;
    rows[r] = 0;
  }
  return sum;
}

/** Reused from call to call: a page has up to a few hundred thousand ink pixels. */
let pointBuffer = new Int32Array(1 << 16);

/**
 * x, y (relative to `b`) of the ink pixels in every other column of `b`, interleaved, row by row: a view
 * of a buffer reused by the next call. Two pixels at a time where the bytes allow: the two of a word in
 * the kept columns gain 256 − INK_MAX, and a pair that both carry (both paper, as most are) is passed
 * over; a third of the time of pixel by pixel, which read every kept pixel of every page.
 */
export function inkPoints(img: GreyImage, b: Box): Int32Array {
  const { data, width } = img;
  const words = LITTLE_ENDIAN ? new Uint32Array(data.buffer, 0, (data.byteOffset + data.length) >> 2) : null;
  const wordCount = words ? words.length : 0;
  const add = (256 - INK_MAX) * 0x00010001;
  let points = pointBuffer;
  let k = 0;
  for (let y = 0; y < b.height; y++) {
    // Room for a row of ink first, so that the loops below only write.
    if (k + b.width + 2 > points.length) {
      const bigger = new Int32Array(Math.max(points.length * 2, k + b.width + 2));
      bigger.set(points.subarray(0, k));
      points = pointBuffer = bigger;
    }
    const row = (y + b.top) * width + b.left;
    let x = 0;
    if (words) {
      // Pixel by pixel up to where the kept columns are bytes 0 and 2 (or 1 and 3) of a word, then words.
      const at = data.byteOffset + row;
      for (; x < b.width && ((at + x) & 2) !== 0; x += 2) {
        if ((data[row + x] as number) < INK_MAX) {
          points[k++] = x;
          points[k++] = y;
        }
      }
      const shift = (at & 1) << 3;
      for (let w = (at + x) >> 2; x + 2 < b.width && w < wordCount; x += 4, w++) {
        const light = ((((words[w] as number) >>> shift) & 0x00ff00ff) + add) & 0x01000100;
        if (light === 0x01000100) continue;
        if ((light & 0x100) === 0) {
          points[k++] = x;
          points[k++] = y;
        }
        if ((light & 0x01000000) === 0) {
          points[k++] = x + 2;
          points[k++] = y;
        }
      }
    }
    for (; x < b.width; x += 2) {
      if ((data[row + x] as number) < INK_MAX) {
        points[k++] = x;
        points[k++] = y;
      }
    }
  }
  return points.subarray(0, k);
}

// Code 39 patterns (bar, space, bar … ; 1 = wide) of the characters in `*PATCHT*`, as 9-bit numbers
// (the first element the highest bit).
const CODE39: ReadonlyMap<number, string> = new Map([
  [0b010010100, '*'],
  [0b000110010, 'P'],
  [0b100001001, 'A'],
  [0b000011010, 'T'],
  [0b101000100, 'C'],
  [0b100100010, 'H'],
]);

/** Decodes Code 39 characters from the first `count` of one row's run lengths (starting with a bar). */
function decodeRuns(runs: Int32Array, count: number, sorted: Int32Array): string {
  let out = '';
  for (let i = 0; i + 9 <= count; ) {
    // The nine elements sorted (insertion: nine numbers), without allocating: this runs ~100× a row.
    for (let j = 0; j < 9; j++) {
      const v = runs[i + j] as number;
      let k = j;
      for (; k > 0 && (sorted[k - 1] as number) > v; k--) sorted[k] = sorted[k - 1] as number;
      sorted[k] = v;
    }
    // Three of nine elements are wide: split between the 6th and 7th smallest.
    const threshold = ((sorted[5] as number) + (sorted[6] as number)) / 2;
    const narrow = (sorted[0] as number) + (sorted[5] as number);
    let pattern = 0;
    for (let j = 0; j < 9; j++) pattern = (pattern << 1) | ((runs[i + j] as number) > threshold ? 1 : 0);
    const ch = (sorted[6] as number) > 1.6 * (narrow / 2 || 1) ? CODE39.get(pattern) : undefined;
    if (ch === undefined) {
      i += 2; // not aligned on a character: move to the next bar
      out = '';
      continue;
    }
    out += ch;
    i += 10; // nine elements and the inter-character gap
  }
  return out;
}

/**
 * Whether the page is a Patch-T separator sheet: a Code 39 `*PATCHT*` barcode (the convention of NAPS2
 * and Paperless). Rows through the middle half of the page are read; three agreeing rows are enough.
 */
export function isPatchT(img: GreyImage): boolean {
  const { data, width } = img;
  let hits = 0;
  const y0 = Math.round(img.height * 0.2);
  const y1 = Math.round(img.height * 0.8);
  const step = Math.max(1, Math.round(img.height / 200));
  const runs = new Int32Array(width + 1);
  const sorted = new Int32Array(9);
  for (let y = y0; y < y1; y += step) {
    const row = y * width;
    let count = 0;
    let x = 0;
    while (x < width && (data[row + x] as number) >= 128) x++;
    while (x < width) {
      const dark = (data[row + x] as number) < 128;
      const from = x;
      while (x < width && (data[row + x] as number) < 128 === dark) x++;
      runs[count++] = x - from;
    }
    // `*PATCHT*` is 8 characters of 9 elements and 7 gaps between them.
    if (count >= 79 && decodeRuns(runs, count, sorted).includes('*PATCHT*')) hits++;
    if (hits >= 3) return true;
  }
  return false;
}
