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
    for (let x = b.left; x < b.left + b.width; x++) if ((img.data[row + x] ?? 255) < INK_MAX) ink++;
  }
  return (100 * ink) / (b.width * b.height);
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
 * histogram is sharpest (largest sum of squares) wins. Coarse 0.25° steps over ±maxDeg, then 0.05°
 * steps around the best, then the vertex of the parabola through the best step and its neighbours.
 * (The coarse search needs every pixel too: with a quarter of them, pages that are mostly a barcode
 * or a picture found the wrong step.) Returns 0 when there is too little ink to tell.
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
  const xs = new Int32Array(n);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = all[2 * i * stride] ?? 0;
    ys[i] = all[2 * i * stride + 1] ?? 0;
  }
  const rows = new Int32Array(b.height + b.width + 2);
  const shift = new Int32Array(b.width);
  // Sum of squares of the row histogram of the points sheared by `deg`.
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    const offset = t > 0 ? 0 : Math.ceil(-t * b.width);
    // The shear of each column once per angle, so the inner loop is an add and an increment.
    for (let x = 0; x < b.width; x++) shift[x] = offset - Math.round(x * t);
    rows.fill(0);
    for (let i = 0; i < n; i++) {
      const r = (ys[i] ?? 0) + (shift[xs[i] ?? 0] ?? 0);
      rows[r] = (rows[r] ?? 0) + 1;
    }
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += (rows[i] ?? 0) * (rows[i] ?? 0);
    return s;
  };
  let best = 0;
  let bestScore = -1;
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += 0.25) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  const coarse = best;
  for (let d = coarse - 0.25; d <= coarse + 0.25 + 1e-9; d += 0.05) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  // The peak between the 0.05° steps (row profiles are sharpest at one angle and fall off smoothly).
  const before = score(best - 0.05);
  const after = score(best + 0.05);
  const curve = before - 2 * bestScore + after;
  const vertex = curve < 0 ? (0.5 * (before - after)) / curve : 0;
  return Math.round((best + 0.05 * Math.max(-0.5, Math.min(0.5, vertex))) * 100) / 100;
}

/** Reused from call to call: a page has up to a few hundred thousand ink pixels. */
let pointBuffer = new Int32Array(1 << 16);

/** x, y (relative to `b`) of the ink pixels in every other column of `b`, interleaved. */
function inkPoints(img: GreyImage, b: Box): Int32Array {
  const { data, width } = img;
  let k = 0;
  for (let y = 0; y < b.height; y++) {
    const row = (y + b.top) * width + b.left;
    for (let x = 0; x < b.width; x += 2) {
      if ((data[row + x] ?? 255) < INK_MAX) {
        if (k + 2 > pointBuffer.length) {
          const bigger = new Int32Array(pointBuffer.length * 2);
          bigger.set(pointBuffer);
          pointBuffer = bigger;
        }
        pointBuffer[k++] = x;
        pointBuffer[k++] = y;
      }
    }
  }
  return pointBuffer.subarray(0, k);
}

// Code 39 patterns (bar, space, bar … ; 1 = wide) of the characters in `*PATCHT*`.
const CODE39: Readonly<Record<string, string>> = {
  '010010100': '*',
  '000110010': 'P',
  '100001001': 'A',
  '000011010': 'T',
  '101000100': 'C',
  '100100010': 'H',
};

/** Decodes Code 39 characters from one row's run lengths (starting with a bar). */
function decodeRuns(runs: readonly number[]): string {
  let out = '';
  for (let i = 0; i + 9 <= runs.length; ) {
    const group = runs.slice(i, i + 9);
    const sorted = [...group].sort((a, b) => a - b);
    // Three of nine elements are wide: split between the 6th and 7th smallest.
    const threshold = ((sorted[5] ?? 0) + (sorted[6] ?? 0)) / 2;
    const narrow = (sorted[0] ?? 0) + (sorted[5] ?? 0);
    const pattern = group.map((r) => (r > threshold ? '1' : '0')).join('');
    const ch = (sorted[6] ?? 0) > 1.6 * (narrow / 2 || 1) ? CODE39[pattern] : undefined;
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
  let hits = 0;
  const y0 = Math.round(img.height * 0.2);
  const y1 = Math.round(img.height * 0.8);
  const step = Math.max(1, Math.round(img.height / 200));
  for (let y = y0; y < y1; y += step) {
    const runs: number[] = [];
    let x = 0;
    const row = y * img.width;
    while (x < img.width && (img.data[row + x] ?? 255) >= 128) x++;
    while (x < img.width) {
      const dark = (img.data[row + x] ?? 255) < 128;
      let n = 0;
      while (x < img.width && (img.data[row + x] ?? 255) < 128 === dark) {
        x++;
        n++;
      }
      runs.push(n);
    }
    if (decodeRuns(runs).includes('*PATCHT*')) hits++;
    if (hits >= 3) return true;
  }
  return false;
}
