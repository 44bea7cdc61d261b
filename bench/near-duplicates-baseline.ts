// The close comparison as first built (commit cdc5b4d), kept only so bench/near-duplicates.bench.ts can
// measure the current one against it in the same run: one 4 px/mm ink image per page, profile alignment,
// then every 12 mm tile searched ±3 px at full resolution. Not used by the application.
import { comparisonGrey } from '../workstation/verification/ink-compare';

/**
 * The close comparison behind the near-duplicate check. A perceptual hash cannot tell a sheet scanned
 * twice from another copy of the same form with other names filled in: both share the whole layout. What
 * tells them apart is the ink in a few places (a name, a code, a signature), so two images are laid over
 * each other at a fixed scale, aligned, and compared tile by tile: a second scan of one sheet differs
 * only by noise in every tile; a sibling form differs strongly in some tile.
 */
export interface InkImage {
  readonly width: number;
  readonly height: number;
  /** Ink per pixel, 0 (paper) … 255 (the darkest ink), contrast-normalised. */
  readonly ink: Uint8Array;
  /** The ink spread by one pixel (3 × 3 maximum): what the other scan's strokes may fall on. */
  readonly spread: Uint8Array;
  /** Ink summed per column and per row: the profiles that align two images. */
  readonly columns: Float64Array;
  readonly rows: Float64Array;
}

/**
 * The shift d (|d| ≤ GLOBAL_SEARCH) that best lays profile b over profile a, i.e. a[i] ≈ b[i + d]:
 * the least sum of absolute differences. Documents have strong row and column structure (text lines,
 * margins, table rules), so the two 1-D profiles align a page as well as a 2-D search, for far less.
 */
function bestShift(a: Float64Array, b: Float64Array): number {
  let best = 0;
  let bestCost = Infinity;
  for (let d = -GLOBAL_SEARCH; d <= GLOBAL_SEARCH; d++) {
    let cost = 0;
    let n = 0;
    for (let i = GLOBAL_SEARCH; i < a.length - GLOBAL_SEARCH; i++) {
      const j = i + d;
      if (j < 0 || j >= b.length) continue;
      cost += Math.abs((a[i] ?? 0) - (b[j] ?? 0));
      n++;
    }
    if (n > 0 && cost / n < bestCost) {
      bestCost = cost / n;
      best = d;
    }
  }
  return best;
}

/**
 * Comparison scale: 4 px/mm (about 100 dpi), where the strokes of a 4 mm character still show, so
 * another name in a field is other ink, not the same grey blob.
 */
export const INK_PX_PER_MM = 4;
/** Tiles of about 12 mm: a filled-in name or code dominates its tile, noise stays spread out. */
export const TILE_GRID = { cols: 16, rows: 22 } as const;
/** Largest misplacement between two scans, in comparison pixels (±8 mm: also uncropped captures). */
const GLOBAL_SEARCH = 8 * INK_PX_PER_MM;
/** Residual skew moves tiles against each other by a little more after the global alignment. */
const TILE_SEARCH = 3;
/** Ink (Σ a + b per pixel) below which a tile's difference is measured against this floor instead. */
export const INK_FLOOR = 20;
/** Its threshold: a worst tile at most this was a near duplicate (hashes within 72 bits, whole image). */
export const BASELINE_THRESHOLD = 0.08;
/** The tile that decides, counted from the worst (see InkCompareOptions.rank). */
export const INK_RANK = 1;

/** The ink image of a page at the comparison scale; `dpi` is the image's own resolution. */
export async function inkImage(image: Buffer, dpi: number): Promise<InkImage> {
  // The same decode and scale as the current comparison (the bench compares what follows it).
  const { grey: data, width, height } = await comparisonGrey(image, dpi);
  const info = { width, height };
  // Paper is the 90th percentile of grey, ink the 0.5th: brightness and contrast settings drop out.
  const histogram = new Uint32Array(256);
  for (const v of data) histogram[v] = (histogram[v] ?? 0) + 1;
  const level = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v] ?? 0;
      if (seen >= share * data.length) return v;
    }
    return 255;
  };
  const paper = level(0.9);
  const dark = level(0.005);
  const scale = 255 / Math.max(1, paper - dark);
  const ink = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    // The first 10 % above paper is grain and JPEG noise, not ink.
    ink[i] = Math.min(255, Math.max(0, Math.round((paper - (data[i] ?? 0)) * scale - 25)));
  }
  const columns = new Float64Array(info.width);
  const rows = new Float64Array(info.height);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const v = ink[y * info.width + x] ?? 0;
      columns[x] = (columns[x] ?? 0) + v;
      rows[y] = (rows[y] ?? 0) + v;
    }
  }
  return {
    width: info.width,
    height: info.height,
    ink,
    spread: spread(ink, info.width, info.height),
    columns,
    rows,
  };
}

