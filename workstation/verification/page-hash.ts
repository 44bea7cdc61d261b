import sharp from 'sharp';

/**
 * A perceptual hash of a page image (pHash): the image in grey, scaled to SIZE × SIZE, its 2-D DCT-II,
 * and the KEEP × KEEP lowest frequencies (the DC term aside) each compared with their median, one bit
 * each. It survives what a second pass through the scanner changes — noise, JPEG quality, brightness
 * and contrast (the median absorbs a gain; DC is left out), a slight residual shift — while the layout
 * of text lines and form fields decides the bits.
 *
 * Hand-written rather than a package: the DCT of a small square is a few lines, and the installed
 * packages (sharp) give the resampling.
 */
export interface HashSpec {
  readonly size: number;
  readonly keep: number;
}

/** Chosen by measurement (bench/near-duplicates.bench.ts): 64 × 64, 16 × 16 frequencies = 255 bits. */
export const PAGE_HASH: HashSpec = { size: 64, keep: 16 };
/**
 * What a hash is taken over: the whole image (as stored), or the page's content box (contentBox), which
 * the crop does not change. Each misses what the other catches — the whole image a sheet left on a white
 * lid, the box a page whose faint footer one scan shows and the other not — so a pair is a candidate when
 * either lies near.
 */
export const HASH_KINDS = ['whole', 'box'] as const;
export type HashKind = (typeof HASH_KINDS)[number];

/** Names the algorithm and its parameters in the cache, so another choice never reads old hashes. */
export function hashAlgorithm(kind: HashKind = 'whole', spec: HashSpec = PAGE_HASH): string {
  return `phash-${kind === 'box' ? 'box-' : ''}${spec.size}-${spec.keep}`;
}

/**
 * How far the second of two pages is turned against the first, clockwise: a sheet fed upside down (180)
 * or sideways (90, 270) is the same sheet.
 */
export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

/** Names the hash of the image turned by 180° (a sheet fed upside down) in the cache. */
export function turnedHashAlgorithm(kind: HashKind = 'whole', spec: HashSpec = PAGE_HASH): string {
  return `${hashAlgorithm(kind, spec)}-turned`;
}

/** Names the hash of the image turned by `rotation` in the cache (0: the upright hash; 180: `…-turned`). */
export function rotatedHashAlgorithm(kind: HashKind, rotation: Rotation, spec: HashSpec = PAGE_HASH): string {
  if (rotation === 0) return hashAlgorithm(kind, spec);
  if (rotation === 180) return turnedHashAlgorithm(kind, spec);
  return `${hashAlgorithm(kind, spec)}-r${rotation}`;
}

/**
 * A square of n × n grey pixels turned clockwise by `rotation`. Scaling to a square and turning commute,
 * so this is the hash input of the turned image (its content box turns with it) without a second decode.
 */
export function rotateSquare(grey: Uint8Array, n: number, rotation: Rotation): Uint8Array {
  if (rotation === 0) return grey;
  if (rotation === 180) return grey.slice().reverse();
  const out = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // Clockwise, the new row y is the old column y read bottom-up; anticlockwise, old column n−1−y.
      out[y * n + x] = rotation === 90 ? (grey[(n - 1 - x) * n + y] ?? 0) : (grey[x * n + (n - 1 - y)] ?? 0);
    }
  }
  return out;
}

const cosines = new Map<string, Float64Array>();

/** cos(π (2x + 1) u / 2N) for u < keep, x < N, cached per size. */
function cosineTable(n: number, keep: number): Float64Array {
  const key = `${n}/${keep}`;
  let t = cosines.get(key);
  if (t === undefined) {
    t = new Float64Array(keep * n);
    for (let u = 0; u < keep; u++)
      for (let x = 0; x < n; x++) t[u * n + x] = Math.cos((Math.PI * (2 * x + 1) * u) / (2 * n));
    cosines.set(key, t);
  }
  return t;
}

