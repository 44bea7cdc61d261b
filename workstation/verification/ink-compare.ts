import sharp from 'sharp';

/**
 * The close comparison behind the near-duplicate check. A perceptual hash cannot tell a sheet scanned
 * twice from another copy of the same form with other names filled in: both share the whole layout. What
 * tells them apart is the ink in a few places (a name, a code, a signature), so two images are laid over
 * each other at a fixed scale, aligned, and compared tile by tile: a second scan of one sheet differs
 * only by noise in every tile; a sibling form differs strongly in some tile.
 *
 * Everything that depends on one image only (its grey planes at two scales, their spread, its ink
 * profiles) is computed once per page (`pageInk`); a pair costs an alignment from small profiles, two
 * 256-entry tone tables and the tile comparison — first at 2 px/mm, where another form already shows,
 * then at 4 px/mm only for a pair that still looks alike.
 */

/** One scale of a page: grey levels, and their 3 × 3 minimum (each pixel's darkest neighbour). */
export interface GreyPlane {
  readonly width: number;
  readonly height: number;
  readonly grey: Uint8Array;
  /** Ink spread by one pixel: what the other scan's strokes may fall on. */
  readonly low: Uint8Array;
}

export interface PageInk {
  /** INK_PX_PER_MM, the scale that decides. */
  readonly fine: GreyPlane;
  /** Half that scale: the first look, and block alignment. */
  readonly coarse: GreyPlane;
  /** Darkness (255 − grey) summed per column and per row of the fine plane: the global alignment. */
  readonly columns: Float64Array;
  readonly rows: Float64Array;
  /** Grey histogram of the fine plane: the page's paper and ink levels. */
  readonly histogram: Uint32Array;
}

/**
 * Comparison scale: 4 px/mm (about 100 dpi), where the strokes of a 4 mm character still show, so
 * another name in a field is other ink, not the same grey blob.
 */
export const INK_PX_PER_MM = 4;
/** Margin left out on every side (the crop keeps dark backing there; skew uncovers corners). */
const MARGIN = 0.05;
/** Tiles of about 12 mm: a filled-in name or code dominates its tile, noise stays spread out. */
export const TILE_GRID = { cols: 16, rows: 22 } as const;
/** Largest misplacement between two scans (±20 mm: another crop margin, an uncropped capture). */
const GLOBAL_SEARCH = 20 * INK_PX_PER_MM;
/** Alignment blocks (columns × rows) whose own shifts give the affine model (residual skew, scale). */
const BLOCKS = { cols: 4, rows: 5 } as const;
/** Search of each block around the global shift, in coarse pixels (±4 mm). */
const BLOCK_SEARCH = 8;
/**
 * Ink level of a stroke (print, handwriting) on the 0–255 ink scale: a tinted patch (a yellow note) or
 * the grey of a patch's edge stays under it.
 */
const STROKE = 128;
/** Ink (Σ a + b per pixel) below which a tile's difference is measured against this floor instead. */
export const INK_FLOOR = 20;
/**
 * Coarse tile score above which a pair is no duplicate without a fine look. Measured on the bench:
 * rescans stay ≤ 0.06 at 2 px/mm; another form exceeds 0.2 somewhere at once. A sibling that does not
 * (a changed code can look alike at this scale) is decided at 4 px/mm.
 */
export const COARSE_REJECT = 0.2;

function plane(width: number, height: number, grey: Uint8Array): GreyPlane {
  return { width, height, grey, low: minimum3x3(grey, width, height) };
}

/** 3 × 3 minimum, separable: rows, then columns. */
function minimum3x3(g: Uint8Array, width: number, height: number): Uint8Array {
  const rowMin = new Uint8Array(g.length);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      let m = g[r + x] ?? 255;
      if (x > 0) m = Math.min(m, g[r + x - 1] ?? 255);
      if (x + 1 < width) m = Math.min(m, g[r + x + 1] ?? 255);
      rowMin[r + x] = m;
    }
  }
  const out = new Uint8Array(g.length);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      let m = rowMin[r + x] ?? 255;
      if (y > 0) m = Math.min(m, rowMin[r - width + x] ?? 255);
      if (y + 1 < height) m = Math.min(m, rowMin[r + width + x] ?? 255);
      out[r + x] = m;
    }
  }
  return out;
}

/**
 * The darkest of each 2 × 2 pixels: a stroke keeps its full ink at half the scale whichever way it
 * falls on the pixel grid (a mean splits a thin stroke between two pixels at half ink in one scan and
 * keeps it whole in the other, which made rescans differ by up to a third at this scale).
 */
function halve(g: Uint8Array, width: number, height: number): [Uint8Array, number, number] {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = r0 + width;
    for (let x = 0; x < w; x++) {
      out[y * w + x] = Math.min(
        g[r0 + 2 * x] ?? 255,
        g[r0 + 2 * x + 1] ?? 255,
        g[r1 + 2 * x] ?? 255,
        g[r1 + 2 * x + 1] ?? 255,
      );
    }
  }
  return [out, w, h];
}

