import sharp from 'sharp';
import type { Json } from '../../core/canonical-json';
import type { BlobStore } from '../../db/blob-store';
import type { PageOp, PageOpKind } from '../../db/repos/capture';
import type { Actor, Page, Repos } from '../../db/repos';
import type { Db } from '../../db/open';
import { setJpegDensity } from '../../native/imaging/jpeg-density';
import { isSplitUndo, undoSplit } from './batch-split';
import { assertEditable } from './editable';
import type { CapturedImage, CapturePipeline } from './pipeline';

interface UndoDelete {
  readonly restore: number;
  readonly position: number;
}

/**
 * The operator's page operations on a volume: rescan, insert, replace, delete (soft), reorder, rotate.
 * Each is one transaction together with its entry in the volume's undo log (page_ops); `undo` reverses
 * the latest one not yet undone, again in one transaction. Nothing is ever destroyed: a deleted or
 * replaced page stays as a row with its bytes, and a rotation makes a new master blob.
 */
export class PageOperations {
  constructor(
    private readonly db: Db,
    private readonly repos: Repos,
    private readonly blobs: BlobStore,
    private readonly pipeline: CapturePipeline,
  ) {}

  delete(pageId: number, actor: Actor): PageOp {
    const page = this.repos.pages.get(pageId);
    return this.change(page.volumeId, 'delete', { pageId }, actor, () => {
      this.repos.pages.softDelete(pageId, actor);
      return { restore: pageId, position: page.seq } satisfies UndoDelete;
    });
  }

  /** Inserts a newly captured page at `position` (1..n+1). */
  insert(volumeId: number, position: number, image: CapturedImage, actor: Actor): { op: PageOp; page: Page } {
    let page: Page | undefined;
    const op = this.change(volumeId, 'insert', { position }, actor, () => {
      page = this.captureAt(volumeId, position, image, actor);
      return { delete: page.id };
    });
    if (!page) throw new Error('unreachable: insert made no page');
    return { op, page };
  }

  /** Puts a new capture in place of page `pageId` (`rescan` when it comes from the scanner again). */
  replace(
    pageId: number,
    image: CapturedImage,
    actor: Actor,
    kind: 'replace' | 'rescan' = 'replace',
  ): { op: PageOp; page: Page } {
    const old = this.repos.pages.get(pageId);
    let page: Page | undefined;
    const op = this.change(old.volumeId, kind, { pageId }, actor, () => {
      this.repos.pages.softDelete(pageId, actor);
      page = this.captureAt(old.volumeId, old.seq, image, actor);
      return { delete: page.id, restore: pageId, position: old.seq };
    });
    if (!page) throw new Error('unreachable: replace made no page');
    return { op, page };
  }

  reorder(volumeId: number, pageIds: readonly number[], actor: Actor): PageOp {
    const before = this.repos.pages.list(volumeId).map((p) => p.id);
    return this.change(volumeId, 'reorder', { order: [...pageIds] }, actor, () => {
      this.repos.pages.reorder(volumeId, pageIds, actor);
      return { order: before };
    });
  }

  /** Turns a page's master image by 90, 180 or 270 degrees clockwise (a new blob; the old one stays). */
  async rotate(pageId: number, degrees: 90 | 180 | 270, actor: Actor): Promise<PageOp> {
    const page = this.repos.pages.get(pageId);
    this.assertEditable(page.volumeId);
    const proc = this.pipeline.capture.processing(pageId);
    const current = proc?.masterSha256 ?? page.blobSha256;
    const bytes = this.blobs.read(current);
    const meta = await sharp(bytes).metadata();
    const turned = sharp(bytes).rotate(degrees);
    const out =
      meta.format === 'tiff'
        ? await turned
            .toColourspace('b-w')
            .threshold(128)
            .toColourspace('b-w')
            .tiff({ compression: 'ccittfax4', bitdepth: 1 })
            .toBuffer()
        : setJpegDensity(await turned.jpeg({ quality: 90 }).toBuffer(), meta.density ?? 300);
    const put = this.blobs.put(out);
    return this.change(page.volumeId, 'rotate', { pageId, degrees }, actor, () => {
      this.repos.pages.addBlob({
        sha256: put.sha256,
        sm3: put.sm3,
        size: put.size,
        mediaType: meta.format === 'tiff' ? 'image/tiff' : 'image/jpeg',
      });
      this.repos.pages.addTransform(
        pageId,
        { kind: 'rotate', params: { degrees }, resultSha256: put.sha256 },
        actor,
      );
      if (proc) this.pipeline.capture.setMaster(pageId, put.sha256, null);
      return { pageId, masterSha256: current };
    });
  }

  /** Reverses the volume's latest operation not yet undone; null when there is none. */
  undo(volumeId: number, actor: Actor): PageOp | null {
    this.assertEditable(volumeId);
    return this.db.transaction(() => {
      const op = this.pipeline.capture.lastUndoable(volumeId);
      if (!op) return null;
      const u = op.undo as Record<string, Json>;
      if (isSplitUndo(op.undo)) undoSplit(this.repos, volumeId, u['split'] ?? null, actor);
      if (typeof u['delete'] === 'number') this.repos.pages.softDelete(u['delete'], actor);
      if (typeof u['restore'] === 'number' && typeof u['position'] === 'number') {
        this.pipeline.capture.restorePage(u['restore'], u['position']);
      }
      if (Array.isArray(u['order'])) this.repos.pages.reorder(volumeId, u['order'] as number[], actor);
      if (typeof u['masterSha256'] === 'string' && typeof u['pageId'] === 'number') {
        const pageId = u['pageId'];
        this.repos.pages.addTransform(
          pageId,
          { kind: 'rotate', params: { undo: op.id }, resultSha256: u['masterSha256'] },
          actor,
        );
        if (this.pipeline.capture.processing(pageId))
          this.pipeline.capture.setMaster(pageId, u['masterSha256'], null);
      }
      this.pipeline.capture.markUndone(op.id);
      this.repos.audit.append({
        userId: actor.userId,
        username: actor.username,
        action: 'page.undo',
        objectType: 'volume',
        objectId: volumeId,
        outcome: 'ok',
        details: { opId: op.id, op: op.op },
      });
      return op;
    })();
  }

  private captureAt(volumeId: number, position: number, image: CapturedImage, actor: Actor): Page {
    const put = this.blobs.put(image.bytes);
    const page = this.repos.pages.insertAt(
      volumeId,
      position,
      {
        blob: { sha256: put.sha256, sm3: put.sm3, size: put.size, mediaType: image.mediaType },
        ...(image.dpi !== null ? { dpiX: image.dpi, dpiY: image.dpi } : {}),
        colorMode: image.mode === 'lineart' ? 'bw' : image.mode,
      },
      actor,
    );
    this.pipeline.enqueue(page.id, image.mode, image.dpi, image.autoColour ?? false);
    return page;
  }

  private change(volumeId: number, kind: PageOpKind, params: Json, actor: Actor, apply: () => Json): PageOp {
    this.assertEditable(volumeId);
    return this.db.transaction(() => {
      const undo = apply();
      return this.pipeline.capture.recordOp({ volumeId, op: kind, params, undo, actor: actor.username });
    })();
  }

  private assertEditable(volumeId: number): void {
    assertEditable(this.repos, volumeId);
  }
}
