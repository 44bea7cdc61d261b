/**
 * Where the QR codes on a page are, found cheaply so that jsQR only has to read small crops.
 *
 * Hand-written because jsQR (the only QR reader we have) cannot be asked for this: it reads one code per
 * call, gives up when two codes' finder patterns are in view, and spends hundreds of milliseconds
 * weighing the finder-like strokes of a text page. Here: a local-mean threshold, a scan of every row
 * for the finder pattern's 1:1:3:1:1 dark/light runs confirmed by the same ratio down the column, then
 * triples of finders that form a QR code's corner (two equal legs at a right angle, any rotation).
 * Most pages carry no code: a quick look (mayHoldFinder) at every fourth row, reading every fourth pixel
 * until one is dark, tells so in about 1 ms CPU at 120 dpi (the full scan takes 7–10 ms).
 */

export interface GreyImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface Finder {
  readonly x: number;
  readonly y: number;
  /** Estimated module size, px. */
  readonly module: number;
}

export interface CodeRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly module: number;
  /** Indices of the three finders (into the list given to codeRegions). */
  readonly finders: readonly [number, number, number];
}

const BLOCK = 16;
/** A pixel is dark when this far below the mean of its 3×3 blocks. */
const DARKER_BY = 12;

/**
 * Each 16 × 16 block's threshold: a pixel of the block is dark when below it (the mean of the 3 × 3
 * blocks around, less DARKER_BY, rounded up: for whole grey values `v < t` and `v < ceil(t)` agree).
 * With `every` > 1 (a divisor of BLOCK) the means are estimated from every `every`-th pixel of every
 * `every`-th row (a sixteenth of the work at 4), for a quick look that need not match the full
 * binarization exactly.
 */
function blockThresholds(
  data: Uint8Array,
  width: number,
  height: number,
  every = 1,
): { thresholds: Int16Array; blocksWide: number } {
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const sums = new Uint32Array(bw * bh);
  const counts = new Uint32Array(bw * bh);
  const first = every >> 1;
  // Whole blocks, and the narrower last one (sampled from its last pixel when narrower than `first`).
  const whole = Math.floor(width / BLOCK);
  const lastStart = Math.min(whole * BLOCK + first, width - 1);
  const wholeSamples = Math.ceil((BLOCK - first) / every);
  const lastSamples = Math.ceil((width - lastStart) / every);
  // Block sums, row by row through memory (integer work only: most of the full scan's time).
  for (let by = 0; by < bh; by++) {
    const y0 = by * BLOCK;
    const y1 = Math.min(height, y0 + BLOCK);
    const k = by * bw;
    let rows = 0;
    for (let y = Math.min(y0 + first, y1 - 1); y < y1; y += every) {
      rows++;
      const row = y * width;
      for (let bx = 0, i = row + first; bx < whole; bx++, i += BLOCK) {
        let sum = 0;
        // The quick look's four pixels, unrolled (a third faster than the loop).
        if (every === 4)
          sum =
            (data[i] as number) +
            (data[i + 4] as number) +
            (data[i + 8] as number) +
            (data[i + 12] as number);
        else for (let j = i; j < i + BLOCK - first; j += every) sum += data[j] as number;
        sums[k + bx] = (sums[k + bx] as number) + sum;
      }
      if (whole < bw) {
        let sum = 0;
        for (let j = row + lastStart; j < row + width; j += every) sum += data[j] as number;
        sums[k + whole] = (sums[k + whole] as number) + sum;
      }
    }
    for (let bx = 0; bx < bw; bx++) counts[k + bx] = rows * (bx < whole ? wholeSamples : lastSamples);
  }
  // The 3 × 3 window's sums: across (each block and its neighbours in the row), then down.
  const across = new Uint32Array(bw * bh);
  const acrossN = new Uint32Array(bw * bh);
  for (let k = 0; k < bw * bh; k++) {
    const bx = k % bw;
    let sum = sums[k] as number;
    let n = counts[k] as number;
    if (bx > 0) {
      sum += sums[k - 1] as number;
      n += counts[k - 1] as number;
    }
    if (bx < bw - 1) {
      sum += sums[k + 1] as number;
      n += counts[k + 1] as number;
    }
    across[k] = sum;
    acrossN[k] = n;
  }
  const thresholds = new Int16Array(bw * bh);
  for (let k = 0; k < bw * bh; k++) {
    let sum = across[k] as number;
    let n = acrossN[k] as number;
    if (k >= bw) {
      sum += across[k - bw] as number;
      n += acrossN[k - bw] as number;
    }
    if (k + bw < bw * bh) {
      sum += across[k + bw] as number;
      n += acrossN[k + bw] as number;
    }
    thresholds[k] = Math.ceil(sum / n - DARKER_BY);
  }
  return { thresholds, blocksWide: bw };
}

