import sharp from 'sharp';
import type { BlobStore } from '../../db/blob-store';
import type { Job, Page, Repos } from '../../db/repos';
import type { OcrZone, PageOcrRepo } from '../../db/repos/page-ocr';
import { currentImage } from './page-image';
import { pageDpi } from './resolution';
import { FORM_JOB, type FormReadingService } from './form-service';
import type { Recognizer } from './tesseract-pool';

export const OCR_JOB_KINDS = { title: 'ocr.title', full: 'ocr.full', form: FORM_JOB } as const;
/** Title zones first (they drive the cataloguing suggestions), full pages after (search, verification). */
export const OCR_PRIORITY: Readonly<Record<OcrZone, number>> = { title: 10, full: 50 };
/**
 * The title zone: the top of the page, where registration documents print their title. A business
 * licence prints 营业执照 under the national emblem, 56–66 mm down an A4 sheet (22 % cut through it).
 */
export const TITLE_ZONE_SHARE = 0.3;
/** Attempts before a page is marked failed. */
export const OCR_MAX_ATTEMPTS = 3;

interface OcrPayload {
  readonly pageId: number;
}

export interface DrainResult {
  readonly done: number;
  readonly failed: number;
  readonly retried: number;
}

function isPayload(p: unknown): p is OcrPayload {
  return typeof p === 'object' && p !== null && typeof (p as { pageId?: unknown }).pageId === 'number';
}

/**
 * OCR fed by the durable job queue: one job per page and zone, title zones at a higher priority than
 * full pages. A failing page is retried with back-off (the queue's), then marked failed in page_ocr;
 * other pages go on — a bad page never holds up its volume. After a crash, `jobs.recoverStale` puts
 * running jobs back.
 */
export class OcrService {
  constructor(
    private readonly repos: Repos,
    private readonly ocr: PageOcrRepo,
    private readonly blobs: BlobStore,
    private readonly recognizer: Recognizer,
    /** Reads registration forms' code and name cells; queued with the full pages (verification needs both). */
    private readonly forms?: FormReadingService,
  ) {}

  /** Queues OCR for the volume's live pages; pages already read from their current image are skipped unless `force`. */
  enqueueVolume(volumeId: number, options: { zones?: readonly OcrZone[]; force?: boolean } = {}): number {
    const zones = options.zones ?? ['title', 'full'];
    let queued = 0;
    for (const page of this.repos.pages.list(volumeId)) {
      if (page.isBlank || page.isSeparator) continue;
      const image = this.imageOf(page);
      let fullQueued = false;
      for (const zone of zones) {
        const existing = this.ocr.get(page.id, zone);
        if (options.force !== true && existing?.state === 'done' && existing.blobSha256 === image) continue;
        this.repos.jobs.enqueue({
          kind: OCR_JOB_KINDS[zone],
          payload: { pageId: page.id },
          priority: OCR_PRIORITY[zone],
          maxAttempts: OCR_MAX_ATTEMPTS,
        });
        queued++;
        if (zone === 'full') fullQueued = true;
      }
      // Form cells with the full pages: after the page's full reading when that is queued (run() queues
      // them then), else now.
      if (
        zones.includes('full') &&
        !fullQueued &&
        this.forms?.enqueue(page.id, image, OCR_MAX_ATTEMPTS) === true
      )
        queued++;
    }
    return queued;
  }