/**
 * A page image in grey at the comparison scale, its margin left out, slightly blurred (grain); `dpi` is
 * the image's own resolution.
 */
export async function comparisonGrey(
  image: Buffer,
  dpi: number,
): Promise<{ grey: Uint8Array; width: number; height: number }> {
  const meta = await sharp(image).metadata();
  const w = meta.width;
  const h = meta.height;
  const left = Math.round(w * MARGIN);
  const top = Math.round(h * MARGIN);
  const k = (INK_PX_PER_MM * 25.4) / dpi;
  const { data, info } = await sharp(image)
    .extract({ left, top, width: w - 2 * left, height: h - 2 * top })
    .greyscale()
    .resize(Math.max(16, Math.round((w - 2 * left) * k)), Math.max(16, Math.round((h - 2 * top) * k)), {
      fit: 'fill',
    })
    .blur(1)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    grey: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

/** The features of one page image at the comparison scales; `dpi` is the image's own resolution. */
export async function pageInk(image: Buffer, dpi: number): Promise<PageInk> {
  const { grey, width, height } = await comparisonGrey(image, dpi);
  const columns = new Float64Array(width);
  const rows = new Float64Array(height);
  const histogram = new Uint32Array(256);
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      const v = grey[y * width + x] ?? 0;
      histogram[v] = (histogram[v] ?? 0) + 1;
      columns[x] = (columns[x] ?? 0) + 255 - v;
      row += 255 - v;
    }
    rows[y] = row;
  }
  const [half, hw, hh] = halve(grey, width, height);
  return { fine: plane(width, height, grey), coarse: plane(hw, hh, half), columns, rows, histogram };
}

/** The page turned by 180° (a sheet fed upside down): every array reversed. */
export function turnedPageInk(p: PageInk): PageInk {
  return rotatedPageInk(p, 180);
}

/** A plane of width × height turned clockwise by 90° or 270° (its width and height swap). */
function turnPlane(g: Uint8Array, width: number, height: number, rotation: 90 | 270): Uint8Array {
  const out = new Uint8Array(g.length);
  // New width = old height. Clockwise, new (x, y) = old (y, height − 1 − x); anticlockwise old (width − 1 − y, x).
  for (let y = 0; y < width; y++) {
    const r = y * height;
    for (let x = 0; x < height; x++) {
      out[r + x] =
        rotation === 90 ? (g[(height - 1 - x) * width + y] ?? 255) : (g[x * width + (width - 1 - y)] ?? 255);
    }
  }
  return out;
}

/**
 * The page turned clockwise by `rotation` (a sheet fed sideways or upside down): the planes turned, the
 * profiles swapped and reversed to match — the features are never computed again from the image.
 */
export function rotatedPageInk(p: PageInk, rotation: 0 | 90 | 180 | 270): PageInk {
  if (rotation === 0) return p;
  if (rotation === 180) {
    const turn = (q: GreyPlane): GreyPlane => ({
      width: q.width,
      height: q.height,
      grey: q.grey.slice().reverse(),
      low: q.low.slice().reverse(),
    });
    return {
      fine: turn(p.fine),
      coarse: turn(p.coarse),
      columns: p.columns.slice().reverse(),
      rows: p.rows.slice().reverse(),
      histogram: p.histogram,
    };
  }
  const turn = (q: GreyPlane): GreyPlane => ({
    width: q.height,
    height: q.width,
    grey: turnPlane(q.grey, q.width, q.height, rotation),
    // The 3 × 3 minimum turns with its plane.
    low: turnPlane(q.low, q.width, q.height, rotation),
  });
  return {
    fine: turn(p.fine),
    coarse: turn(p.coarse),
    // Clockwise, the new columns are the old rows bottom-up and the new rows the old columns.
    columns: rotation === 90 ? p.rows.slice().reverse() : p.rows.slice(),
    rows: rotation === 90 ? p.columns.slice() : p.columns.slice().reverse(),
    histogram: p.histogram,
  };
}

/**
 * Normalised cross-correlation of a[i] with b[i + d] over the indices where both exist: profiles of two
 * scans correlate whatever their brightness and contrast.
 */
function correlation(a: Float64Array, b: Float64Array, d: number, from: number, to: number): number {
  const i0 = Math.max(from, -d);
  const i1 = Math.min(to, b.length - d);
  const n = i1 - i0;
  if (n < 8) return -1;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = i0; i < i1; i++) {
    const x = a[i] ?? 0;
    const y = b[i + d] ?? 0;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  if (va <= 0 || vb <= 0) return -1;
  return (sab - (sa * sb) / n) / Math.sqrt(va * vb);
}

