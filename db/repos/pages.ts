import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { AuditLog } from '../audit-log';
import { SHA256_HEX } from '../digest';
import { actorFields, systemClock, type Actor, type Clock } from './actor';
import { volumeNotFound } from './volumes';

export type ColorMode = 'color' | 'gray' | 'bw';
export type Side = 'front' | 'back';
export const TRANSFORM_KINDS = ['rotate', 'deskew', 'crop', 'despeckle', 'threshold', 'orient'] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

/** Image bytes already durably in the blob store (db/blob-store.ts), described for the catalogue. */
export interface BlobInfo {
  readonly sha256: string;
  readonly sm3?: string | null;
  readonly size: number;
  readonly mediaType: string;
}

export interface Capture {
  readonly blob: BlobInfo;
  readonly width?: number;
  readonly height?: number;
  readonly dpiX?: number;
  readonly dpiY?: number;
  readonly colorMode?: ColorMode;
  readonly side?: Side;
  readonly batchId?: number;
}

export interface Page {
  readonly id: number;
  readonly volumeId: number;
  /** 1-based position among the volume's live pages. */
  readonly seq: number;
  readonly blobSha256: string;
  readonly batchId: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly dpiX: number | null;
  readonly dpiY: number | null;
  readonly colorMode: ColorMode | null;
  readonly side: Side | null;
  readonly blankScore: number | null;
  readonly isBlank: boolean;
  readonly isSeparator: boolean;
  readonly labelFound: string | null;
  readonly capturedAt: string;
  readonly deletedAt: string | null;
}

export interface PageFlags {
  readonly isBlank?: boolean;
  readonly blankScore?: number | null;
  readonly isSeparator?: boolean;
  readonly labelFound?: string | null;
}

export interface PageTransform {
  readonly id: number;
  readonly pageId: number;
  readonly seq: number;
  readonly kind: TransformKind;
  readonly params: Json;
  readonly resultSha256: string | null;
  readonly createdBy: number | null;
  readonly createdAt: string;
}

interface PageRow {
  id: number;
  volume_id: number;
  seq: number;
  blob_sha256: string;
  batch_id: number | null;
  width: number | null;
  height: number | null;
  dpi_x: number | null;
  dpi_y: number | null;
  color_mode: ColorMode | null;
  side: Side | null;
  blank_score: number | null;
  is_blank: number;
  is_separator: number;
  label_found: string | null;
  captured_at: string;
  deleted_at: string | null;
}

interface TransformRow {
  id: number;
  page_id: number;
  seq: number;
  kind: TransformKind;
  params: string;
  result_sha256: string | null;
  created_by: number | null;
  created_at: string;
}

function pageNotFound(id: number): DomainError {
  return new DomainError('page.not-found', text(`页面不存在：${id}`, `No such page: ${id}`), { id });
}

/**
 * Pages of a volume, in order. `addCaptured` is the commit that acknowledges a captured page: the blob
 * row and the page row go in together. Originals are never replaced: processing appends transforms.
 *
 * Live pages hold the positions 1..n (a partial unique index); a deleted page keeps its old position for
 * the record. Renumbering moves the affected pages out of the way first (by a temporary offset beyond
 * the highest position), because SQLite checks the unique index row by row.
 */
