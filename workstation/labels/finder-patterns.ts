/**
 * Where the QR codes on a page are, found cheaply so that jsQR only has to read small crops.
 *
 * Hand-written because jsQR (the only QR reader we have) cannot be asked for this: it reads one code per
 * call, gives up when two codes' finder patterns are in view, and spends hundreds of milliseconds
 * weighing the finder-like strokes of a text page. Here: a local-mean threshold, a scan of every row
 * for the finder pattern's 1:1:3:1:1 dark/light runs confirmed by the same ratio down the column, then
 * triples of finders that form a QR code's corner (two equal legs at a right angle, any rotation).
 * Most pages carry no code: a quick look at every third row tells so for a fifth of the full scan.
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
 * With `every` > 1 the means are estimated from every `every`-th pixel of every `every`-th row (a
 * sixteenth of the work at 4), for a quick look that need not match the full binarization exactly.
 */
function blockThresholds(image: GreyImage, every = 1): { thresholds: Int16Array; blocksWide: number } {
  const { data, width, height } = image;
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const sums = new Uint32Array(bw * bh);
  const counts = new Uint32Array(bw * bh);
  const first = every >> 1;
  // Block sums, a block row at a time (integer work only: this is most of the reader's time).
  for (let by = 0; by < bh; by++) {
    const y0 = by * BLOCK;
    const y1 = Math.min(height, y0 + BLOCK);
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * BLOCK;
      const x1 = Math.min(width, x0 + BLOCK);
      let sum = 0;
      let n = 0;
      for (let y = Math.min(y0 + first, y1 - 1); y < y1; y += every) {
        const row = y * width;
        for (let i = row + Math.min(x0 + first, x1 - 1); i < row + x1; i += every) sum += data[i] ?? 0;
        n += Math.ceil((x1 - Math.min(x0 + first, x1 - 1)) / every);
      }
      sums[by * bw + bx] = sum;
      counts[by * bw + bx] = n;
    }
  }
  const thresholds = new Int16Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let sum = 0;
      let n = 0;
      for (let y = Math.max(0, by - 1); y <= Math.min(bh - 1, by + 1); y++) {
        for (let x = Math.max(0, bx - 1); x <= Math.min(bw - 1, bx + 1); x++) {
          sum += sums[y * bw + x] ?? 0;
          n += counts[y * bw + x] ?? 0;
        }
      }
      thresholds[by * bw + bx] = Math.ceil(sum / n - DARKER_BY);
    }
  }
  return { thresholds, blocksWide: bw };
}

/** A grey image with its block thresholds: what the finder scan reads dark and light pixels from. */
interface Thresholded extends GreyImage {
  readonly thresholds: Int16Array;
  readonly blocksWide: number;
}

function thresholded(image: GreyImage, every = 1): Thresholded {
  return { ...image, ...blockThresholds(image, every) };
}

/** 1 for a dark pixel at (x, y), 0 for a light one, −1 outside the image. */
function darkAt(img: Thresholded, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return -1;
  const t = img.thresholds[((y / BLOCK) | 0) * img.blocksWide + ((x / BLOCK) | 0)] ?? 0;
  return (img.data[y * img.width + x] ?? 255) < t ? 1 : 0;
}

