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
/** Names the algorithm and its parameters in the cache, so another choice never reads old hashes. */
export function hashAlgorithm(spec: HashSpec = PAGE_HASH): string {
  return `phash-${spec.size}-${spec.keep}`;
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

/** The hash of an encoded image (JPEG, PNG, TIFF), as stored: thumbnail or master. */
export async function pageHash(image: Buffer, spec: HashSpec = PAGE_HASH): Promise<Uint8Array> {
  const grey = await sharp(image)
    .rotate() // EXIF orientation, as the page is shown
    .greyscale()
    .resize(spec.size, spec.size, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return hashGrey(grey, spec);
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
