import { readUsccCell } from '../../core/verification/codes-in-text';
import type { BlobStore } from '../../db/blob-store';
import type { Repos } from '../../db/repos';
import type { FormReadingsRepo } from '../../db/repos/form-readings';
import type { PageOcrRepo } from '../../db/repos/page-ocr';
import { NO_FORM, readFormLines, readFormTable, type FormRead } from './form-reading';
import type { Recognizer } from './tesseract-pool';

/** The queue's job kind for reading a page's form cells. */
export const FORM_JOB = 'ocr.form';
/**
 * After title zones (10), orientation checks (30) and full pages (50): cataloguing waits for titles and
 * whole pages (dates, 责任者) while the operator works; form cells are for QA, later. A licence's code
 * line is then found in its full reading at once.
 */
export const FORM_PRIORITY = 60;

/**
 * Reads the code and name cells of a page's registration form (workstation/ocr/form-reading.ts) as OCR
 * work on the durable queue, and stores what was read per page and image (FormReadingsRepo). A page
 * without a ruled table is read from its full OCR reading's lines (a licence prints "统一社会信用代码 …"
 * on one line): a page whose full reading is queued is queued by that reading (OcrService), so its lines
 * are there when it is read.
 */
export class FormReadingService {
  constructor(
    private readonly repos: Repos,
    private readonly ocr: PageOcrRepo,
    private readonly readings: FormReadingsRepo,
    private readonly blobs: BlobStore,
  ) {}

  /** Queues the page unless it was read from `image` already. */
  enqueue(pageId: number, image: string, maxAttempts: number): boolean {
    if (this.readings.get(pageId)?.blobSha256 === image) return false;
    this.repos.jobs.enqueue({ kind: FORM_JOB, payload: { pageId }, priority: FORM_PRIORITY, maxAttempts });
    return true;
  }

  /**
   * Reads the page's form from `image` (its current image) and stores the result; throws to be retried.
   * A page read from this image already (a table, or its lines) is left alone.
   */
  async read(pageId: number, image: string, recognizer: Recognizer): Promise<void> {
    const earlier = this.readings.get(pageId);
    if (earlier?.blobSha256 === image && earlier.layout !== 'none') return;
    const started = performance.now();
    const bytes = this.blobs.read(image);
    let read: FormRead | null = await readFormTable(bytes, recognizer);
    if (read === null) {
      const full = this.ocr.get(pageId, 'full');
      read =
        full?.state === 'done' && full.blobSha256 === image
          ? await readFormLines(bytes, full.words, recognizer)
          : NO_FORM;
    }
    this.readings.save({
      pageId,
      blobSha256: image,
      layout: read.layout,
      codeLabel: read.codeLabel,
      codeReadings: read.codeReadings,
      nameText: read.nameReadings.join('\n'),
      uscc: readUsccCell(read.codeReadings, null).code,
      engine: recognizer.engine,
      durationMs: performance.now() - started,
    });
  }
}