/** The shift in [centre − range, centre + range] that best lays b over a, with its correlation. */
function bestShift(
  a: Float64Array,
  b: Float64Array,
  centre: number,
  range: number,
  minOverlap: number,
): { shift: number; score: number; sub: number } {
  let shift = centre;
  let score = -Infinity;
  const scores = new Map<number, number>();
  for (let d = centre - range; d <= centre + range; d++) {
    const overlap = Math.min(a.length, b.length - d) - Math.max(0, -d);
    if (overlap < minOverlap) continue;
    const c = correlation(a, b, d, 0, a.length);
    scores.set(d, c);
    if (c > score) {
      score = c;
      shift = d;
    }
  }
  // A parabola through the peak and its neighbours: the shift to a fraction of a pixel.
  const l = scores.get(shift - 1);
  const r = scores.get(shift + 1);
  let sub = shift;
  if (l !== undefined && r !== undefined) {
    const den = l - 2 * score + r;
    if (den < 0) sub = shift + Math.max(-0.5, Math.min(0.5, (l - r) / (2 * den)));
  }
  return { shift, score, sub };
}

/** Where a fine-plane point of a lands in b: (x, y) + (dx, dy) with dx, dy affine in x and y. */
interface Alignment {
  readonly dx: readonly [number, number, number];
  readonly dy: readonly [number, number, number];
}

function at(m: Alignment, x: number, y: number): [number, number] {
  return [m.dx[0] + m.dx[1] * x + m.dx[2] * y, m.dy[0] + m.dy[1] * x + m.dy[2] * y];
}

/** Weighted least squares of v ≈ c0 + c1 x + c2 y (3 × 3 normal equations, Cramer's rule). */
function fitPlane(
  points: readonly { x: number; y: number; v: number; w: number }[],
): [number, number, number] | null {
  let s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, sv = 0, sxv = 0, syv = 0; // prettier-ignore
  for (const p of points) {
    s += p.w;
    sx += p.w * p.x;
    sy += p.w * p.y;
    sxx += p.w * p.x * p.x;
    sxy += p.w * p.x * p.y;
    syy += p.w * p.y * p.y;
    sv += p.w * p.v;
    sxv += p.w * p.x * p.v;
    syv += p.w * p.y * p.v;
  }
  const det = (m: number[]) =>
    (m[0] ?? 0) * ((m[4] ?? 0) * (m[8] ?? 0) - (m[5] ?? 0) * (m[7] ?? 0)) -
    (m[1] ?? 0) * ((m[3] ?? 0) * (m[8] ?? 0) - (m[5] ?? 0) * (m[6] ?? 0)) +
    (m[2] ?? 0) * ((m[3] ?? 0) * (m[7] ?? 0) - (m[4] ?? 0) * (m[6] ?? 0));
  const d = det([s, sx, sy, sx, sxx, sxy, sy, sxy, syy]);
  if (Math.abs(d) < 1e-9 * Math.max(1, s * sxx * syy)) return null;
  return [
    det([sv, sx, sy, sxv, sxx, sxy, syv, sxy, syy]) / d,
    det([s, sv, sy, sx, sxv, sxy, sy, syv, syy]) / d,
    det([s, sx, sv, sx, sxx, sxv, sy, sxy, syv]) / d,
  ];
}

/** Column (axis 'x') or row profile of darkness over a rectangle of a plane. */
function profile(
  p: GreyPlane,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  axis: 'x' | 'y',
): Float64Array {
  const out = new Float64Array(axis === 'x' ? x1 - x0 : y1 - y0);
  const g = p.grey;
  for (let y = y0; y < y1; y++) {
    const r = y * p.width;
    if (axis === 'x') {
      for (let x = x0; x < x1; x++) out[x - x0] = (out[x - x0] ?? 0) + 255 - (g[r + x] ?? 255);
    } else {
      let sum = 0;
      for (let x = x0; x < x1; x++) sum += 255 - (g[r + x] ?? 255);
      out[y - y0] = sum;
    }
  }
  return out;
}

/**
 * Aligns b to a: one global shift from the whole-page profiles, then a shift per block from the block's
 * own profiles at 2 px/mm, and an affine fit over the blocks that correlate well — residual skew and a
 * slightly other scale move far tiles by more than a global shift can say.
 */