export class PagesRepo {
  private readonly insertBlob: Statement<{
    sha256: string;
    sm3: string | null;
    size: number;
    media_type: string;
    now: string;
  }>;
  private readonly blobExists: Statement<{ sha256: string }, { sha256: string }>;
  private readonly volumeExists: Statement<{ id: number }, { id: number }>;
  private readonly batchState: Statement<{ id: number }, { state: string }>;
  private readonly maxSeq: Statement<{ volumeId: number }, { n: number }>;
  private readonly insertPage: Statement<
    Omit<PageRow, 'id' | 'blank_score' | 'is_blank' | 'is_separator' | 'label_found' | 'deleted_at'>
  >;
  private readonly byId: Statement<{ id: number }, PageRow>;
  private readonly live: Statement<{ volumeId: number }, PageRow>;
  private readonly shift: Statement<{ volumeId: number; from: number; by: number }>;
  private readonly setSeq: Statement<{ id: number; seq: number }>;
  private readonly setVolumeSeq: Statement<{ id: number; volumeId: number; seq: number }>;
  private readonly markDeleted: Statement<{ id: number; now: string }>;
  private readonly updateFlags: Statement<{
    id: number;
    is_blank: number;
    blank_score: number | null;
    is_separator: number;
    label_found: string | null;
  }>;
  private readonly maxTransformSeq: Statement<{ pageId: number }, { n: number }>;
  private readonly insertTransform: Statement<Omit<TransformRow, 'id'>>;
  private readonly transformsOf: Statement<{ pageId: number }, TransformRow>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
  ) {
    this.insertBlob = db.prepare(
      `INSERT OR IGNORE INTO blobs (sha256, sm3, size, media_type, created_at) VALUES (@sha256, @sm3, @size, @media_type, @now)`,
    );
    this.blobExists = db.prepare('SELECT sha256 FROM blobs WHERE sha256 = @sha256');
    this.volumeExists = db.prepare('SELECT id FROM volumes WHERE id = @id');
    this.batchState = db.prepare('SELECT state FROM batches WHERE id = @id');
    this.maxSeq = db.prepare(
      'SELECT COALESCE(MAX(seq), 0) AS n FROM pages WHERE volume_id = @volumeId AND deleted_at IS NULL',
    );
    this.insertPage = db.prepare(
      `INSERT INTO pages (volume_id, seq, blob_sha256, batch_id, width, height, dpi_x, dpi_y, color_mode, side, captured_at)
       VALUES (@volume_id, @seq, @blob_sha256, @batch_id, @width, @height, @dpi_x, @dpi_y, @color_mode, @side, @captured_at)`,
    );
    this.byId = db.prepare('SELECT * FROM pages WHERE id = @id');
    this.live = db.prepare(
      'SELECT * FROM pages WHERE volume_id = @volumeId AND deleted_at IS NULL ORDER BY seq',
    );
    this.shift = db.prepare(
      'UPDATE pages SET seq = seq + @by WHERE volume_id = @volumeId AND deleted_at IS NULL AND seq >= @from',
    );
    this.setSeq = db.prepare('UPDATE pages SET seq = @seq WHERE id = @id');
    this.setVolumeSeq = db.prepare('UPDATE pages SET volume_id = @volumeId, seq = @seq WHERE id = @id');
    this.markDeleted = db.prepare('UPDATE pages SET deleted_at = @now WHERE id = @id AND deleted_at IS NULL');
    this.updateFlags = db.prepare(
      `UPDATE pages SET is_blank = @is_blank, blank_score = @blank_score, is_separator = @is_separator,
         label_found = @label_found WHERE id = @id`,
    );
    this.maxTransformSeq = db.prepare(
      'SELECT COALESCE(MAX(seq), 0) AS n FROM page_transforms WHERE page_id = @pageId',
    );
    this.insertTransform = db.prepare(
      `INSERT INTO page_transforms (page_id, seq, kind, params, result_sha256, created_by, created_at)
       VALUES (@page_id, @seq, @kind, @params, @result_sha256, @created_by, @created_at)`,
    );
    this.transformsOf = db.prepare('SELECT * FROM page_transforms WHERE page_id = @pageId ORDER BY seq');
  }

  /** Records that a blob exists (idempotent). Its bytes must already be durably in the blob store. */
  addBlob(blob: BlobInfo): void {
    checkBlob(blob);
    this.insertBlob.run({
      sha256: blob.sha256,
      sm3: blob.sm3 ?? null,
      size: blob.size,
      media_type: blob.mediaType,
      now: this.now().toISOString(),
    });
  }

  /** Appends a captured page at the end of the volume. When this returns, the page is committed. */
  addCaptured(capture: Capture & { readonly volumeId: number }): Page {
    return this.db.transaction(() => {
      const seq = this.maxSeqOf(capture.volumeId) + 1;
      return this.insertAtSeq(capture.volumeId, seq, capture);
    })();
  }

  /** Inserts a page at `position` (1..n+1), moving the pages from there on one place back. */
  insertAt(volumeId: number, position: number, capture: Capture, actor: Actor): Page {
    return this.db.transaction(() => {
      const n = this.maxSeqOf(volumeId);
      if (!Number.isInteger(position) || position < 1 || position > n + 1) {
        throw new DomainError(
          'pages.invalid-position',
          text(
            `插入位置应在 1 到 ${n + 1} 之间：${position}`,
            `The position must be between 1 and ${n + 1}: ${position}`,
          ),
          { volumeId, position, pages: n },
        );
      }
      this.move(volumeId, position, n, 1);
      const page = this.insertAtSeq(volumeId, position, capture);
      this.audit.append({
        ...actorFields(actor),
        action: 'page.insert',
        objectType: 'volume',
        objectId: volumeId,
        outcome: 'ok',
        details: { pageId: page.id, position, sha256: page.blobSha256 },
      });
      return page;
    })();
  }

  get(pageId: number): Page {
    const row = this.byId.get({ id: pageId });
    if (!row) throw pageNotFound(pageId);
    return toPage(row);
  }

  /** The live pages of a volume, in order. */
  list(volumeId: number): Page[] {
    return this.live.all({ volumeId }).map(toPage);
  }

  /** Puts the live pages in the given order; the ids must be exactly the live pages (`pages.reorder-mismatch`). */
  reorder(volumeId: number, pageIdsInNewOrder: readonly number[], actor: Actor): Page[] {
    return this.db.transaction(() => {
      this.assertVolume(volumeId);
      const current = this.live.all({ volumeId }).map((r) => r.id);
      const wanted = new Set(pageIdsInNewOrder);
      if (
        wanted.size !== pageIdsInNewOrder.length ||
        current.length !== pageIdsInNewOrder.length ||
        !current.every((id) => wanted.has(id))
      ) {
        throw new DomainError(
          'pages.reorder-mismatch',
          text(
            '新的页序必须恰好包含本卷的全部现有页面，且每页一次',
            "The new order must list each of the volume's live pages exactly once",
          ),
          { volumeId, expected: current, got: [...pageIdsInNewOrder] },
        );
      }
      const n = current.length;
      this.shift.run({ volumeId, from: 1, by: n + 1 }); // out of the way: positions n+2 .. 2n+1
      pageIdsInNewOrder.forEach((id, i) => this.setSeq.run({ id, seq: i + 1 }));
      this.audit.append({
        ...actorFields(actor),
        action: 'page.reorder',
        objectType: 'volume',
        objectId: volumeId,
        outcome: 'ok',
        details: { from: current, to: [...pageIdsInNewOrder] },
      });
      return this.list(volumeId);
    })();
  }

  /**
   * Moves live pages of one volume to the end of another, in the order given, keeping the rows (and so
   * their processing, codes and transforms); the source's remaining pages close up. Audited `page.move`.
   */
  moveToVolume(pageIds: readonly number[], targetVolumeId: number, actor: Actor): Page[] {
    return this.db.transaction(() => {
      this.assertVolume(targetVolumeId);
      const pages = pageIds.map((id) => this.get(id));
      const source = pages[0]?.volumeId;
      if (source === undefined) return [];
      if (
        new Set(pageIds).size !== pageIds.length ||
        pages.some((p) => p.volumeId !== source || p.deletedAt !== null)
      ) {
        throw new DomainError(
          'pages.move-mismatch',
          text(
            '只能移动同一案卷中的现有页面，且每页一次',
            'Only live pages of one volume can be moved, each once',
          ),
          { pageIds: [...pageIds] },
        );
      }
      if (source === targetVolumeId) return pages;
      const base = this.maxSeqOf(targetVolumeId);
      pages.forEach((p, i) =>
        this.setVolumeSeq.run({ id: p.id, volumeId: targetVolumeId, seq: base + i + 1 }),
      );
      const rest = this.live.all({ volumeId: source });
      this.shift.run({ volumeId: source, from: 1, by: (rest.at(-1)?.seq ?? 0) + 1 });
      rest.forEach((r, i) => this.setSeq.run({ id: r.id, seq: i + 1 }));
      this.audit.append({
        ...actorFields(actor),
        action: 'page.move',
        objectType: 'volume',
        objectId: source,
        outcome: 'ok',
        details: { to: targetVolumeId, pageIds: [...pageIds], from: pages.map((p) => p.seq) },
      });
      return pageIds.map((id) => this.get(id));
    })();
  }

  /** Removes a page from the volume (the row and its blob stay) and closes the gap. Idempotent. */
  softDelete(pageId: number, actor: Actor): void {
    this.db.transaction(() => {
      const page = this.get(pageId);
      if (this.markDeleted.run({ id: pageId, now: this.now().toISOString() }).changes === 0) return;
      this.move(page.volumeId, page.seq + 1, this.maxSeqOf(page.volumeId), -1);
      this.audit.append({
        ...actorFields(actor),
        action: 'page.delete',
        objectType: 'volume',
        objectId: page.volumeId,
        outcome: 'ok',
        details: { pageId, seq: page.seq, sha256: page.blobSha256 },
      });
    })();
  }

  /** Machine findings about a page (blank detection, separator sheet, our QR label). Unset fields keep their value. */
  setFlags(pageId: number, flags: PageFlags): Page {
    return this.db.transaction(() => {
      const page = this.get(pageId);
      this.updateFlags.run({
        id: pageId,
        is_blank: (flags.isBlank ?? page.isBlank) ? 1 : 0,
        blank_score: flags.blankScore === undefined ? page.blankScore : flags.blankScore,
        is_separator: (flags.isSeparator ?? page.isSeparator) ? 1 : 0,
        label_found: flags.labelFound === undefined ? page.labelFound : flags.labelFound,
      });
      return this.get(pageId);
    })();
  }

  /** Appends a processing step; the original blob is never touched. A result blob must be registered first (`addBlob`). */
  addTransform(
    pageId: number,
    transform: { kind: TransformKind; params: Json; resultSha256?: string },
    actor: Actor,
  ): PageTransform {
    if (!(TRANSFORM_KINDS as readonly string[]).includes(transform.kind)) {
      throw new DomainError(
        'page.invalid-transform',
        text(`未知的图像处理类型：${transform.kind}`, `Unknown image transform: ${transform.kind}`),
        { kind: transform.kind },
      );
    }
    return this.db.transaction(() => {
      this.get(pageId);
      const result = transform.resultSha256 ?? null;
      if (result !== null && !this.blobExists.get({ sha256: result })) {
        throw new DomainError(
          'blob.unknown',
          text(`图像未登记：${result}`, `Blob not registered: ${result}`),
          {
            sha256: result,
          },
        );
      }
      const row: Omit<TransformRow, 'id'> = {
        page_id: pageId,
        seq: (this.maxTransformSeq.get({ pageId })?.n ?? 0) + 1,
        kind: transform.kind,
        params: canonicalJson(transform.params),
        result_sha256: result,
        created_by: actor.userId,
        created_at: this.now().toISOString(),
      };
      const id = Number(this.insertTransform.run(row).lastInsertRowid);
      this.audit.append({
        ...actorFields(actor),
        action: 'page.transform',
        objectType: 'page',
        objectId: pageId,
        outcome: 'ok',
        details: { seq: row.seq, kind: row.kind, params: transform.params, resultSha256: result },
      });
      return toTransform({ id, ...row });
    })();
  }

  /** The processing steps of a page, in the order they apply. */
  transforms(pageId: number): PageTransform[] {
    return this.transformsOf.all({ pageId }).map(toTransform);
  }

  private insertAtSeq(volumeId: number, seq: number, capture: Capture): Page {
    this.assertVolume(volumeId);
    if (capture.batchId !== undefined) this.assertBatchOpen(capture.batchId);
    this.addBlob(capture.blob);
    const id = Number(
      this.insertPage.run({
        volume_id: volumeId,
        seq,
        blob_sha256: capture.blob.sha256,
        batch_id: capture.batchId ?? null,
        width: capture.width ?? null,
        height: capture.height ?? null,
        dpi_x: capture.dpiX ?? null,
        dpi_y: capture.dpiY ?? null,
        color_mode: capture.colorMode ?? null,
        side: capture.side ?? null,
        captured_at: this.now().toISOString(),
      }).lastInsertRowid,
    );
    return this.get(id);
  }

  /** Moves the live pages at positions `from`..`max` by `delta`, through a temporary offset. */
  private move(volumeId: number, from: number, max: number, delta: 1 | -1): void {
    if (from > max) return;
    const offset = max + 1;
    this.shift.run({ volumeId, from, by: offset });
    this.shift.run({ volumeId, from: from + offset, by: delta - offset });
  }

  private maxSeqOf(volumeId: number): number {
    return this.maxSeq.get({ volumeId })?.n ?? 0;
  }

  private assertVolume(volumeId: number): void {
    if (!this.volumeExists.get({ id: volumeId })) throw volumeNotFound(volumeId);
  }

  private assertBatchOpen(batchId: number): void {
    const batch = this.batchState.get({ id: batchId });
    if (batch?.state !== 'open') {
      throw new DomainError(
        batch ? 'batch.not-open' : 'batch.not-found',
        batch
          ? text(`扫描批次 ${batchId} 已结束`, `Scanning batch ${batchId} is no longer open`)
          : text(`扫描批次不存在：${batchId}`, `No such scanning batch: ${batchId}`),
        { batchId },
      );
    }
  }
}