function spread(ink: Uint8Array, width: number, height: number): Uint8Array {
  const rowMax = new Uint8Array(ink.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      rowMax[i] = Math.max(ink[i] ?? 0, x > 0 ? (ink[i - 1] ?? 0) : 0, x + 1 < width ? (ink[i + 1] ?? 0) : 0);
    }
  }
  const out = new Uint8Array(ink.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = Math.max(
        rowMax[i] ?? 0,
        y > 0 ? (rowMax[i - width] ?? 0) : 0,
        y + 1 < height ? (rowMax[i + width] ?? 0) : 0,
      );
    }
  }
  return out;
}

interface Window {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Ink of each image not covered by the other's spread ink, Σ max(0, a − b̂) + Σ max(0, b − â), and
 * Σ(a + b), over a window of `a` against `b` shifted by (dx, dy). The spread forgives what a second pass
 * moves by a pixel (stroke weight, sub-pixel placement, JPEG ringing); a different glyph stays uncovered.
 */
function difference(a: InkImage, b: InkImage, w: Window, dx: number, dy: number): [number, number] {
  let diff = 0;
  let sum = 0;
  for (let y = w.y0; y < w.y1; y++) {
    const yb = y + dy;
    if (yb < 0 || yb >= b.height) continue;
    const rowA = y * a.width;
    const rowB = yb * b.width;
    for (let x = w.x0; x < w.x1; x++) {
      const xb = x + dx;
      if (xb < 0 || xb >= b.width) continue;
      const p = a.ink[rowA + x] ?? 0;
      const q = b.ink[rowB + xb] ?? 0;
      const pHat = a.spread[rowA + x] ?? 0;
      const qHat = b.spread[rowB + xb] ?? 0;
      if (p > qHat) diff += p - qHat;
      if (q > pHat) diff += q - pHat;
      sum += p + q;
    }
  }
  return [diff, sum];
}

export interface InkCompareOptions {
  /** Stop once `rank` tiles are worse than this: the pair is already not a duplicate. */
  readonly stopAbove?: number;
  readonly inkFloor?: number;
  readonly grid?: { readonly cols: number; readonly rows: number };
  /**
   * Which tile decides, counted from the worst: 2 forgives one odd tile in a second scan (a clipped
   * corner, a fold), while another filled-in form differs in several fields (name, code, seal, date).
   */
  readonly rank?: number;
}

/**
 * The difference between two ink images (0: the same ink everywhere; 1: nothing in common) in the
 * `rank`-th worst tile, after the best global shift and a small search per tile. Tiles almost without
 * ink in both are skipped.
 */
export function inkDifference(a: InkImage, b: InkImage, options: InkCompareOptions = {}): number {
  const { stopAbove = 1, inkFloor = INK_FLOOR, grid = TILE_GRID, rank = INK_RANK } = options;
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const best = { dx: bestShift(a.columns, b.columns), dy: bestShift(a.rows, b.rows) };

  const scores: number[] = [];
  let over = 0;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const tile = {
        x0: Math.floor((c * width) / grid.cols),
        x1: Math.floor(((c + 1) * width) / grid.cols),
        y0: Math.floor((r * height) / grid.rows),
        y1: Math.floor(((r + 1) * height) / grid.rows),
      };
      let tileBest = Infinity;
      let tileSum = 0;
      for (let dy = -TILE_SEARCH; dy <= TILE_SEARCH; dy++) {
        for (let dx = -TILE_SEARCH; dx <= TILE_SEARCH; dx++) {
          const [d, s] = difference(a, b, tile, best.dx + dx, best.dy + dy);
          if (d < tileBest) {
            tileBest = d;
            tileSum = s;
          }
        }
      }
      const area = (tile.x1 - tile.x0) * (tile.y1 - tile.y0);
      if (tileSum < area * 2) continue; // next to no ink in either image
      // A tile with a little ink (a date line) is judged against a floor, or its noise would dominate.
      const score = tileBest / Math.max(tileSum, area * inkFloor);
      scores.push(score);
      if (score > stopAbove && ++over >= rank) return score;
    }
  }
  scores.sort((x, y) => y - x);
  return scores[Math.min(rank, scores.length) - 1] ?? 0;
}
