import type { BlobStore } from '../../db/blob-store';
import type { PageHashesRepo, PageImages } from '../../db/repos/page-hashes';
import {
  compareInk,
  INK_FLOOR,
  INK_PX_PER_MM,
  pageInk,
  rotatedPageInk,
  TILE_GRID,
  type PageInk,
  type TileRect,
} from './ink-compare';
import {
  HASH_KINDS,
  nearestHash,
  pageHashes,
  rotatedHashAlgorithm,
  ROTATIONS,
  type PageHashSet,
  type Rotation,
} from './page-hash';

/**
 * Thresholds, from bench/near-duplicates.bench.ts on demo sheets scanned twice (new placement, skew,
 * grain, JPEG quality, brightness, upside down or sideways, on a white lid, with a note stuck on it)
 * against template siblings (the same form filled in for another enterprise, or with only another name
 * and code). The hash only picks
 * candidates, so its bound is generous; the ink comparison decides. Measured: rescans ≤ 0.040, siblings
 * ≥ 0.090 (those renamed only; others ≥ 0.135); 0.06 lies between them on a ratio scale.
 */
export interface NearDuplicateThresholds {
  /** Largest Hamming distance (of 255 bits) for two pages to be compared closely. */
  readonly hashDistance: number;
  /** Largest worst-tile ink difference for a pair to be reported. */
  readonly inkDifference: number;
}

export const NEAR_DUPLICATE_THRESHOLDS: NearDuplicateThresholds = { hashDistance: 72, inkDifference: 0.06 };

/**
 * Names the close comparison and its parameters in image_pair_scores (another choice, other rows). v2:
 * affine alignment, tone matching, 2 px/mm first; v3: tiles under a patch stuck on one scan left out;
 * v4: a tile alike at 2 px/mm searched wider at 4 px/mm (scores of earlier versions are not reused).
 */
export const INK_ALGORITHM = `ink4-${INK_PX_PER_MM}-${TILE_GRID.cols}x${TILE_GRID.rows}-f${INK_FLOOR}`;
/** The share of the page's tiles a pair's score left out as under a patch, when it left any out. */
export const COVER_ALGORITHM = `${INK_ALGORITHM}-covered`;

export interface NearDuplicatePair {
  /** Page positions, first < second. */
  readonly first: number;
  readonly second: number;
  readonly hashDistance: number;
  readonly inkDifference: number;
  /** The second was scanned the other way up or sideways (`rotation` ≠ 0). */
  readonly turned: boolean;
  /** How far the second is turned clockwise to lie over the first. */
  readonly rotation: Rotation;
  /** Share of the page left out as hidden by a patch on one of the two (a sticky note), when any. */
  readonly covered?: number;
}

export interface NearDuplicateResult {
  readonly pairs: readonly NearDuplicatePair[];
  /** Content pages without a hash yet, or in a candidate pair not compared yet: `prepare` first. */
  readonly unchecked: readonly number[];
}