/** The hash of grey pixels already scaled to spec.size × spec.size (row-major, one byte each). */
export function hashGrey(grey: Uint8Array, spec: HashSpec = PAGE_HASH): Uint8Array {
  const { size: n, keep } = spec;
  if (grey.length !== n * n) throw new Error(`expected ${n * n} grey pixels, got ${grey.length}`);
  const c = cosineTable(n, keep);
  // Separable DCT, only the low frequencies: rows first (n × keep), then columns (keep × keep).
  const rows = new Float64Array(n * keep);
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < keep; u++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += (grey[y * n + x] ?? 0) * (c[u * n + x] ?? 0);
      rows[y * keep + u] = s;
    }
  }
  const coeffs: number[] = [];
  for (let v = 0; v < keep; v++) {
    for (let u = 0; u < keep; u++) {
      if (u === 0 && v === 0) continue; // DC: the page's mean brightness
      let s = 0;
      for (let y = 0; y < n; y++) s += (rows[y * keep + u] ?? 0) * (c[v * n + y] ?? 0);
      coeffs.push(s);
    }
  }
  const sorted = [...coeffs].sort((a, b) => a - b);
  const median = ((sorted[(sorted.length - 1) >> 1] ?? 0) + (sorted[sorted.length >> 1] ?? 0)) / 2;
  const bits = new Uint8Array(Math.ceil(coeffs.length / 8));
  coeffs.forEach((v, i) => {
    if (v > median) bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return bits;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where the page's own content lies: the box of dark pixels (32 levels under the paper, its 90th
 * percentile) that are not connected to the image's edge — the dark backing a crop leaves, the corners
 * a deskew uncovers — less the outermost DUST of them on each side. Null when there is next to
 * no content (the whole image is then hashed). Hashing this box, not the whole image, makes the hash
 * independent of the crop: the same sheet cropped tightly or left on a white lid hashes alike.
 */
/**
 * Share of the content's dark pixels left out on each side of its box: a dust speck, not a page number
 * (a share of 0.2 % cut a faint footer in one scan and not in the other).
 */
const DUST = 0.0005;

export function contentBox(grey: Uint8Array, width: number, height: number): Box | null {
  const histogram = new Uint32Array(256);
  for (const v of grey) histogram[v] = (histogram[v] ?? 0) + 1;
  let seen = 0;
  let paper = 255;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] ?? 0;
    if (seen >= 0.9 * grey.length) {
      paper = v;
      break;
    }
  }
  const dark = paper - 32;
  // Flood the dark pixels reachable from the edge (4-connected), with an explicit stack.
  const outside = new Uint8Array(grey.length);
  const stack = new Int32Array(grey.length);
  let top = 0;
  const push = (i: number) => {
    if (outside[i] === 0 && (grey[i] ?? 255) < dark) {
      outside[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (top > 0) {
    const i = stack[--top] ?? 0;
    const x = i % width;
    if (x > 0) push(i - 1);
    if (x + 1 < width) push(i + 1);
    if (i >= width) push(i - width);
    if (i + width < grey.length) push(i + width);
  }
  const columns = new Uint32Array(width);
  const rows = new Uint32Array(height);
  let total = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (outside[i] === 0 && (grey[i] ?? 255) < dark) {
        columns[x] = (columns[x] ?? 0) + 1;
        rows[y] = (rows[y] ?? 0) + 1;
        total++;
      }
    }
  }
  if (total < 0.002 * grey.length) return null;
  const bounds = (counts: Uint32Array): [number, number] => {
    let lo = 0;
    for (let s = 0; lo < counts.length - 1 && (s += counts[lo] ?? 0) <= DUST * total; ) lo++;
    let hi = counts.length - 1;
    for (let s = 0; hi > lo && (s += counts[hi] ?? 0) <= DUST * total; ) hi--;
    return [lo, hi];
  };
  const [x0, x1] = bounds(columns);
  const [y0, y1] = bounds(rows);
  if (x1 - x0 < 8 || y1 - y0 < 8) return null;
  return { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

async function greyOf(image: Buffer): Promise<{ grey: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(image)
    .rotate() // EXIF orientation, as the page is shown
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel, got ${info.channels}`);
  return {
    grey: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

async function scaled(
  page: { grey: Uint8Array; width: number; height: number },
  box: Box | null,
  spec: HashSpec,
): Promise<Uint8Array> {
  const out = await sharp(page.grey, { raw: { width: page.width, height: page.height, channels: 1 } })
    .extract(box ?? { left: 0, top: 0, width: page.width, height: page.height })
    .resize(spec.size, spec.size, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The hash of an encoded image (JPEG, PNG, TIFF), as stored — thumbnail or master — over all of it. */
export async function pageHash(image: Buffer, spec: HashSpec = PAGE_HASH): Promise<Uint8Array> {
  return hashGrey(await scaled(await greyOf(image), null, spec), spec);
}

/** A page's hashes of each kind, of the image as stored and turned by each rotation. */
export type PageHashSet = Readonly<Record<HashKind, Readonly<Record<Rotation, Uint8Array>>>>;

/**
 * The hashes of an image over the whole and over its content box, as stored and turned by 90°, 180° and
 * 270°, from one decode: a sheet fed the other way round or sideways is the same sheet, and its turned
 * hash is what lies near the first scan's.
 */
export async function pageHashes(image: Buffer, spec: HashSpec = PAGE_HASH): Promise<PageHashSet> {
  const page = await greyOf(image);
  const all = async (box: Box | null) => {
    const grey = await scaled(page, box, spec);
    const [r0, r90, r180, r270] = ROTATIONS.map((r) => hashGrey(rotateSquare(grey, spec.size, r), spec));
    if (r0 === undefined || r90 === undefined || r180 === undefined || r270 === undefined)
      throw new Error('four rotations expected');
    return { 0: r0, 90: r90, 180: r180, 270: r270 };
  };
  return { whole: await all(null), box: await all(contentBox(page.grey, page.width, page.height)) };
}

/**
 * The nearest two pages come, of either kind, the first as stored against the second turned each way;
 * `rotation` turns the second to lie over the first.
 */
export function nearestHash(a: PageHashSet, b: PageHashSet): { distance: number; rotation: Rotation } {
  let best: { distance: number; rotation: Rotation } = { distance: Infinity, rotation: 0 };
  for (const kind of HASH_KINDS) {
    for (const rotation of ROTATIONS) {
      const d = hammingDistance(a[kind][0], b[kind][rotation]);
      if (d < best.distance) best = { distance: d, rotation };
    }
  }
  return best;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let v = i; v > 0; v >>= 1) n += v & 1;
  return n;
});

/** Bits that differ between two hashes of the same spec. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error('hashes of different lengths');
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT[(a[i] ?? 0) ^ (b[i] ?? 0)] ?? 0;
  return d;
}