/**
 * A grey image with its block thresholds: what the finder scan reads dark and light pixels from. Always
 * built by `thresholded` with the same fields in the same order, and `data` a plain Uint8Array: the scan
 * then sees one object shape and one array type, and V8 compiles it once (other shapes — a Buffer, an
 * image with `channels` — made it recompile page after page, costing more than the scan itself).
 */
interface Thresholded {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly thresholds: Int16Array;
  readonly blocksWide: number;
}

/** The image's bytes as a plain Uint8Array (a Buffer or other view is wrapped, not copied). */
function plainBytes(data: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(data) === Uint8Array.prototype
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.length);
}

function thresholded(image: GreyImage, every = 1): Thresholded {
  const data = plainBytes(image.data);
  const { width, height } = image;
  const { thresholds, blocksWide } = blockThresholds(data, width, height, every);
  return { data, width, height, thresholds, blocksWide };
}

/** 1 for a dark pixel at (x, y), 0 for a light one, −1 outside the image. */
function darkAt(img: Thresholded, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return -1;
  const t = img.thresholds[(y >> 4) * img.blocksWide + (x >> 4)] as number;
  return (img.data[y * img.width + x] as number) < t ? 1 : 0;
}

/** 1 for dark, 0 for light, thresholded against the local mean (uneven lighting, grey paper). */
export function binarize(image: GreyImage): Uint8Array {
  const { data, width, height } = image;
  const { thresholds, blocksWide } = blockThresholds(plainBytes(data), width, height);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const blocks = ((y / BLOCK) | 0) * blocksWide;
    for (let x = 0, t = 0; x < width; x++) {
      if (x % BLOCK === 0) t = thresholds[blocks + x / BLOCK] ?? 0;
      out[row + x] = (data[row + x] ?? 255) < t ? 1 : 0;
    }
  }
  return out;
}

/** Do five runs (dark, light, dark, light, dark) look like 1:1:3:1:1? Returns the module size or 0. */
function finderRatio(r0: number, r1: number, r2: number, r3: number, r4: number): number {
  const total = r0 + r1 + r2 + r3 + r4;
  if (total < 7 * 1.6) return 0;
  const m = total / 7;
  const tol = Math.max(m * 0.5, 1.1);
  if (Math.abs(r0 - m) > tol || Math.abs(r1 - m) > tol || Math.abs(r3 - m) > tol || Math.abs(r4 - m) > tol)
    return 0;
  if (Math.abs(r2 - 3 * m) > tol * 1.6) return 0;
  return m;
}

/**
 * The dark, light and dark runs from (x, y) outwards in direction (dx, dy), the first holding (x, y),
 * into runs[at..at+2]; false when a run is missing or longer than maxRun.
 */
function sideRuns(
  img: Thresholded,
  x: number,
  y: number,
  dx: number,
  dy: number,
  maxRun: number,
  runs: Int32Array,
  at: number,
): boolean {
  let k = 0;
  for (let i = 0; i < 3; i++) {
    const colour = i === 1 ? 0 : 1;
    let run = 0;
    while (darkAt(img, x + k * dx, y + k * dy) === colour) {
      run++;
      k++;
      if (run > maxRun) return false;
    }
    if (run === 0) return false;
    runs[at + i] = run;
  }
  return true;
}

/** Scratch for crossCheck's runs: up (centre, light, dark), then down. */
const crossRuns = new Int32Array(6);
/** crossCheck's second result: the centre offset of the dark run through the point. */
let crossCentre = 0;

/**
 * The five runs through (x, y) along a line with step (dx, dy), centred on the dark run holding (x, y):
 * returns the module size (0 when they do not read 1:1:3:1:1) and leaves that run's centre offset in
 * crossCentre.
 */