export function align(a: PageInk, b: PageInk, exclude: CoarseRect | null = null): Alignment {
  const gx = bestShift(a.columns, b.columns, 0, GLOBAL_SEARCH, a.columns.length / 2).sub;
  const gy = bestShift(a.rows, b.rows, 0, GLOBAL_SEARCH, a.rows.length / 2).sub;
  const global: Alignment = { dx: [gx, 0, 0], dy: [gy, 0, 0] };
  const A = a.coarse;
  const B = b.coarse;
  const cx = Math.round(gx / 2);
  const cy = Math.round(gy / 2);
  const xs: { x: number; y: number; v: number; w: number }[] = [];
  const ys: { x: number; y: number; v: number; w: number }[] = [];
  for (let r = 0; r < BLOCKS.rows; r++) {
    for (let c = 0; c < BLOCKS.cols; c++) {
      // The block, less what b cannot cover with its search around the global shift.
      const x0 = Math.max(Math.floor((c * A.width) / BLOCKS.cols), BLOCK_SEARCH - cx);
      const x1 = Math.min(Math.floor(((c + 1) * A.width) / BLOCKS.cols), B.width - cx - BLOCK_SEARCH);
      const y0 = Math.max(Math.floor((r * A.height) / BLOCKS.rows), BLOCK_SEARCH - cy);
      const y1 = Math.min(Math.floor(((r + 1) * A.height) / BLOCKS.rows), B.height - cy - BLOCK_SEARCH);
      if (x1 - x0 < 16 || y1 - y0 < 16) continue; // b does not cover it
      // A block under a patch on one of the two says nothing about where the rest lies.
      if (exclude !== null && x0 < exclude.x1 && exclude.x0 < x1 && y0 < exclude.y1 && exclude.y0 < y1)
        continue;
      const bx0 = x0 + cx - BLOCK_SEARCH;
      const bx1 = x1 + cx + BLOCK_SEARCH;
      const by0 = y0 + cy - BLOCK_SEARCH;
      const by1 = y1 + cy + BLOCK_SEARCH;
      const centre = { x: x0 + x1, y: y0 + y1 }; // in fine pixels: 2 × the coarse centre
      const col = bestShift(
        profile(A, x0, y0, x1, y1, 'x'),
        profile(B, bx0, y0 + cy, bx1, y1 + cy, 'x'),
        BLOCK_SEARCH,
        BLOCK_SEARCH,
        1,
      );
      const row = bestShift(
        profile(A, x0, y0, x1, y1, 'y'),
        profile(B, x0 + cx, by0, x1 + cx, by1, 'y'),
        BLOCK_SEARCH,
        BLOCK_SEARCH,
        1,
      );
      // A block without structure along an axis (blank, one ruled line) says nothing about that axis.
      if (col.score > 0.7) xs.push({ ...centre, v: 2 * (col.sub - BLOCK_SEARCH + cx), w: col.score });
      if (row.score > 0.7) ys.push({ ...centre, v: 2 * (row.sub - BLOCK_SEARCH + cy), w: row.score });
    }
  }
  const robust = (points: typeof xs, fallback: number): [number, number, number] => {
    if (points.length < 6) return [fallback, 0, 0];
    const first = fitPlane(points);
    if (first === null) return [fallback, 0, 0];
    const kept = points.filter((p) => Math.abs(first[0] + first[1] * p.x + first[2] * p.y - p.v) <= 3);
    return (kept.length >= 6 ? fitPlane(kept) : null) ?? first;
  };
  return { dx: robust(xs, global.dx[0]), dy: robust(ys, global.dy[0]) };
}

/** Level of a histogram at a share of its pixels. */
function level(histogram: Uint32Array, share: number): number {
  let total = 0;
  for (const n of histogram) total += n;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] ?? 0;
    if (seen >= share * total) return v;
  }
  return 255;
}

function overlapHistogram(p: GreyPlane, x0: number, y0: number, x1: number, y1: number): Uint32Array {
  const h = new Uint32Array(256);
  for (let y = Math.max(0, y0); y < Math.min(p.height, y1); y++) {
    const r = y * p.width;
    for (let x = Math.max(0, x0); x < Math.min(p.width, x1); x++) {
      const v = p.grey[r + x] ?? 0;
      h[v] = (h[v] ?? 0) + 1;
    }
  }
  return h;
}

/**
 * Ink per grey level for each image. a's paper (90th percentile of grey) and darkest ink (0.5th) span
 * 0…255, the first 10 % above paper being grain. b's levels are first mapped onto a's by matching the
 * two histograms over the part both cover: a second pass through a scanner changes the tone curve —
 * brighter, darker, light greys clipped to white — and any such monotone change drops out, where a
 * gain-and-offset model left a grey photo darker in one scan than in the other.
 */
