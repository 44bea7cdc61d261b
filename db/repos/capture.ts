import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { systemClock, type Clock } from './actor';

export type ProcessingState = 'pending' | 'done' | 'failed';
export type CaptureProfile = 'color' | 'gray' | 'lineart';
export type CodeRole = 'volume-label' | 'patch-t' | 'other';
export type PageOpKind = 'rescan' | 'insert' | 'replace' | 'delete' | 'reorder' | 'rotate';

export interface CropBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Processing {
  readonly pageId: number;
  readonly state: ProcessingState;
  readonly profile: CaptureProfile;
  readonly arrivedAt: string;
  readonly processedAt: string | null;
  readonly masterSha256: string | null;
  readonly thumbSha256: string | null;
  readonly orientation: number | null;
  readonly skewDeg: number | null;
  readonly deskewed: boolean;
  readonly crop: CropBox | null;
  readonly blankScore: number | null;
  readonly lowDpi: boolean;
  readonly durationMs: number | null;
  readonly lastError: string | null;
  /** Automatic colour (migration 11): the page was scanned in colour for it. */
  readonly autoColour: boolean;
  readonly colourScore: number | null;
  /** What the master became (null until processed, and for pages processed before migration 11). */
  readonly masterMode: CaptureProfile | null;
}

export interface ProcessingResult {
  readonly masterSha256: string;
  readonly thumbSha256: string;
  readonly orientation: number;
  readonly skewDeg: number;
  readonly deskewed: boolean;
  readonly crop: CropBox | null;
  readonly blankScore: number;
  readonly lowDpi: boolean;
  readonly durationMs: number;
  readonly colourScore?: number | null;
  readonly masterMode?: CaptureProfile;
}

export interface FoundCode {
  readonly symbology: 'qr' | 'code39';
  readonly payload: string;
  readonly role: CodeRole;
}

export interface ImportedFile {
  readonly id: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  readonly volumeId: number;
  readonly pageIds: readonly number[];
  readonly takenAt: string;
}

export interface PageOp {
  readonly id: number;
  readonly volumeId: number;
  readonly op: PageOpKind;
  readonly params: Json;
  readonly undo: Json;
  readonly actor: string | null;
  readonly createdAt: string;
  readonly undoneAt: string | null;
}

interface ProcessingRow {
  page_id: number;
  state: ProcessingState;
  profile: CaptureProfile;
  arrived_at: string;
  processed_at: string | null;
  master_sha256: string | null;
  thumb_sha256: string | null;
  orientation: number | null;
  skew_deg: number | null;
  deskewed: number;
  crop: string | null;
  blank_score: number | null;
  low_dpi: number;
  duration_ms: number | null;
  last_error: string | null;
  auto_colour: number;
  colour_score: number | null;
  master_mode: CaptureProfile | null;
}

interface FileRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  volume_id: number;
  page_ids: string;
  taken_at: string;
}

interface OpRow {
  id: number;
  volume_id: number;
  op: PageOpKind;
  params: string;
  undo: string;
  actor: string | null;
  created_at: string;
  undone_at: string | null;
}

/**
 * Capture bookkeeping (migration 4): the processing state and results of each page, barcodes found on
 * pages, files taken from import folders, and the undo log of page operations. Callers combine these
 * with the pages and jobs repositories inside one transaction (better-sqlite3 nests them as savepoints).
 */