function crossCheck(img: Thresholded, x: number, y: number, dx: number, dy: number, maxRun: number): number {
  if (darkAt(img, x, y) !== 1) return 0;
  if (!sideRuns(img, x, y, -dx, -dy, maxRun, crossRuns, 0)) return 0;
  if (!sideRuns(img, x, y, dx, dy, maxRun, crossRuns, 3)) return 0;
  const up = crossRuns[0] as number;
  const down = crossRuns[3] as number;
  // The centre pixel is counted on both sides.
  const m = finderRatio(
    crossRuns[2] as number,
    crossRuns[1] as number,
    up + down - 1,
    crossRuns[4] as number,
    crossRuns[5] as number,
  );
  crossCentre = (down - up) / 2;
  return m;
}

/** Finder-pattern centres on a binarized image, each once. */
export function findFinders(bits: Uint8Array, width: number, height: number, maxModule = 16): Finder[] {
  // As grey (dark 0, light 255) under one threshold: the scan below reads grey pixels.
  const data = plainBytes(bits.map((b) => (b === 1 ? 0 : 255)));
  const blocksWide = Math.ceil(width / BLOCK);
  const thresholds = new Int16Array(blocksWide * Math.ceil(height / BLOCK)).fill(128);
  return merge(sampledRows({ data, width, height, thresholds, blocksWide }, maxModule, 0, 1, false));
}

/**
 * Finder-pattern centres on a grey image, each once: the same as `findFinders` of its `binarize` (the
 * page is thresholded as it is scanned, never binarized as a whole), after a quick look (`mayHoldFinder`)
 * that finds no finder at all on most pages, which are then done at a small fraction of the cost.
 */
export function findFindersInGrey(image: GreyImage, maxModule = 16): Finder[] {
  if (!mayHoldFinder(image, maxModule)) return [];
  return merge(sampledRows(thresholded(image), maxModule, 0, 1, false));
}

/**
 * Rows the quick look reads: every QUICK_STEP-th from QUICK_FIRST, the rows blockThresholds takes its
 * means from with `every` = QUICK_STEP.
 */
const QUICK_STEP = 4;
const QUICK_FIRST = QUICK_STEP >> 1;
/**
 * The shortest centre run finderRatio accepts: 3 modules less 1.6 × its tolerance is 3.04 px at the
 * smallest module (1.6 px, tolerance 1.1 px) and more above, so 4 whole pixels. sampledRows reads every
 * MIN_CENTRE_RUN-th pixel of a row, one of which lies in any such run.
 */
const MIN_CENTRE_RUN = 4;

/**
 * The quick look: is a finder pattern crossed by any of every QUICK_STEP-th row, thresholded by block
 * means taken from those same rows? A finder's centre square is 3 modules tall and finderRatio wants
 * modules of ≥ 1.6 px, so ≥ 4 rows read 1:1:3:1:1 across it and one of every four crosses it; a code
 * has three such squares. Most pages, carrying no code, end here, having read a quarter of the rows.
 */
export function mayHoldFinder(image: GreyImage, maxModule = 16): boolean {
  return rawHits(image, maxModule, 'quick', 'sampled', true).length > 0;
}

/**
 * Raw finder hits (before merging; with `first`, the first only) on the quick look's rows or on all,
 * by the sampled scan both use or by the plain pixel-by-pixel one (the reference the tests hold the
 * sampled scan to: both find the same).
 */
export function rawHits(
  image: GreyImage,
  maxModule: number,
  rows: 'quick' | 'all',
  scan: 'sampled' | 'every pixel',
  first = false,
): Finder[] {
  const quick = rows === 'quick';
  const img = thresholded(image, quick ? QUICK_STEP : 1);
  const y0 = quick ? QUICK_FIRST : 0;
  const step = quick ? QUICK_STEP : 1;
  return scan === 'sampled'
    ? sampledRows(img, maxModule, y0, step, first)
    : scanRows(img, maxModule, y0, step, first);
}

/**
 * Raw finder hits on every `step`-th row from `y0`, found as scanRows finds them with less work: of a
 * row only every MIN_CENTRE_RUN-th pixel is read until one is dark; the dark run through it is
 * measured, and only when it is long enough to be a centre run are its neighbours (crossCheck). Text
 * rows are mostly paper and strokes 1–3 px wide, so most pixels are never looked at. With `first`,
 * stops at the first hit.
 */