/** 1 for dark, 0 for light, thresholded against the local mean (uneven lighting, grey paper). */
export function binarize(image: GreyImage): Uint8Array {
  const { data, width, height } = image;
  const { thresholds, blocksWide } = blockThresholds(image);
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
 * The five runs through (x, y) along a line with step (dx, dy), centred on the dark run holding (x, y);
 * returns the module size and the centre offset of that run, or null.
 */
function crossCheck(
  img: Thresholded,
  x: number,
  y: number,
  dx: number,
  dy: number,
  maxRun: number,
): { module: number; centre: number } | null {
  const at = (k: number) => darkAt(img, x + k * dx, y + k * dy);
  if (at(0) !== 1) return null;
  // Walk outwards: centre dark, light, dark on each side.
  const side = (dir: 1 | -1): [number, number, number] | null => {
    let k = 0;
    const runs: [number, number, number] = [0, 0, 0];
    for (const [i, colour] of [
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      while (at(k * dir) === colour) {
        runs[i]++;
        k++;
        if (runs[i] > maxRun) return null;
      }
      if (runs[i] === 0) return null;
    }
    return runs;
  };
  const up = side(-1);
  const down = side(1);
  if (!up || !down) return null;
  // The centre pixel is counted on both sides.
  const centreRun = up[0] + down[0] - 1;
  const m = finderRatio(up[2], up[1], centreRun, down[1], down[2]);
  if (m === 0) return null;
  return { module: m, centre: (down[0] - up[0]) / 2 };
}

/** Finder-pattern centres on a binarized image, each once. */
export function findFinders(bits: Uint8Array, width: number, height: number, maxModule = 16): Finder[] {
  // As grey (dark 0, light 255) under one threshold: the scan below reads grey pixels.
  const data = bits.map((b) => (b === 1 ? 0 : 255));
  const blocksWide = Math.ceil(width / BLOCK);
  const thresholds = new Int16Array(blocksWide * Math.ceil(height / BLOCK)).fill(128);
  return merge(scanRows({ data, width, height, thresholds, blocksWide }, maxModule, 1, false));
}

/**
 * Finder-pattern centres on a grey image, each once: the same as `findFinders` of its `binarize` (the
 * page is thresholded as it is scanned, never binarized as a whole), after a quick look (every third
 * row, thresholds from a sixteenth of the pixels) that finds no finder at all on most pages, which are
 * then done at a fraction of the cost.
 */
export function findFindersInGrey(image: GreyImage, maxModule = 16): Finder[] {
  // A finder's centre square is 3 modules tall, and finderRatio wants modules of ≥ 1.6 px: ≥ 4 rows
  // read 1:1:3:1:1 across it, so every third row crosses it.
  if (scanRows(thresholded(image, 4), maxModule, 3, true).length === 0) return [];
  return merge(scanRows(thresholded(image), maxModule, 1, false));
}

/**
 * Raw finder hits (before merging) on every `step`-th row: runs of 1:1:3:1:1 along the row, confirmed
 * down the column and across again. With `first`, stops at the first hit.
 */
function scanRows(img: Thresholded, maxModule: number, step: number, first: boolean): Finder[] {
  const { data, width, height, thresholds, blocksWide } = img;
  const raw: Finder[] = [];
  const maxRun = Math.ceil(maxModule * 4);
  for (let y = 0; y < height; y += step) {
    const row = y * width;
    const blocks = ((y / BLOCK) | 0) * blocksWide;
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
      if (x % BLOCK === 0) t = thresholds[blocks + x / BLOCK] ?? 0;
      const c = x < width ? ((data[row + x] ?? 255) < t ? 1 : 0) : -1;
      if (c === colour) {
        r4++;
        continue;
      }
      // A run ended at x - 1. After a dark run, test the last five.
      if (colour === 1 && n >= 5) {
        const m = finderRatio(r0, r1, r2, r3, r4);
        if (m > 0 && m <= maxModule) {
          const cx = Math.round(x - r4 - r3 - r2 / 2);
          const v = crossCheck(img, cx, y, 0, 1, maxRun);
          if (v && v.module / m > 0.6 && v.module / m < 1.6) {
            const cy = y + v.centre;
            // Across again through the vertical centre: refines x and drops strokes that merely cross.
            const h = crossCheck(img, cx, Math.round(cy), 1, 0, maxRun);
            if (h && h.module / m > 0.6 && h.module / m < 1.6) {
              raw.push({ x: cx + h.centre, y: cy, module: (m + v.module + h.module) / 3 });
              if (first) return raw;
            }
          }
        }
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