function toneTables(
  a: PageInk,
  b: PageInk,
  m: Alignment,
  exclude: CoarseRect | null = null,
): [Uint8Array, Uint8Array] {
  const [dx = 0, dy = 0] = at(m, a.fine.width / 2, a.fine.height / 2).map((v) => Math.round(v / 2));
  const A = a.coarse;
  const ha = overlapHistogram(A, -dx, -dy, b.coarse.width - dx, b.coarse.height - dy);
  const hb = overlapHistogram(b.coarse, dx, dy, A.width + dx, A.height + dy);
  if (exclude !== null) {
    // A patch's own tone (a yellow note) is not the scanner's tone curve: matched without it.
    const { x0, y0, x1, y1 } = exclude;
    const pa = overlapHistogram(A, Math.max(x0, -dx), Math.max(y0, -dy), x1, y1);
    const pb = overlapHistogram(b.coarse, Math.max(x0, -dx) + dx, Math.max(y0, -dy) + dy, x1 + dx, y1 + dy);
    for (let v = 0; v < 256; v++) {
      ha[v] = Math.max(0, (ha[v] ?? 0) - (pa[v] ?? 0));
      hb[v] = Math.max(0, (hb[v] ?? 0) - (pb[v] ?? 0));
    }
  }
  const paper = level(a.histogram, 0.9);
  const dark = level(a.histogram, 0.005);
  const scale = 255 / Math.max(1, paper - dark);
  const inkA = new Uint8Array(256);
  for (let v = 0; v < 256; v++) inkA[v] = Math.min(255, Math.max(0, Math.round((paper - v) * scale - 25)));
  const cumulative = (h: Uint32Array) => {
    const c = new Float64Array(256);
    let total = 0;
    for (const n of h) total += n;
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      // The middle of the level's own share, so a level that holds many pixels maps to its median.
      c[v] = (seen + (h[v] ?? 0) / 2) / Math.max(1, total);
      seen += h[v] ?? 0;
    }
    return c;
  };
  const ca = cumulative(ha);
  const cb = cumulative(hb);
  const inkB = new Uint8Array(256);
  let u = 0;
  for (let v = 0; v < 256; v++) {
    while (u < 255 && (ca[u] ?? 1) < (cb[v] ?? 0)) u++;
    inkB[v] = inkA[u] ?? 0;
  }
  return [inkA, inkB];
}

/** A rectangle of coarse-plane pixels of a, x1 and y1 exclusive. */
interface CoarseRect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Σ max(0, a − b̂) (a's ink b lacks), Σ max(0, b − â) (b's ink a lacks) and Σ (a + b) over a window of a against b shifted by (dx, dy),
 * in ink, and the window's area inside b. The spread forgives what a second pass moves by a pixel
 * (stroke weight, sub-pixel placement, JPEG ringing); a different glyph stays uncovered.
 */
function difference(
  a: GreyPlane,
  b: GreyPlane,
  inkA: Uint8Array,
  inkB: Uint8Array,
  w: Rect,
  dx: number,
  dy: number,
  step = 1,
): [number, number, number, number, number, number] {
  const y0 = Math.max(w.y0, -dy);
  const y1 = Math.min(w.y1, b.height - dy);
  const x0 = Math.max(w.x0, -dx);
  const x1 = Math.min(w.x1, b.width - dx);
  if (y1 <= y0 || x1 <= x0) return [0, 0, 0, 0, 0, 0];
  let missA = 0;
  let missB = 0;
  let darkA = 0;
  let darkB = 0;
  let sum = 0;
  const ag = a.grey;
  const al = a.low;
  const bg = b.grey;
  const bl = b.low;
  for (let y = y0; y < y1; y += step) {
    const ra = y * a.width;
    const rb = (y + dy) * b.width + dx;
    for (let x = x0; x < x1; x++) {
      const p = inkA[ag[ra + x] ?? 255] ?? 0;
      const q = inkB[bg[rb + x] ?? 255] ?? 0;
      if (p === 0 && q === 0) continue;
      const qHat = inkB[bl[rb + x] ?? 255] ?? 0;
      const pHat = inkA[al[ra + x] ?? 255] ?? 0;
      if (p > qHat) missA += p - qHat;
      if (q > pHat) missB += q - pHat;
      if (p >= STROKE) darkA++;
      if (q >= STROKE) darkB++;
      sum += p + q;
    }
  }
  return [missA, missB, sum, (y1 - y0) * (x1 - x0), darkA, darkB];
}

interface TileResult {
  readonly score: number;
  /** Any ink in the tile at the best shift (either image): a tile without is left out. */
  readonly inked: boolean;
  /** Pixels of a stroke (ink ≥ STROKE) in each image: a patch leaves one side next to none. */
  readonly darkA: number;
  readonly darkB: number;
}

/**
 * The tile searched ±radius around (cx, cy): the least difference, as a share of its ink. The predicted
 * place is measured first, and when its score is already at most `enough` the search is skipped: a
 * search can only lower it, and the caller needs no more. Otherwise the shift is chosen on every other
 * row (the rows agree on it) and only the chosen one is measured in full.
 */