function sampledRows(
  img: Thresholded,
  maxModule: number,
  y0: number,
  step: number,
  first: boolean,
): Finder[] {
  const { data, width, height, thresholds, blocksWide } = img;
  const raw: Finder[] = [];
  const maxRun = Math.ceil(maxModule * 4);
  // The pixels read in a block: its row's 16 px at this step (a block's width is a multiple of it).
  const perBlock = BLOCK / MIN_CENTRE_RUN;
  for (let y = y0; y < height; y += step) {
    const row = y * width;
    const blocks = (y >> 4) * blocksWide;
    // The first pixel not yet read as part of a dark run.
    let next = 0;
    for (let bx = 0; bx < blocksWide; bx++) {
      const x0 = bx * BLOCK;
      const t = thresholds[blocks + bx] as number;
      // A block whose pixels read are all light (most of a page) costs four reads and compares.
      if (x0 + BLOCK <= width && x0 >= next) {
        let light = true;
        for (let k = 0, i = row + x0; k < perBlock; k++, i += MIN_CENTRE_RUN)
          light &&= (data[i] as number) >= t;
        if (light) continue;
      }
      for (let x = x0; x < x0 + BLOCK && x < width; x += MIN_CENTRE_RUN) {
        if (x < next || (data[row + x] as number) >= t) continue;
        // The dark run through x: start to end, inclusive.
        let start = x;
        while (start > 0 && isDark(img, row, blocks, start - 1)) start--;
        let end = x;
        while (end + 1 < width && isDark(img, row, blocks, end + 1)) end++;
        next = end + 1;
        if (end - start + 1 < MIN_CENTRE_RUN) continue;
        const m = crossCheck(img, x, y, 1, 0, maxRun);
        // scanRows takes a run's centre as its start plus half its length, rounded.
        const cx = Math.round((start + end + 1) / 2);
        if (m > 0 && m <= maxModule && confirmHit(img, cx, y, m, maxRun, raw) && first) return raw;
      }
    }
  }
  return raw;
}

/** Is pixel x of the row starting at data[row], whose blocks' thresholds start at thresholds[blocks], dark? */
function isDark(img: Thresholded, row: number, blocks: number, x: number): boolean {
  return (img.data[row + x] as number) < (img.thresholds[blocks + (x >> 4)] as number);
}

/**
 * A 1:1:3:1:1 run with module m centred at (cx, y) along a row, confirmed down the column and across
 * again through the vertical centre (which refines x and drops strokes that merely cross): pushed to
 * `raw`, and true.
 */
function confirmHit(
  img: Thresholded,
  cx: number,
  y: number,
  m: number,
  maxRun: number,
  raw: Finder[],
): boolean {
  const mv = crossCheck(img, cx, y, 0, 1, maxRun);
  if (!(mv / m > 0.6 && mv / m < 1.6)) return false;
  const cy = y + crossCentre;
  const mh = crossCheck(img, cx, Math.round(cy), 1, 0, maxRun);
  if (!(mh / m > 0.6 && mh / m < 1.6)) return false;
  raw.push({ x: cx + crossCentre, y: cy, module: (m + mv + mh) / 3 });
  return true;
}

/**
 * The plain scan sampledRows replaces, kept as its reference for the tests: every pixel of every
 * `step`-th row from `y0` read, the last five runs tested at the end of each dark run.
 */
function scanRows(img: Thresholded, maxModule: number, y0: number, step: number, first: boolean): Finder[] {
  const { data, width, height, thresholds, blocksWide } = img;
  const raw: Finder[] = [];
  const maxRun = Math.ceil(maxModule * 4);
  for (let y = y0; y < height; y += step) {
    const row = y * width;
    const blocks = (y >> 4) * blocksWide;
    // The last five runs, r4 the current one; n counts runs since the first dark pixel (up to 5).
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    let r4 = 0;
    let n = 0;
    let colour = 0; // leading light pixels are not a run
    let t = 0;
    for (let x = 0; x <= width; x++) {
      if ((x & (BLOCK - 1)) === 0 && x < width) t = thresholds[blocks + (x >> 4)] as number;
      const c = x < width ? ((data[row + x] as number) < t ? 1 : 0) : -1;
      if (c === colour) {
        r4++;
        continue;
      }
      // A run ended at x - 1. After a dark run, test the last five.
      if (colour === 1 && n >= 5) {
        const m = finderRatio(r0, r1, r2, r3, r4);
        if (
          m > 0 &&
          m <= maxModule &&
          confirmHit(img, Math.round(x - r4 - r3 - r2 / 2), y, m, maxRun, raw) &&
          first
        )
          return raw;
      }
      if (c === -1) break;
      r0 = r1;
      r1 = r2;
      r2 = r3;
      r3 = r4;
      r4 = 1;
      if (c === 1 || n > 0) n = Math.min(5, n + 1);
      colour = c;
    }
  }
  return raw;
}