export class CaptureRepo {
  private readonly insertProcessing: Statement<{
    page_id: number;
    profile: CaptureProfile;
    now: string;
    auto_colour: number;
  }>;
  private readonly byPage: Statement<{ pageId: number }, ProcessingRow>;
  private readonly finish: Statement<
    Omit<
      ProcessingRow,
      'page_id' | 'state' | 'profile' | 'arrived_at' | 'last_error' | 'crop' | 'auto_colour'
    > & {
      page_id: number;
      crop: string | null;
    }
  >;
  private readonly markFailed: Statement<{ page_id: number; error: string; now: string }>;
  private readonly autoPageMode: Statement<{ page_id: number; master_mode: CaptureProfile }>;
  private readonly countStates: Statement<[], { state: ProcessingState; n: number }>;
  private readonly pendingIds: Statement<{ limit: number }, { page_id: number }>;
  private readonly insertCode: Statement<FoundCode & { page_id: number; now: string }>;
  private readonly codesOf: Statement<{ pageId: number }, FoundCode>;
  private readonly fileTaken: Statement<
    { path: string; size: number; mtime: number; sha256: string },
    FileRow
  >;
  private readonly digestIn: Statement<{ sha256: string; volumeId: number }, FileRow>;
  private readonly insertFile: Statement<Omit<FileRow, 'id'>>;
  private readonly insertOp: Statement<Omit<OpRow, 'id' | 'undone_at'>>;
  private readonly lastOp: Statement<{ volumeId: number }, OpRow>;
  private readonly opsOf: Statement<{ volumeId: number }, OpRow>;
  private readonly undone: Statement<{ id: number; now: string }>;
  private readonly restore: Statement<{ id: number; seq: number }>;
  private readonly shift: Statement<{ volumeId: number; from: number; by: number }>;
  private readonly maxSeq: Statement<{ volumeId: number }, { n: number }>;
  private readonly pageRow: Statement<
    { id: number },
    { volume_id: number; seq: number; deleted_at: string | null }
  >;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.insertProcessing = db.prepare(
      `INSERT INTO page_processing (page_id, state, profile, arrived_at, auto_colour)
       VALUES (@page_id, 'pending', @profile, @now, @auto_colour)`,
    );
    this.byPage = db.prepare('SELECT * FROM page_processing WHERE page_id = @pageId');
    this.finish = db.prepare(
      `UPDATE page_processing SET state = 'done', processed_at = @processed_at, master_sha256 = @master_sha256,
         thumb_sha256 = @thumb_sha256, orientation = @orientation, skew_deg = @skew_deg, deskewed = @deskewed,
         crop = @crop, blank_score = @blank_score, low_dpi = @low_dpi, duration_ms = @duration_ms, last_error = NULL,
         colour_score = @colour_score, master_mode = @master_mode
       WHERE page_id = @page_id`,
    );
    // An automatic-colour page is what its master became (it was captured as colour).
    this.autoPageMode = db.prepare(
      `UPDATE pages SET color_mode = CASE @master_mode WHEN 'lineart' THEN 'bw' ELSE @master_mode END
       WHERE id = @page_id AND EXISTS (SELECT 1 FROM page_processing WHERE page_id = @page_id AND auto_colour = 1)`,
    );
    this.markFailed = db.prepare(
      `UPDATE page_processing SET state = 'failed', last_error = @error, processed_at = @now WHERE page_id = @page_id`,
    );
    this.countStates = db.prepare('SELECT state, count(*) AS n FROM page_processing GROUP BY state');
    this.pendingIds = db.prepare(
      "SELECT page_id FROM page_processing WHERE state = 'pending' ORDER BY page_id LIMIT @limit",
    );
    this.insertCode = db.prepare(
      `INSERT INTO page_codes (page_id, symbology, payload, role, created_at) VALUES (@page_id, @symbology, @payload, @role, @now)`,
    );
    this.codesOf = db.prepare(
      'SELECT symbology, payload, role FROM page_codes WHERE page_id = @pageId ORDER BY id',
    );
    this.fileTaken = db.prepare(
      'SELECT * FROM imported_files WHERE path = @path AND size = @size AND mtime_ms = @mtime AND sha256 = @sha256',
    );
    this.digestIn = db.prepare(
      'SELECT * FROM imported_files WHERE sha256 = @sha256 AND volume_id = @volumeId ORDER BY id LIMIT 1',
    );
    this.insertFile = db.prepare(
      `INSERT INTO imported_files (path, size, mtime_ms, sha256, volume_id, page_ids, taken_at)
       VALUES (@path, @size, @mtime_ms, @sha256, @volume_id, @page_ids, @taken_at)`,
    );
    this.insertOp = db.prepare(
      `INSERT INTO page_ops (volume_id, op, params, undo, actor, created_at) VALUES (@volume_id, @op, @params, @undo, @actor, @created_at)`,
    );
    this.lastOp = db.prepare(
      'SELECT * FROM page_ops WHERE volume_id = @volumeId AND undone_at IS NULL ORDER BY id DESC LIMIT 1',
    );
    this.opsOf = db.prepare('SELECT * FROM page_ops WHERE volume_id = @volumeId ORDER BY id');
    this.undone = db.prepare('UPDATE page_ops SET undone_at = @now WHERE id = @id AND undone_at IS NULL');
    this.restore = db.prepare('UPDATE pages SET deleted_at = NULL, seq = @seq WHERE id = @id');
    this.shift = db.prepare(
      'UPDATE pages SET seq = seq + @by WHERE volume_id = @volumeId AND deleted_at IS NULL AND seq >= @from',
    );
    this.maxSeq = db.prepare(
      'SELECT COALESCE(MAX(seq), 0) AS n FROM pages WHERE volume_id = @volumeId AND deleted_at IS NULL',
    );
    this.pageRow = db.prepare('SELECT volume_id, seq, deleted_at FROM pages WHERE id = @id');
  }

  /**
   * Marks a just-captured page as waiting for processing (same transaction as the page row);
   * `autoColour`: its master is to be colour or grey by its content (a `color` page).
   */
  arrived(pageId: number, profile: CaptureProfile, autoColour = false): void {
    this.insertProcessing.run({
      page_id: pageId,
      profile,
      now: this.now().toISOString(),
      auto_colour: autoColour ? 1 : 0,
    });
  }

  processing(pageId: number): Processing | null {
    const row = this.byPage.get({ pageId });
    return row ? toProcessing(row) : null;
  }

  /** Records the results of processing; the blobs must be registered first. */
  processed(pageId: number, r: ProcessingResult, codes: readonly FoundCode[]): void {
    const changes = this.finish.run({
      page_id: pageId,
      processed_at: this.now().toISOString(),
      master_sha256: r.masterSha256,
      thumb_sha256: r.thumbSha256,
      orientation: r.orientation,
      skew_deg: r.skewDeg,
      deskewed: r.deskewed ? 1 : 0,
      crop: r.crop ? canonicalJson({ ...r.crop }) : null,
      blank_score: r.blankScore,
      low_dpi: r.lowDpi ? 1 : 0,
      duration_ms: r.durationMs,
      colour_score: r.colourScore ?? null,
      master_mode: r.masterMode ?? null,
    }).changes;
    if (changes === 0) throw notTracked(pageId);
    if (r.masterMode) this.autoPageMode.run({ page_id: pageId, master_mode: r.masterMode });
    const now = this.now().toISOString();
    for (const c of codes) this.insertCode.run({ page_id: pageId, ...c, now });
  }

  /**
   * Pages still waiting whose processing job has failed for good (the recovery after a crash gives up on
   * a job that was interrupted too often): marked failed, so they show up instead of waiting forever.
   */
  failAbandoned(kind: string): number {
    return this.db
      .prepare(
        `UPDATE page_processing SET state = 'failed', processed_at = @now,
           last_error = '处理多次被中断 / processing was interrupted too often'
         WHERE state = 'pending'
           AND page_id IN (SELECT json_extract(payload, '$.pageId') FROM jobs WHERE kind = @kind AND state = 'failed')
           AND page_id NOT IN (SELECT json_extract(payload, '$.pageId') FROM jobs WHERE kind = @kind AND state IN ('pending', 'running'))`,
      )
      .run({ kind, now: this.now().toISOString() }).changes;
  }

  /** Points a page at a new master image (a rotation by the operator, or its undo). */
  setMaster(pageId: number, masterSha256: string, thumbSha256: string | null): void {
    const changes = this.db
      .prepare(
        'UPDATE page_processing SET master_sha256 = @master, thumb_sha256 = COALESCE(@thumb, thumb_sha256) WHERE page_id = @pageId',
      )
      .run({ pageId, master: masterSha256, thumb: thumbSha256 }).changes;
    if (changes === 0) throw notTracked(pageId);
  }

  failed(pageId: number, error: string): void {
    this.markFailed.run({ page_id: pageId, error: error.slice(0, 4000), now: this.now().toISOString() });
  }

  codes(pageId: number): FoundCode[] {
    return this.codesOf.all({ pageId });
  }

  counts(): Record<ProcessingState, number> {
    const counts: Record<ProcessingState, number> = { pending: 0, done: 0, failed: 0 };
    for (const { state, n } of this.countStates.iterate()) counts[state] = n;
    return counts;
  }

  pending(limit = 1000): number[] {
    return this.pendingIds.all({ limit }).map((r) => r.page_id);
  }

  /**
   * Live pages processed since `since` whose orientation the image left open (no EXIF turn), not blank
   * nor a separator, in a volume of `states`, for which no `kind` job exists in any state: the checks a
   * crash lost (or that code before the check was queued in the processing commit never queued).
   */
  processedWithoutJob(kind: string, since: Date, states: readonly string[]): number[] {
    return this.db
      .prepare(
        `WITH queued AS (SELECT json_extract(payload, '$.pageId') AS page_id FROM jobs WHERE kind = @kind)
         SELECT pp.page_id FROM page_processing pp
           JOIN pages p ON p.id = pp.page_id
           JOIN volumes v ON v.id = p.volume_id
         WHERE pp.state = 'done' AND pp.processed_at >= @since AND COALESCE(pp.orientation, 0) = 0
           AND p.deleted_at IS NULL AND p.is_blank = 0 AND p.is_separator = 0
           AND v.state IN (SELECT value FROM json_each(@states))
           AND pp.page_id NOT IN (SELECT page_id FROM queued WHERE page_id IS NOT NULL)
         ORDER BY pp.page_id`,
      )
      .pluck()
      .all({ kind, since: since.toISOString(), states: JSON.stringify(states) }) as number[];
  }

  /** The record of this exact file (path, size, mtime and digest) if it was already taken. */
  fileTakenBefore(f: { path: string; size: number; mtimeMs: number; sha256: string }): ImportedFile | null {
    const row = this.fileTaken.get({ path: f.path, size: f.size, mtime: f.mtimeMs, sha256: f.sha256 });
    return row ? toFile(row) : null;
  }

  /** A file with these bytes already taken into the volume, under any name. */
  sameBytesIn(volumeId: number, sha256: string): ImportedFile | null {
    const row = this.digestIn.get({ sha256, volumeId });
    return row ? toFile(row) : null;
  }

  recordFile(f: Omit<ImportedFile, 'id' | 'takenAt'>): void {
    this.insertFile.run({
      path: f.path,
      size: f.size,
      mtime_ms: f.mtimeMs,
      sha256: f.sha256,
      volume_id: f.volumeId,
      page_ids: JSON.stringify(f.pageIds),
      taken_at: this.now().toISOString(),
    });
  }

  recordOp(op: { volumeId: number; op: PageOpKind; params: Json; undo: Json; actor: string | null }): PageOp {
    const row: Omit<OpRow, 'id' | 'undone_at'> = {
      volume_id: op.volumeId,
      op: op.op,
      params: canonicalJson(op.params),
      undo: canonicalJson(op.undo),
      actor: op.actor,
      created_at: this.now().toISOString(),
    };
    const id = Number(this.insertOp.run(row).lastInsertRowid);
    return toOp({ id, ...row, undone_at: null });
  }

  /** The latest operation of the volume not yet undone. */
  lastUndoable(volumeId: number): PageOp | null {
    const row = this.lastOp.get({ volumeId });
    return row ? toOp(row) : null;
  }

  ops(volumeId: number): PageOp[] {
    return this.opsOf.all({ volumeId }).map(toOp);
  }

  markUndone(opId: number): void {
    this.undone.run({ id: opId, now: this.now().toISOString() });
  }

  /** Brings a soft-deleted page back at `position`, moving the pages from there one place back. */
  restorePage(pageId: number, position: number): void {
    this.db.transaction(() => {
      const page = this.pageRow.get({ id: pageId });
      if (!page)
        throw new DomainError('page.not-found', text(`页面不存在：${pageId}`, `No such page: ${pageId}`));
      if (page.deleted_at === null) return;
      const max = this.maxSeq.get({ volumeId: page.volume_id })?.n ?? 0;
      const at = Math.min(Math.max(1, position), max + 1);
      if (at <= max) {
        // Through a temporary offset: SQLite checks the unique position index row by row.
        const offset = max + 1;
        this.shift.run({ volumeId: page.volume_id, from: at, by: offset });
        this.shift.run({ volumeId: page.volume_id, from: at + offset, by: 1 - offset });
      }
      this.restore.run({ id: pageId, seq: at });
    })();
  }
}

