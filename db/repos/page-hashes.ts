import type { Database, Statement } from 'better-sqlite3';
import { systemClock, type Clock } from './actor';

/** A live page of a volume with the images the near-duplicate check can read. */
export interface PageImages {
  readonly pageId: number;
  readonly seq: number;
  readonly original: string;
  /** The processed master and thumbnail, when the capture pipeline has made them. */
  readonly master: string | null;
  readonly thumb: string | null;
  readonly dpi: number | null;
  readonly isBlank: boolean;
  readonly isSeparator: boolean;
}

interface PageImagesRow {
  id: number;
  seq: number;
  blob_sha256: string;
  master_sha256: string | null;
  thumb_sha256: string | null;
  dpi: number | null;
  is_blank: number;
  is_separator: number;
}

/** The cache of migration 8: image hashes and close comparisons of image pairs, keyed by digest. */
export class PageHashesRepo {
  private readonly images: Statement<{ volumeId: number }, PageImagesRow>;
  private readonly getHash: Statement<{ sha256: string; algorithm: string }, { hash: Buffer }>;
  private readonly putHash: Statement<{ sha256: string; algorithm: string; hash: Buffer; now: string }>;
  private readonly getScore: Statement<{ a: string; b: string; algorithm: string }, { score: number }>;
  private readonly putScore: Statement<{
    a: string;
    b: string;
    algorithm: string;
    score: number;
    now: string;
  }>;

  constructor(
    db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.images = db.prepare(
      `SELECT p.id, p.seq, p.blob_sha256, pp.master_sha256, pp.thumb_sha256,
              min(p.dpi_x, p.dpi_y) AS dpi, p.is_blank, p.is_separator
       FROM pages p LEFT JOIN page_processing pp ON pp.page_id = p.id
       WHERE p.volume_id = @volumeId AND p.deleted_at IS NULL
       ORDER BY p.seq`,
    );
    this.getHash = db.prepare(
      'SELECT hash FROM image_hashes WHERE sha256 = @sha256 AND algorithm = @algorithm',
    );
    this.putHash = db.prepare(
      `INSERT INTO image_hashes (sha256, algorithm, hash, computed_at) VALUES (@sha256, @algorithm, @hash, @now)
       ON CONFLICT (sha256, algorithm) DO NOTHING`,
    );
    this.getScore = db.prepare(
      'SELECT score FROM image_pair_scores WHERE a_sha256 = @a AND b_sha256 = @b AND algorithm = @algorithm',
    );
    this.putScore = db.prepare(
      `INSERT INTO image_pair_scores (a_sha256, b_sha256, algorithm, score, computed_at)
       VALUES (@a, @b, @algorithm, @score, @now) ON CONFLICT DO NOTHING`,
    );
  }

  /** The volume's live pages in order, with their original, master and thumbnail digests. */
  pageImages(volumeId: number): PageImages[] {
    return this.images.all({ volumeId }).map((r) => ({
      pageId: r.id,
      seq: r.seq,
      original: r.blob_sha256,
      master: r.master_sha256,
      thumb: r.thumb_sha256,
      dpi: r.dpi,
      isBlank: r.is_blank === 1,
      isSeparator: r.is_separator === 1,
    }));
  }

  hash(sha256: string, algorithm: string): Uint8Array | null {
    const row = this.getHash.get({ sha256, algorithm });
    return row === undefined ? null : new Uint8Array(row.hash);
  }

  /** Stores a hash; an image's hash never changes, so a second store of the same key is ignored. */
  saveHash(sha256: string, algorithm: string, hash: Uint8Array): void {
    this.putHash.run({ sha256, algorithm, hash: Buffer.from(hash), now: this.now().toISOString() });
  }

  pairScore(x: string, y: string, algorithm: string): number | null {
    const [a, b] = x < y ? [x, y] : [y, x];
    return this.getScore.get({ a, b, algorithm })?.score ?? null;
  }

  savePairScore(x: string, y: string, algorithm: string, score: number): void {
    if (x === y) return; // the same image is the exact-digest check's
    const [a, b] = x < y ? [x, y] : [y, x];
    this.putScore.run({ a, b, algorithm, score, now: this.now().toISOString() });
  }
}