function compareTile(
  a: GreyPlane,
  b: GreyPlane,
  inkA: Uint8Array,
  inkB: Uint8Array,
  tile: Rect,
  centre: readonly [number, number],
  radius: number,
  inkFloor: number,
  enough: number,
): TileResult | null {
  const [cx, cy] = centre;
  const full = (dx: number, dy: number): TileResult | null => {
    const [missA, missB, sum, area, darkA, darkB] = difference(a, b, inkA, inkB, tile, dx, dy);
    if (area < ((tile.x1 - tile.x0) * (tile.y1 - tile.y0)) / 2) return null; // mostly outside the other image
    // A tile with a little ink (a date line) is judged against a floor, or its noise would dominate.
    const score = (missA + missB) / Math.max(sum, area * inkFloor);
    return { score, inked: sum >= area * 2, darkA, darkB };
  };
  if (enough > 0) {
    const first = full(cx, cy);
    if (first !== null && first.score <= enough) return first;
  }
  let best = Infinity;
  let bx = cx;
  let by = cy;
  for (let dy = cy - radius; dy <= cy + radius; dy++) {
    for (let dx = cx - radius; dx <= cx + radius; dx++) {
      const [missA, missB, , area] = difference(a, b, inkA, inkB, tile, dx, dy, 2);
      const d = missA + missB;
      if (area > 0 && d < best) {
        best = d;
        bx = dx;
        by = dy;
      }
    }
  }
  return full(bx, by);
}

function tileRect(
  c: number,
  r: number,
  width: number,
  height: number,
  grid: InkCompareOptions['grid'],
): Rect {
  const g = grid ?? TILE_GRID;
  return {
    x0: Math.floor((c * width) / g.cols),
    x1: Math.floor(((c + 1) * width) / g.cols),
    y0: Math.floor((r * height) / g.rows),
    y1: Math.floor(((r + 1) * height) / g.rows),
  };
}

export interface InkCompareOptions {
  /** Stop once a tile is worse than this: the pair is already not a duplicate. */
  readonly stopAbove?: number;
  readonly inkFloor?: number;
  readonly grid?: { readonly cols: number; readonly rows: number };
  /** Coarse tile score that ends the comparison (default COARSE_REJECT; Infinity: always look fine). */
  readonly coarseReject?: number;
  /** Search around each tile's predicted place at 4 px/mm, in pixels (default 1). */
  readonly fineRadius?: number;
  /**
   * Look past a patch stuck on one of the two (a sticky note, a slip of paper): tiles over this score
   * that lie together in a rectangle where one image's ink is missing from the other (see `coverOf`) are
   * left out. Undefined: every tile counts.
   */
  readonly cover?: number;
}

/** A rectangle of tiles, columns c0…c1 and rows r0…r1 inclusive. */
export interface TileRect {
  readonly c0: number;
  readonly r0: number;
  readonly c1: number;
  readonly r1: number;
}

/**
 * What a patch stuck on a sheet (a sticky note, a slip of paper) does to the comparison, and what no
 * sibling form does. Tile by tile, one image shows (next to) no strokes where the other has some —
 * the patch hides print (a's strokes alone), or carries a line written over bare paper (b's alone) — a
 * tinted note being no stroke. Such one-sided tiles are at least ONE_SIDED_TILES of the differing ones
 * (the other side at most ONE_SIDED of the strokes) and hold PATCH_STROKES; a tile with strokes on both
 * sides lies only next to them (the patch's edge crosses it, or the writing crosses print); all differing
 * tiles fit in a rectangle of at least 2 × 2 tiles and at most MAX_COVER of the grid; and enough inked
 * tiles lie outside and agree (MIN_AGREE of them, at least MIN_AGREE_TILES). A sibling differs with
 * strokes on both sides (another name over the name), and another page differs everywhere. Measured in
 * bench/near-duplicates.bench.ts (notes over 3–20 % of the page, yellow or white, with or without
 * writing) and in the tests (a renamed sibling next to a noted rescan is not taken for one).
 */
const MAX_COVER = 0.35;
const ONE_SIDED = 0.2;
const ONE_SIDED_TILES = 0.5;
/**
 * Stroke pixels (at 4 px/mm) the one-sided tiles must hold, ~25 mm²: a sibling whose code differs by a
 * few digits differs by ~160.
 */
const PATCH_STROKES = 400;
const MIN_AGREE = 0.3;
const MIN_AGREE_TILES = 24;

/**
 * A tile that matched at 2 px/mm (coarse score at most ALIKE_COARSE: the same ink within half a
 * millimetre) but not at 4 px/mm around the predicted place is searched again ±WIDE_RADIUS fine pixels
 * (±0.75 mm): the affine model fitted to a few blocks can be off by more than a pixel over a whole
 * rescan (bench: a sideways licence rescanned brighter at JPEG 55, 0.37 → 0.05). A sibling's other name
 * or code already differs at 2 px/mm, so it is not searched wider.
 */
const WIDE_RADIUS = 3;
const ALIKE_COARSE = COARSE_REJECT / 2;

function rectArea(r: TileRect): number {
  return (r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1);
}