function tileArea(r: TileRect): number {
  return (r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1);
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
    for (const p of pages) {
      if (this.hashesOf(p) !== null) continue;
      const source = hashSource(p);
      const hashes = await attempt(async () => pageHashes(this.blobs.read(source)));
      // An image that cannot be read stays unhashed: the check lists its page as not compared.
      if (hashes === null) continue;
      for (const kind of HASH_KINDS)
        for (const r of ROTATIONS)
          this.hashes.saveHash(source, rotatedHashAlgorithm(kind, r), hashes[kind][r]);
    }
    const pairs = this.candidatePairs(pages).filter(
      ([a, b]) => this.hashes.pairScore(compareSource(a), compareSource(b), INK_ALGORITHM) === null,
    );
    // Each page's features are computed once and dropped after its last pair: a long volume never holds
    // more than the pages still waiting for a comparison.
    const waiting = new Map<string, number>();
    for (const [a, b] of pairs)
      for (const x of [a, b]) waiting.set(compareSource(x), (waiting.get(compareSource(x)) ?? 0) + 1);
    const features = new Map<string, PageInk | null>();
    const ink = async (p: PageImages) => {
      const source = compareSource(p);
      let image = features.get(source);
      if (image === undefined) {
        image = await attempt(async () => pageInk(this.blobs.read(source), p.dpi ?? 300));
        features.set(source, image);
      }
      return image;
    };
    const done = (p: PageImages) => {
      const source = compareSource(p);
      const left = (waiting.get(source) ?? 1) - 1;
      waiting.set(source, left);
      if (left <= 0) features.delete(source);
    };
    for (const [a, b, , rotation] of pairs) {
      const inkA = await ink(a);
      const inkB = await ink(b);
      if (inkA !== null && inkB !== null) {
        // A sibling stops at its first different tile; only a real duplicate is compared in full.
        const c = compareInk(inkA, rotatedPageInk(inkB, rotation), {
          stopAbove: this.thresholds.inkDifference,
          cover: this.thresholds.inkDifference,
        });
        if (c.covered !== undefined) {
          const share = tileArea(c.covered) / (TILE_GRID.cols * TILE_GRID.rows);
          this.hashes.savePairScore(compareSource(a), compareSource(b), COVER_ALGORITHM, share);
        }
        this.hashes.savePairScore(compareSource(a), compareSource(b), INK_ALGORITHM, Math.min(1, c.score));
      } // else unreadable: the pair stays not compared
      done(a);
      done(b);
    }
  }

  /** What the cache says about the volume now (synchronous: the machine checks read it). */
  find(volumeId: number): NearDuplicateResult {
    const pages = candidates(this.hashes.pageImages(volumeId));
    const unchecked = new Set<number>();
    for (const p of pages) if (this.hashesOf(p) === null) unchecked.add(p.seq);
    const pairs: NearDuplicatePair[] = [];
    for (const [a, b, hashDistance, rotation] of this.candidatePairs(pages)) {
      const score = this.hashes.pairScore(compareSource(a), compareSource(b), INK_ALGORITHM);
      if (score === null) {
        unchecked.add(a.seq).add(b.seq);
      } else if (score <= this.thresholds.inkDifference) {
        const turned = rotation !== 0;
        const covered = this.hashes.pairScore(compareSource(a), compareSource(b), COVER_ALGORITHM);
        pairs.push({
          first: a.seq,
          second: b.seq,
          hashDistance,
          inkDifference: score,
          turned,
          rotation,
          ...(covered === null ? {} : { covered }),
        });
      }
    }
    return { pairs, unchecked: [...unchecked].sort((x, y) => x - y) };
  }

  /** A page's hashes (each kind, each rotation), or null while any is missing. */
  private hashesOf(p: PageImages): PageHashSet | null {
    const set: Partial<Record<(typeof HASH_KINDS)[number], Record<Rotation, Uint8Array>>> = {};
    for (const kind of HASH_KINDS) {
      const read = (r: Rotation) => this.hashes.hash(hashSource(p), rotatedHashAlgorithm(kind, r));
      const [r0, r90, r180, r270] = [read(0), read(90), read(180), read(270)];
      // Hashes cached before sideways sheets were looked for lack 90° and 270°: computed again then.
      if (r0 === null || r90 === null || r180 === null || r270 === null) return null;
      set[kind] = { 0: r0, 90: r90, 180: r180, 270: r270 };
    }
    const { whole, box } = set;
    return whole === undefined || box === undefined ? null : { whole, box };
  }

  /**
   * Pairs of hashed pages with different images whose hashes (of either kind, the second page turned
   * any way) are within the bound, with the nearest distance and the rotation that gives it.
   */
  private candidatePairs(pages: readonly PageImages[]): [PageImages, PageImages, number, Rotation][] {
    const hashed = pages
      .map((p) => ({ p, h: this.hashesOf(p) }))
      .filter((x): x is { p: PageImages; h: PageHashSet } => x.h !== null);
    const out: [PageImages, PageImages, number, Rotation][] = [];
    for (let i = 0; i < hashed.length; i++) {
      for (let j = i + 1; j < hashed.length; j++) {
        const a = hashed[i];
        const b = hashed[j];
        if (a === undefined || b === undefined) continue;
        // The same image twice is the exact check's finding, not a near duplicate.
        if (a.p.original === b.p.original || compareSource(a.p) === compareSource(b.p)) continue;
        const { distance, rotation } = nearestHash(a.h, b.h);
        if (distance <= this.thresholds.hashDistance) out.push([a.p, b.p, distance, rotation]);
      }
    }
    return out;
  }
}