function notTracked(pageId: number): DomainError {
  return new DomainError(
    'capture.not-tracked',
    text(`页面 ${pageId} 没有处理记录`, `Page ${pageId} has no processing record`),
    { pageId },
  );
}

function toProcessing(row: ProcessingRow): Processing {
  return {
    pageId: row.page_id,
    state: row.state,
    profile: row.profile,
    arrivedAt: row.arrived_at,
    processedAt: row.processed_at,
    masterSha256: row.master_sha256,
    thumbSha256: row.thumb_sha256,
    orientation: row.orientation,
    skewDeg: row.skew_deg,
    deskewed: row.deskewed === 1,
    crop: row.crop === null ? null : (JSON.parse(row.crop) as CropBox),
    blankScore: row.blank_score,
    lowDpi: row.low_dpi === 1,
    durationMs: row.duration_ms,
    lastError: row.last_error,
    autoColour: row.auto_colour === 1,
    colourScore: row.colour_score,
    masterMode: row.master_mode,
  };
}

function toFile(row: FileRow): ImportedFile {
  return {
    id: row.id,
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256,
    volumeId: row.volume_id,
    pageIds: JSON.parse(row.page_ids) as number[],
    takenAt: row.taken_at,
  };
}

function toOp(row: OpRow): PageOp {
  return {
    id: row.id,
    volumeId: row.volume_id,
    op: row.op,
    params: JSON.parse(row.params) as Json,
    undo: JSON.parse(row.undo) as Json,
    actor: row.actor,
    createdAt: row.created_at,
    undoneAt: row.undone_at,
  };
}