function grow(r: TileRect | null, c: number, row: number): TileRect {
  return r === null
    ? { c0: c, r0: row, c1: c, r1: row }
    : { c0: Math.min(r.c0, c), r0: Math.min(r.r0, row), c1: Math.max(r.c1, c), r1: Math.max(r.r1, row) };
}

function inside(r: TileRect, c: number, row: number): boolean {
  return c >= r.c0 && c <= r.c1 && row >= r.r0 && row <= r.r1;
}

interface TileScore {
  readonly c: number;
  readonly r: number;
  score: number;
  darkA: number;
  darkB: number;
}

/** The patch the differing tiles can be explained by, or null (see MAX_COVER). */
function coverOf(
  tiles: readonly TileScore[],
  bad: (t: TileScore) => boolean,
  grid: { cols: number; rows: number },
): TileRect | null {
  const differing = tiles.filter(bad);
  // Under a patch one image shows no strokes (print hidden; a line written on it over bare paper is
  // the other way round); another name over the name shows strokes in both.
  const isOneSided = (t: TileScore) => Math.min(t.darkA, t.darkB) <= ONE_SIDED * Math.max(t.darkA, t.darkB);
  const one = differing.filter(isOneSided);
  if (one.length < 2 || one.length < ONE_SIDED_TILES * differing.length) return null;
  let core: TileRect | null = null;
  let strokes = 0;
  for (const t of one) {
    core = grow(core, t.c, t.r);
    strokes += Math.abs(t.darkA - t.darkB);
  }
  if (core === null || strokes < PATCH_STROKES) return null;
  // Strokes on both sides only where the patch's edge crosses a tile (next to the one-sided ones): a
  // sibling's other name elsewhere is not explained by a note beside it.
  const k = core;
  const near = (t: TileScore) => t.c >= k.c0 - 1 && t.c <= k.c1 + 1 && t.r >= k.r0 - 1 && t.r <= k.r1 + 1;
  if (!differing.every(near)) return null;
  let rect: TileRect | null = null;
  for (const t of differing) rect = grow(rect, t.c, t.r);
  if (rect === null || rectArea(rect) > MAX_COVER * grid.cols * grid.rows) return null;
  // A patch spans tiles both ways; one odd tile (a longer name in a sibling) is no patch.
  if (rect.c1 === rect.c0 || rect.r1 === rect.r0) return null;
  const r = rect;
  const agree = tiles.filter((t) => !inside(r, t.c, t.r)).length;
  return agree >= Math.max(MIN_AGREE_TILES, MIN_AGREE * tiles.length) ? rect : null;
}

export interface InkComparison {
  /** The worst tile's difference: 0 the same ink everywhere, 1 nothing in common. */
  readonly score: number;
  /** That tile (column, row), or null when no tile has ink. */
  readonly tile: readonly [number, number] | null;
  /** 'coarse' when the 2 px/mm look already decided (a clearly other page). */
  readonly stage: 'coarse' | 'fine';
  /** The worst tile at 2 px/mm (of those looked at). */
  readonly coarse: number;
  /** The tiles left out as covered by a patch (with `cover`), or absent. */
  readonly covered?: TileRect;
}

/**
 * Compares two pages: aligned, tone-matched, then every inked tile — at 2 px/mm first (a tile over
 * `coarseReject` ends a pair that is clearly no duplicate), then at 4 px/mm around the place the affine
 * alignment predicts, worst coarse tiles first, so a sibling stops (over `stopAbove`) after a few tiles.
 */
