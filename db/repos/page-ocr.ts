import type { Database, Statement } from 'better-sqlite3';
import { systemClock, type Clock } from './actor';

export type OcrZone = 'title' | 'full';

export interface OcrWordBox {
  readonly text: string;
  readonly confidence: number;
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  /** Index of the text line the word belongs to (0-based, in reading order). */
  readonly line: number;
}

export interface PageOcr {
  readonly pageId: number;
  readonly zone: OcrZone;
  readonly state: 'done' | 'failed';
  /** The image that was read (the page's processed image when there is one). */
  readonly blobSha256: string;
  readonly text: string;
  readonly words: readonly OcrWordBox[];
  readonly confidence: number | null;
  readonly engine: string;
  readonly error: string | null;
  readonly attempts: number;
  readonly updatedAt: string;
}

export interface OcrHit {
  readonly pageId: number;
  readonly volumeId: number;
  readonly seq: number;
  readonly zone: OcrZone;
  readonly snippet: string;
}

interface Row {
  id: number;
  page_id: number;
  zone: OcrZone;
  state: 'done' | 'failed';
  blob_sha256: string;
  text: string;
  words: string;
  confidence: number | null;
  engine: string;
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;

/**
 * FTS5's unicode61 tokenizer would make a whole run of Chinese one token; indexing every CJK character
 * as its own token and searching for a phrase finds any substring of one or more characters.
 */
export function segmentForIndex(text: string): string {
  let out = '';
  for (const ch of text) out += CJK.test(ch) ? ` ${ch} ` : ch;
  return out.replace(/\s+/gu, ' ').trim();
}

function phraseQuery(query: string): string | null {
  const tokens = segmentForIndex(query.replace(/["*^:()]/gu, ' '))
    .split(' ')
    .filter((t) => t !== '');
  return tokens.length === 0 ? null : `"${tokens.join(' ')}"`;
}

/** OCR text per page and zone, with word boxes, and the full-text index over it. */
export class PageOcrRepo {
  private readonly upsert: Statement<
    Omit<Row, 'id' | 'created_at' | 'updated_at'> & { now: string },
    { id: number }
  >;
  private readonly byPage: Statement<{ pageId: number; zone: OcrZone }, Row>;
  private readonly ofVolume: Statement<{ volumeId: number; zone: OcrZone }, Row & { seq: number }>;
  private readonly ftsDelete: Statement<{ id: number }>;
  private readonly ftsInsert: Statement<{ id: number; body: string }>;
  private readonly searchAll: Statement<{ q: string; limit: number }, OcrHit>;
  private readonly searchVolume: Statement<{ q: string; limit: number; volumeId: number }, OcrHit>;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO page_ocr (page_id, zone, state, blob_sha256, text, words, confidence, engine, error, attempts, created_at, updated_at)
       VALUES (@page_id, @zone, @state, @blob_sha256, @text, @words, @confidence, @engine, @error, @attempts, @now, @now)
       ON CONFLICT (page_id, zone) DO UPDATE SET state = excluded.state, blob_sha256 = excluded.blob_sha256,
         text = excluded.text, words = excluded.words, confidence = excluded.confidence, engine = excluded.engine,
         error = excluded.error, attempts = excluded.attempts, updated_at = excluded.updated_at
       RETURNING id`,
    );
    this.byPage = db.prepare('SELECT * FROM page_ocr WHERE page_id = @pageId AND zone = @zone');
    this.ofVolume = db.prepare(
      `SELECT o.*, p.seq FROM page_ocr o JOIN pages p ON p.id = o.page_id
       WHERE p.volume_id = @volumeId AND p.deleted_at IS NULL AND o.zone = @zone ORDER BY p.seq`,
    );
    this.ftsDelete = db.prepare('DELETE FROM page_ocr_fts WHERE rowid = @id');
    this.ftsInsert = db.prepare('INSERT INTO page_ocr_fts (rowid, body) VALUES (@id, @body)');
    const search = (filter: string) =>
      `SELECT o.page_id AS pageId, p.volume_id AS volumeId, p.seq, o.zone,
         replace(snippet(page_ocr_fts, 0, '[', ']', '…', 12), ' ', '') AS snippet
       FROM page_ocr_fts f JOIN page_ocr o ON o.id = f.rowid JOIN pages p ON p.id = o.page_id
       WHERE page_ocr_fts MATCH @q AND p.deleted_at IS NULL ${filter}
       ORDER BY rank LIMIT @limit`;
    this.searchAll = db.prepare(search(''));
    this.searchVolume = db.prepare(search('AND p.volume_id = @volumeId'));
  }

  /** Stores a page's text (replacing an earlier reading of the same zone) and indexes it. */
  saveDone(input: {
    pageId: number;
    zone: OcrZone;
    blobSha256: string;
    text: string;
    words: readonly OcrWordBox[];
    confidence: number | null;
    engine: string;
    attempts: number;
  }): PageOcr {
    return this.save(input, {
      state: 'done',
      text: input.text,
      words: JSON.stringify(input.words),
      confidence: input.confidence,
      error: null,
    });
  }

  /** Marks a page whose OCR failed for good; it stays searchable by nothing and can be retried later. */
  saveFailed(input: {
    pageId: number;
    zone: OcrZone;
    blobSha256: string;
    error: string;
    engine: string;
    attempts: number;
  }): PageOcr {
    return this.save(input, {
      state: 'failed',
      text: '',
      words: '[]',
      confidence: null,
      error: input.error.slice(0, 2000),
    });
  }

  /** Writes a reading of a page's zone and replaces its index entry: a failed one is indexed by nothing. */
  private save(
    input: { pageId: number; zone: OcrZone; blobSha256: string; engine: string; attempts: number },
    reading: Pick<Row, 'state' | 'text' | 'words' | 'confidence' | 'error'>,
  ): PageOcr {
    return this.db.transaction(() => {
      const row = this.upsert.get({
        page_id: input.pageId,
        zone: input.zone,
        blob_sha256: input.blobSha256,
        engine: input.engine,
        attempts: input.attempts,
        ...reading,
        now: this.now().toISOString(),
      });
      if (!row) throw new Error('page_ocr upsert returned nothing'); // a bug
      this.ftsDelete.run({ id: row.id });
      if (reading.state === 'done') this.ftsInsert.run({ id: row.id, body: segmentForIndex(reading.text) });
      return this.getOrThrow(input.pageId, input.zone);
    })();
  }

  get(pageId: number, zone: OcrZone): PageOcr | null {
    const row = this.byPage.get({ pageId, zone });
    return row ? toPageOcr(row) : null;
  }

  /** The readings of a volume's live pages for one zone, in page order (pages without one are absent). */
  listForVolume(volumeId: number, zone: OcrZone): (PageOcr & { seq: number })[] {
    return this.ofVolume.all({ volumeId, zone }).map((r) => ({ ...toPageOcr(r), seq: r.seq }));
  }

  /** Pages whose text contains `query` (any length, Chinese or not), best first. */
  search(query: string, options: { volumeId?: number; limit?: number } = {}): OcrHit[] {
    const q = phraseQuery(query);
    if (q === null) return [];
    const limit = Math.max(1, Math.min(1000, Math.trunc(options.limit ?? 50)));
    return options.volumeId === undefined
      ? this.searchAll.all({ q, limit })
      : this.searchVolume.all({ q, limit, volumeId: options.volumeId });
  }

  private getOrThrow(pageId: number, zone: OcrZone): PageOcr {
    const got = this.get(pageId, zone);
    if (got === null) throw new Error('page_ocr row missing right after writing it'); // a bug
    return got;
  }
}

function toPageOcr(row: Row): PageOcr {
  return {
    pageId: row.page_id,
    zone: row.zone,
    state: row.state,
    blobSha256: row.blob_sha256,
    text: row.text,
    words: JSON.parse(row.words) as OcrWordBox[],
    confidence: row.confidence,
    engine: row.engine,
    error: row.error,
    attempts: row.attempts,
    updatedAt: row.updated_at,
  };
}
