import type { Database, Statement } from 'better-sqlite3';
import { systemClock, type Clock } from './actor';

export type FormLayout = 'table' | 'lines' | 'none';

/** What OCR read in a page's form cells (migration 10). */
export interface FormReading {
  readonly pageId: number;
  /** The image read (the page's processed image when there is one). */
  readonly blobSha256: string;
  readonly layout: FormLayout;
  readonly codeLabel: string | null;
  /** Readings of the code cell, one per pass. */
  readonly codeReadings: readonly string[];
  readonly nameText: string;
  /** The valid code the readings show, if any. */
  readonly uscc: string | null;
  readonly engine: string;
  readonly durationMs: number;
  readonly readAt: string;
}

interface Row {
  page_id: number;
  blob_sha256: string;
  layout: FormLayout;
  code_label: string | null;
  code_text: string;
  name_text: string;
  uscc: string | null;
  engine: string;
  duration_ms: number;
  read_at: string;
}

function toReading(r: Row): FormReading {
  return {
    pageId: r.page_id,
    blobSha256: r.blob_sha256,
    layout: r.layout,
    codeLabel: r.code_label,
    codeReadings: r.code_text === '' ? [] : r.code_text.split('\n'),
    nameText: r.name_text,
    uscc: r.uscc,
    engine: r.engine,
    durationMs: r.duration_ms,
    readAt: r.read_at,
  };
}

export class FormReadingsRepo {
  private readonly upsert: Statement;
  private readonly byPage: Statement;
  private readonly byVolume: Statement;

  constructor(
    db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.upsert = db.prepare(`
      INSERT INTO page_form_readings (page_id, blob_sha256, layout, code_label, code_text, name_text, uscc,
        engine, duration_ms, read_at)
      VALUES (@pageId, @blobSha256, @layout, @codeLabel, @codeText, @nameText, @uscc, @engine, @durationMs, @readAt)
      ON CONFLICT (page_id) DO UPDATE SET blob_sha256 = excluded.blob_sha256, layout = excluded.layout,
        code_label = excluded.code_label, code_text = excluded.code_text, name_text = excluded.name_text,
        uscc = excluded.uscc, engine = excluded.engine, duration_ms = excluded.duration_ms,
        read_at = excluded.read_at`);
    this.byPage = db.prepare('SELECT * FROM page_form_readings WHERE page_id = ?');
    this.byVolume = db.prepare(`
      SELECT r.*, p.seq FROM page_form_readings r JOIN pages p ON p.id = r.page_id
      WHERE p.volume_id = ? AND p.deleted_at IS NULL ORDER BY p.seq`);
  }

  save(r: Omit<FormReading, 'readAt'>): void {
    this.upsert.run({
      pageId: r.pageId,
      blobSha256: r.blobSha256,
      layout: r.layout,
      codeLabel: r.codeLabel,
      codeText: r.codeReadings.map((t) => t.replace(/\n/gu, ' ')).join('\n'),
      nameText: r.nameText,
      uscc: r.uscc,
      engine: r.engine,
      durationMs: Math.max(0, Math.round(r.durationMs)),
      readAt: this.now().toISOString(),
    });
  }

  get(pageId: number): FormReading | null {
    const row = this.byPage.get(pageId) as Row | undefined;
    return row === undefined ? null : toReading(row);
  }

  /** The volume's live pages' readings with their position, in page order. */
  listForVolume(volumeId: number): (FormReading & { readonly seq: number })[] {
    return (this.byVolume.all(volumeId) as (Row & { seq: number })[]).map((r) => ({
      ...toReading(r),
      seq: r.seq,
    }));
  }
}