  /**
   * Runs ready OCR jobs with `concurrency` loops (the pool's size: each loop keeps one worker busy)
   * until none is ready. Jobs waiting for a retry later are left for the next call.
   */
  async drain(options: { concurrency?: number; workerId?: string } = {}): Promise<DrainResult> {
    const counts = { done: 0, failed: 0, retried: 0 };
    const prefix = options.workerId ?? `ocr-${process.pid}`;
    const loop = async (n: number) => {
      const workerId = `${prefix}-${n}`;
      for (;;) {
        const job = this.repos.jobs.claim(workerId, Object.values(OCR_JOB_KINDS));
        if (job === null) return;
        const outcome = await this.run(job, workerId);
        counts[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, (_, i) => loop(i)));
    return counts;
  }

  private async run(job: Job, workerId: string): Promise<'done' | 'failed' | 'retried'> {
    if (job.kind === OCR_JOB_KINDS.form) return this.runForm(job, workerId);
    const zone: OcrZone = job.kind === OCR_JOB_KINDS.title ? 'title' : 'full';
    if (!isPayload(job.payload)) {
      this.repos.jobs.fail(job.id, 'payload without pageId', workerId);
      return 'failed';
    }
    const { pageId } = job.payload;
    let image = '';
    try {
      const page = this.repos.pages.get(pageId);
      if (page.deletedAt !== null) {
        this.repos.jobs.complete(job.id, workerId);
        return 'done';
      }
      image = this.imageOf(page);
      const prepared = await prepare(this.blobs.read(image), zone);
      const result = await this.recognizer.recognize(prepared);
      this.ocr.saveDone({
        pageId,
        zone,
        blobSha256: image,
        text: result.text,
        words: result.words,
        confidence: result.confidence,
        engine: this.recognizer.engine,
        attempts: job.attempts,
      });
      // A page without a form table is read from the full reading's lines: queued once that exists.
      if (zone === 'full') this.forms?.enqueue(pageId, image, OCR_MAX_ATTEMPTS);
      this.repos.jobs.complete(job.id, workerId);
      return 'done';
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const after = this.repos.jobs.fail(job.id, message, workerId);
      if (after.state !== 'failed') return 'retried';
      this.ocr.saveFailed({
        pageId,
        zone,
        blobSha256: image,
        error: message,
        engine: this.recognizer.engine,
        attempts: after.attempts,
      });
      // The form cells may still be read (a table needs no full reading).
      if (zone === 'full') this.forms?.enqueue(pageId, image, OCR_MAX_ATTEMPTS);
      return 'failed';
    }
  }

  private async runForm(job: Job, workerId: string): Promise<'done' | 'failed' | 'retried'> {
    try {
      if (!isPayload(job.payload)) throw new Error('payload without pageId');
      const page = this.repos.pages.get(job.payload.pageId);
      if (page.deletedAt === null && this.forms !== undefined)
        await this.forms.read(page.id, this.imageOf(page), this.recognizer);
      this.repos.jobs.complete(job.id, workerId);
      return 'done';
    } catch (e) {
      const after = this.repos.jobs.fail(job.id, e instanceof Error ? e.message : String(e), workerId);
      return after.state === 'failed' ? 'failed' : 'retried';
    }
  }

  /** The image to read: the last processed version of the page, else its original capture. */
  private imageOf(page: Page): string {
    return currentImage(this.repos, page);
  }
}

/**
 * Titles are printed large: read at about 150 dpi (an A4 width of this many pixels) they are still
 * 40+ px tall, and tesseract does a quarter of the work it would at 300 dpi.
 */
export const TITLE_ZONE_WIDTH = 1240;

/**
 * Share of the page's width and height whitened at its edges before reading: a deskewed master's dark
 * corner wedges and a scanner's edge shadow read as lines of garbage characters, and tesseract then
 * loses the real title beside them (measured on a demo page deskewed 0.6°: "em 吴" instead of its title).
 * Whitened, not cut off, so word boxes keep the zone's coordinates.
 */
export const EDGE_SHARE = 0.03;

/** Greyscale PNG of the whole page, or of its title zone (the top share of the page, scaled down to ~150 dpi). */
export async function prepare(bytes: Buffer, zone: OcrZone): Promise<Buffer> {
  const image = sharp(bytes, { failOn: 'error' });
  const meta = await image.metadata();
  const edge = Math.round(Math.min(meta.width, meta.height) * EDGE_SHARE);
  let region = image;
  if (zone === 'title') {
    const height = Math.max(1, Math.round(meta.height * TITLE_ZONE_SHARE));
    const top = image.extract({ left: 0, top: 0, width: meta.width, height });
    region = meta.width > TITLE_ZONE_WIDTH * 1.2 ? top.resize({ width: TITLE_ZONE_WIDTH }) : top;
  }
  const grey = await region.greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = grey.info;
  const k = width / meta.width;
  whitenEdges(grey.data, width, height, Math.round(edge * k), zone === 'full');
  // The PNG says its resolution (the page's, scaled with it): tesseract otherwise guesses one.
  return sharp(grey.data, { raw: { width, height, channels: 1 } })
    .withDensity(pageDpi(meta) * k)
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Paints `edge` pixels white along the left, right and top (and bottom when asked) of a grey image. */
function whitenEdges(data: Buffer, width: number, height: number, edge: number, bottom: boolean): void {
  if (edge <= 0) return;
  const e = Math.min(edge, Math.floor(width / 2), Math.floor(height / 2));
  data.fill(255, 0, e * width);
  if (bottom) data.fill(255, (height - e) * width, height * width);
  for (let y = 0; y < height; y++) {
    data.fill(255, y * width, y * width + e);
    data.fill(255, y * width + width - e, (y + 1) * width);
  }
}
