import type { BlobStore } from '../../db/blob-store';
import type { PageHashesRepo, PageImages } from '../../db/repos/page-hashes';
import { INK_FLOOR, INK_PX_PER_MM, inkDifference, inkImage, TILE_GRID, type InkImage } from './ink-compare';
import { hammingDistance, hashAlgorithm, pageHash } from './page-hash';

/**
 * Thresholds, from bench/near-duplicates.bench.ts on demo sheets scanned twice (new placement, skew,
 * grain, JPEG quality, brightness) against template siblings (the same form filled in for another
 * enterprise). The hash only picks candidates, so its bound is generous; the ink comparison decides.
 */
export interface NearDuplicateThresholds {
  /** Largest Hamming distance (of 255 bits) for two pages to be compared closely. */
  readonly hashDistance: number;
  /** Largest worst-tile ink difference for a pair to be reported. */
  readonly inkDifference: number;
}

export const NEAR_DUPLICATE_THRESHOLDS: NearDuplicateThresholds = { hashDistance: 72, inkDifference: 0.08 };

/** Names the close comparison and its parameters in image_pair_scores (another choice, other rows). */
export const INK_ALGORITHM = `ink-${INK_PX_PER_MM}-${TILE_GRID.cols}x${TILE_GRID.rows}-f${INK_FLOOR}`;

export interface NearDuplicatePair {
  /** Page positions, first < second. */
  readonly first: number;
  readonly second: number;
  readonly hashDistance: number;
  readonly inkDifference: number;
}

export interface NearDuplicateResult {
  readonly pairs: readonly NearDuplicatePair[];
  /** Content pages without a hash yet, or in a candidate pair not compared yet: `prepare` first. */
  readonly unchecked: readonly number[];
}

/** The result, or null when the image cannot be decoded (or its blob read). */
async function attempt<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch {
    return null;
  }
}

/** Pages the check looks at: content pages (blank pages are flagged separately, separators are ours). */
function candidates(pages: readonly PageImages[]): PageImages[] {
  return pages.filter((p) => !p.isBlank && !p.isSeparator);
}

/** The image a page's hash is taken from: the small thumbnail when there is one. */
function hashSource(p: PageImages): string {
  return p.thumb ?? p.master ?? p.original;
}

/** The image compared closely: the processed master (deskewed, cropped), else the capture. */
function compareSource(p: PageImages): string {
  return p.master ?? p.original;
}

/**
 * Near-duplicate images in a volume: a perceptual hash per page (cached by image digest in
 * image_hashes) picks pairs whose layout is alike; each such pair is compared closely at a fixed scale
 * (cached in image_pair_scores), so a second scan of one sheet is found and a sibling form is not.
 * Hashes and comparisons are computed lazily when a volume is checked, not while capturing.
 */
export class NearDuplicateFinder {
  constructor(
    private readonly hashes: PageHashesRepo,
    private readonly blobs: BlobStore,
    private readonly thresholds: NearDuplicateThresholds = NEAR_DUPLICATE_THRESHOLDS,
  ) {}

  /** Computes what the cache lacks for the volume: hashes, then the close comparisons of candidate pairs. */
  async prepare(volumeId: number): Promise<void> {
    const pages = candidates(this.hashes.pageImages(volumeId));
    const algorithm = hashAlgorithm();
    for (const p of pages) {
      const source = hashSource(p);
      if (this.hashes.hash(source, algorithm) !== null) continue;
      const hash = await attempt(async () => pageHash(this.blobs.read(source)));
      // An image that cannot be read stays unhashed: the check lists its page as not compared.
      if (hash !== null) this.hashes.saveHash(source, algorithm, hash);
    }
    const inks = new Map<string, InkImage | null>();
    const ink = async (p: PageImages) => {
      const source = compareSource(p);
      let image = inks.get(source);
      if (image === undefined) {
        image = await attempt(async () => inkImage(this.blobs.read(source), p.dpi ?? 300));
        inks.set(source, image);
      }
      return image;
    };
    for (const [a, b] of this.candidatePairs(pages)) {
      const x = compareSource(a);
      const y = compareSource(b);
      if (this.hashes.pairScore(x, y, INK_ALGORITHM) !== null) continue;
      const inkA = await ink(a);
      const inkB = await ink(b);
      if (inkA === null || inkB === null) continue; // unreadable: the pair stays not compared
      // A sibling stops at its first different tile; only a real duplicate is compared in full.
      const score = inkDifference(inkA, inkB, { stopAbove: this.thresholds.inkDifference });
      this.hashes.savePairScore(x, y, INK_ALGORITHM, Math.min(1, score));
    }
  }

  /** What the cache says about the volume now (synchronous: the machine checks read it). */
  find(volumeId: number): NearDuplicateResult {
    const pages = candidates(this.hashes.pageImages(volumeId));
    const algorithm = hashAlgorithm();
    const unchecked = new Set<number>();
    for (const p of pages) if (this.hashes.hash(hashSource(p), algorithm) === null) unchecked.add(p.seq);
    const pairs: NearDuplicatePair[] = [];
    for (const [a, b, hashDistance] of this.candidatePairs(pages)) {
      const score = this.hashes.pairScore(compareSource(a), compareSource(b), INK_ALGORITHM);
      if (score === null) {
        unchecked.add(a.seq).add(b.seq);
      } else if (score <= this.thresholds.inkDifference) {
        pairs.push({ first: a.seq, second: b.seq, hashDistance, inkDifference: score });
      }
    }
    return { pairs, unchecked: [...unchecked].sort((x, y) => x - y) };
  }

  /** Pairs of hashed pages with different images whose hashes are within the bound. */
  private candidatePairs(pages: readonly PageImages[]): [PageImages, PageImages, number][] {
    const algorithm = hashAlgorithm();
    const hashed = pages
      .map((p) => ({ p, h: this.hashes.hash(hashSource(p), algorithm) }))
      .filter((x): x is { p: PageImages; h: Uint8Array } => x.h !== null);
    const out: [PageImages, PageImages, number][] = [];
    for (let i = 0; i < hashed.length; i++) {
      for (let j = i + 1; j < hashed.length; j++) {
        const a = hashed[i];
        const b = hashed[j];
        if (a === undefined || b === undefined) continue;
        // The same image twice is the exact check's finding, not a near duplicate.
        if (a.p.original === b.p.original || compareSource(a.p) === compareSource(b.p)) continue;
        const d = hammingDistance(a.h, b.h);
        if (d <= this.thresholds.hashDistance) out.push([a.p, b.p, d]);
      }
    }
    return out;
  }
}