/** One finder per cluster of detections (the same pattern is hit on several rows). */
function merge(raw: readonly Finder[]): Finder[] {
  const groups: { x: number; y: number; module: number; n: number }[] = [];
  for (const f of raw) {
    const g = groups.find(
      (c) => Math.hypot(c.x / c.n - f.x, c.y / c.n - f.y) < 2.5 * Math.max(f.module, c.module / c.n),
    );
    if (g) {
      g.x += f.x;
      g.y += f.y;
      g.module += f.module;
      g.n++;
    } else groups.push({ x: f.x, y: f.y, module: f.module, n: 1 });
  }
  // A real finder pattern is crossed by about 3 modules' worth of rows; a single hit is a stroke.
  return groups
    .filter((g) => g.n >= Math.min(3, Math.max(1, Math.floor(g.module / g.n))))
    .map((g) => ({ x: g.x / g.n, y: g.y / g.n, module: g.module / g.n }));
}

/**
 * Regions that may hold a QR code, best-formed first: finders three at a time that make a code's corner
 * (A at the right angle, |AB| ≈ |AC|, 10–90 modules apart). The region is the square of the three
 * centres and the fourth corner, grown by 6 modules (finder half-width plus quiet zone). A finder may be
 * in several candidates; the reader drops those whose finders a decoded code has used.
 */
export function codeRegions(
  finders: readonly Finder[],
  width: number,
  height: number,
  limit = 200,
): CodeRegion[] {
  const candidates: { a: number; b: number; c: number; score: number }[] = [];
  const list = finders.slice(0, 200);
  for (let a = 0; a < list.length; a++) {
    const A = list[a];
    if (!A) continue;
    for (let b = 0; b < list.length; b++) {
      const B = list[b];
      if (!B || b === a || B.module / A.module > 1.5 || A.module / B.module > 1.5) continue;
      const abx = B.x - A.x;
      const aby = B.y - A.y;
      const lab = Math.hypot(abx, aby);
      const mAB = (A.module + B.module) / 2;
      if (lab < 10 * mAB || lab > 90 * mAB) continue;
      for (let c = b + 1; c < list.length; c++) {
        const C = list[c];
        if (!C || c === a || C.module / A.module > 1.5 || A.module / C.module > 1.5) continue;
        const acx = C.x - A.x;
        const acy = C.y - A.y;
        const lac = Math.hypot(acx, acy);
        const ratio = lab / lac;
        if (ratio < 0.8 || ratio > 1.25) continue;
        const cos = (abx * acx + aby * acy) / (lab * lac);
        if (Math.abs(cos) > 0.2) continue;
        candidates.push({ a, b, c, score: Math.abs(cos) + Math.abs(1 - ratio) });
      }
    }
  }
  candidates.sort((p, q) => p.score - q.score);
  const regions: CodeRegion[] = [];
  for (const t of candidates.slice(0, limit)) {
    const A = list[t.a];
    const B = list[t.b];
    const C = list[t.c];
    if (!A || !B || !C) continue;
    const D = { x: B.x + C.x - A.x, y: B.y + C.y - A.y };
    const module = (A.module + B.module + C.module) / 3;
    const grow = 6 * module;
    const xs = [A.x, B.x, C.x, D.x];
    const ys = [A.y, B.y, C.y, D.y];
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - grow));
    const y0 = Math.max(0, Math.floor(Math.min(...ys) - grow));
    const x1 = Math.min(width, Math.ceil(Math.max(...xs) + grow));
    const y1 = Math.min(height, Math.ceil(Math.max(...ys) + grow));
    regions.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, module, finders: [t.a, t.b, t.c] });
  }
  return regions;
}