export function compareInk(a: PageInk, b: PageInk, options: InkCompareOptions = {}): InkComparison {
  const {
    stopAbove = Infinity,
    inkFloor = INK_FLOOR,
    grid = TILE_GRID,
    fineRadius = 1,
    coarseReject = COARSE_REJECT,
    cover,
  } = options;
  let m = align(a, b);
  let [inkA, inkB] = toneTables(a, b, m);
  const tiles: TileScore[] = [];
  // With `cover`, tiles over the reject score are gathered while they can still be one patch.
  let coarseBad: TileRect | null = null;
  const tooBig = (r: TileRect | null) => r !== null && rectArea(r) > MAX_COVER * grid.cols * grid.rows;
  let coarseWorst = 0;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const tile = tileRect(c, r, a.coarse.width, a.coarse.height, grid);
      const [px, py] = at(m, tile.x0 + tile.x1, tile.y0 + tile.y1); // the tile's centre, fine pixels
      const t = compareTile(
        a.coarse,
        b.coarse,
        inkA,
        inkB,
        tile,
        [Math.round(px / 2), Math.round(py / 2)],
        1,
        inkFloor,
        // Only a tile over coarseReject matters here (the order of the fine look aside).
        Number.isFinite(coarseReject) ? coarseReject / 2 : 0,
      );
      if (t === null || !t.inked) continue;
      if (t.score > coarseReject) {
        coarseBad = grow(coarseBad, c, r);
        if (cover === undefined || tooBig(coarseBad))
          return { score: t.score, tile: [c, r], stage: 'coarse', coarse: t.score };
      }
      coarseWorst = Math.max(coarseWorst, t.score);
      // Stroke pixels counted in fine pixels (4 per coarse pixel), as the fine look would.
      tiles.push({ c, r, score: t.score, darkA: 4 * t.darkA, darkB: 4 * t.darkB });
    }
  }
  if (coarseBad !== null) {
    // A patch found at 2 px/mm pulls the alignment and the tone matching towards itself: both again
    // without it (and a tile round it, where its edge lies), for the fine look at the rest.
    const lo = tileRect(
      Math.max(0, coarseBad.c0 - 1),
      Math.max(0, coarseBad.r0 - 1),
      a.coarse.width,
      a.coarse.height,
      grid,
    );
    const hi = tileRect(
      Math.min(grid.cols - 1, coarseBad.c1 + 1),
      Math.min(grid.rows - 1, coarseBad.r1 + 1),
      a.coarse.width,
      a.coarse.height,
      grid,
    );
    const patch = { x0: lo.x0, y0: lo.y0, x1: hi.x1, y1: hi.y1 };
    m = align(a, b, patch);
    [inkA, inkB] = toneTables(a, b, m, patch);
  }
  const coarseScores = new Map(tiles.map((t) => [t, t.score]));
  const order = [...tiles].sort((x, y) => y.score - x.score);
  const fine = new Set<TileScore>();
  let worst: InkComparison = { score: 0, tile: null, stage: 'fine', coarse: coarseWorst };
  let fineBad: TileRect | null = null;
  const limit = cover ?? stopAbove;
  for (const t of order) {
    // A tile already over the reject score at 2 px/mm stays different: its coarse look decides.
    if (t.score > coarseReject) continue;
    const tile = tileRect(t.c, t.r, a.fine.width, a.fine.height, grid);
    const [px, py] = at(m, (tile.x0 + tile.x1) / 2, (tile.y0 + tile.y1) / 2);
    const centre = [Math.round(px), Math.round(py)] as const;
    const look = (radius: number, enough: number) =>
      compareTile(a.fine, b.fine, inkA, inkB, tile, centre, radius, inkFloor, enough);
    // Deciding against stopAbove, a tile well under it needs no search (the score stays an upper bound).
    let f = look(fineRadius, Number.isFinite(limit) ? limit / 2 : 0);
    if (f === null || !f.inked) continue;
    if (f.score > limit && t.score <= ALIKE_COARSE) {
      const wide = look(WIDE_RADIUS, 0);
      if (wide?.inked === true && wide.score < f.score) f = wide;
    }
    Object.assign(t, { score: f.score, darkA: f.darkA, darkB: f.darkB });
    fine.add(t);
    if (f.score > worst.score)
      worst = { score: f.score, tile: [t.c, t.r], stage: 'fine', coarse: coarseWorst };
    if (f.score > stopAbove) {
      if (cover === undefined) return worst;
      fineBad = grow(fineBad, t.c, t.r);
      const both =
        coarseBad === null
          ? fineBad
          : grow(grow(fineBad, coarseBad.c0, coarseBad.r0), coarseBad.c1, coarseBad.r1);
      if (tooBig(both)) return worst;
    }
  }
  if (cover === undefined) return worst;
  const looked = tiles.filter((t) => fine.has(t) || (coarseScores.get(t) ?? 0) > coarseReject);
  const isBad = (t: TileScore) => (fine.has(t) ? t.score > cover : (coarseScores.get(t) ?? 0) > coarseReject);
  if (!looked.some(isBad)) return worst;
  const patch = coverOf(looked, isBad, grid);
  if (patch === null) {
    // No patch explains it: the worst tile anywhere decides (a coarse one when that was worse).
    const coarseOnly = tiles.filter((t) => !fine.has(t));
    const c = coarseOnly.reduce<TileScore | null>((w, t) => (w === null || t.score > w.score ? t : w), null);
    if (c !== null && c.score > worst.score)
      return { score: c.score, tile: [c.c, c.r], stage: 'coarse', coarse: coarseWorst };
    return worst;
  }
  let rest: InkComparison = { score: 0, tile: null, stage: 'fine', coarse: coarseWorst, covered: patch };
  for (const t of fine) {
    if (!inside(patch, t.c, t.r) && t.score > rest.score)
      rest = { ...rest, score: t.score, tile: [t.c, t.r] };
  }
  return rest;
}

/** The worst tile's difference (see compareInk). */
export function inkDifference(a: PageInk, b: PageInk, options: InkCompareOptions = {}): number {
  return compareInk(a, b, options).score;
}