function checkBlob(blob: BlobInfo): void {
  const sm3 = blob.sm3 ?? null;
  const ok =
    SHA256_HEX.test(blob.sha256) &&
    (sm3 === null || SHA256_HEX.test(sm3)) &&
    Number.isSafeInteger(blob.size) &&
    blob.size >= 0 &&
    blob.mediaType.trim() !== '';
  if (!ok) {
    throw new DomainError(
      'blob.invalid',
      text('图像摘要或大小无效', 'Invalid blob digest, size or media type'),
      {
        sha256: blob.sha256,
      },
    );
  }
}

function toPage(row: PageRow): Page {
  return {
    id: row.id,
    volumeId: row.volume_id,
    seq: row.seq,
    blobSha256: row.blob_sha256,
    batchId: row.batch_id,
    width: row.width,
    height: row.height,
    dpiX: row.dpi_x,
    dpiY: row.dpi_y,
    colorMode: row.color_mode,
    side: row.side,
    blankScore: row.blank_score,
    isBlank: row.is_blank === 1,
    isSeparator: row.is_separator === 1,
    labelFound: row.label_found,
    capturedAt: row.captured_at,
    deletedAt: row.deleted_at,
  };
}

function toTransform(row: TransformRow): PageTransform {
  return {
    id: row.id,
    pageId: row.page_id,
    seq: row.seq,
    kind: row.kind,
    params: JSON.parse(row.params) as Json,
    resultSha256: row.result_sha256,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
