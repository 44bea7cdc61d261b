import sharp from 'sharp';
import type { BlobStore } from '../../db/blob-store';
import type { Job, Repos } from '../../db/repos';
import type { CaptureRepo } from '../../db/repos/capture';
import { TITLE_ZONE_WIDTH } from './ocr-service';
import { pageDpi } from './resolution';
import type { Recognizer } from './tesseract-pool';

// Text-based page orientation, for pages the image heuristics of capture cannot decide (no EXIF, a page
// scanned upside down or sideways). Read the top band of the page turned each way: text the right way up
// reads with high confidence, upside-down or sideways text as low-confidence garbage. Measured on a
// rendered 申请书 page (tesseract.js chi_sim): upright 93–94, upside down 60, sideways 47 or nothing.
// It is OCR, so it runs as its own low-priority job beside the OCR service, never on the capture path.

export const ORIENTATION_JOB = 'ocr.orientation';
/** After title zones (10), before full pages (50). */
export const ORIENTATION_PRIORITY = 30;
/** The band read: the top of the page, where a title sits (OCR's title zone: the 15 % tried first cut demo titles in half). */
export const ORIENTATION_BAND_SHARE = 0.22;
/** Share of the width and height left out at the page's edges. */
const BAND_EDGE_SHARE = 0.03;
/** Confidence that settles it at once: an upright page (the usual case) costs one read. */
const SURE = 85;
/** Below this nothing reads well enough to decide (a photo, a blank back, handwriting). */
const LEAST = 70;
/** The winner must beat the runner-up by this much. */
const MARGIN = 15;

export type Turn = 0 | 90 | 180 | 270;

export interface OrientationVerdict {
  /** Clockwise turn that puts the page upright; null when the text does not decide it. */
  readonly degrees: Turn | null;
  /** Mean OCR confidence of the band for each turn tried. */
  readonly confidence: Partial<Record<Turn, number>>;
}

/** The top band of the page after turning it clockwise by `degrees`, grey, at about 150 dpi. */
async function band(image: Buffer, degrees: Turn): Promise<Buffer> {
  const turned = await sharp(image, { failOn: 'error' }).rotate(degrees).greyscale().toBuffer();
  const meta = await sharp(turned).metadata();
  // The page's very edge is left out: a deskewed master's corners and a scanner's shadow read as garbage
  // characters that pull the band's confidence down.
  const edgeX = Math.round(meta.width * BAND_EDGE_SHARE);
  const edgeY = Math.round(meta.height * BAND_EDGE_SHARE);
  const height = Math.max(1, Math.round(meta.height * ORIENTATION_BAND_SHARE) - edgeY);
  const top = sharp(turned).extract({ left: edgeX, top: edgeY, width: meta.width - 2 * edgeX, height });
  const shrink = meta.width > TITLE_ZONE_WIDTH * 1.2;
  const scaled = shrink ? top.resize({ width: TITLE_ZONE_WIDTH }) : top;
  // The band says its resolution: without it tesseract guesses one from a few characters.
  // A4's short side is its width, whichever way the page is turned.
  const page = pageDpi({ density: meta.density, width: Math.min(meta.width, meta.height) });
  const dpi = page * (shrink ? TITLE_ZONE_WIDTH / (meta.width - 2 * edgeX) : 1);
  return scaled.withDensity(dpi).png({ compressionLevel: 1 }).toBuffer();
}

/**
 * Which way up the page is, by reading its top band at 0° and 180° (and sideways unless `sideways` is
 * false). Tries the likely turns first and stops as soon as one reads surely.
 */
export async function textOrientation(
  recognizer: Recognizer,
  image: Buffer,
  options: { readonly sideways?: boolean } = {},
): Promise<OrientationVerdict> {
  const turns: Turn[] = options.sideways === false ? [0, 180] : [0, 180, 90, 270];
  const read: [Turn, number][] = [];
  for (const turn of turns) {
    const result = await recognizer.recognize(await band(image, turn));
    // An empty band (no text) reads as confidence 0.
    const c = result.text.trim() === '' ? 0 : result.confidence;
    read.push([turn, c]);
    if (c >= SURE && (turn === 0 || (read[0]?.[1] ?? 0) < LEAST)) break;
  }
  const confidence = Object.fromEntries(read) as Partial<Record<Turn, number>>;
  const [best, second] = [...read].sort((a, b) => b[1] - a[1]);
  const decided = best !== undefined && best[1] >= LEAST && best[1] - (second?.[1] ?? 0) >= MARGIN;
  return { degrees: decided ? best[0] : null, confidence };
}

/**
 * Queues orientation jobs for the pages; blank, separator and deleted pages are skipped (they carry no
 * text to go by). Needs no recognizer: capture queues, the OCR runner reads.
 */
export function enqueueOrientation(
  repos: Repos,
  pageIds: readonly number[],
  options: { readonly sideways?: boolean } = {},
): number {
  let queued = 0;
  for (const pageId of pageIds) {
    const page = repos.pages.get(pageId);
    if (page.isBlank || page.isSeparator || page.deletedAt !== null) continue;
    repos.jobs.enqueue({
      kind: ORIENTATION_JOB,
      payload: { pageId, sideways: options.sideways !== false },
      priority: ORIENTATION_PRIORITY,
      maxAttempts: 3,
    });
    queued++;
  }
  return queued;
}

export interface OrientationRun {
  readonly pageId: number;
  readonly verdict: OrientationVerdict | null;
  /** The page was turned (through `rotate`). */
  readonly turned: boolean;
}

/**
 * Orientation jobs from the durable queue. A page found turned is put upright through `rotate` — the
 * operator's own rotate operation (a new master, recorded, undoable), so nothing here writes images.
 */
export class OrientationService {
  constructor(
    private readonly repos: Repos,
    private readonly capture: CaptureRepo,
    private readonly blobs: BlobStore,
    private readonly recognizer: Recognizer,
    private readonly rotate: (pageId: number, degrees: 90 | 180 | 270) => Promise<void>,
    /** Pages still to be checked (false: the job is done without a read, e.g. its volume is catalogued). */
    private readonly wanted: (pageId: number) => boolean = () => true,
  ) {}

  /** Queues the pages (blank and separator pages are skipped: they carry no text to go by). */
  enqueue(pageIds: readonly number[], options: { readonly sideways?: boolean } = {}): number {
    return enqueueOrientation(this.repos, pageIds, options);
  }

  /**
   * Runs ready orientation jobs one after another until none is ready, or `stopping()` says to stop
   * (the rest stay queued).
   */
  async drain(
    workerId = `orientation-${process.pid}`,
    stopping: () => boolean = () => false,
  ): Promise<OrientationRun[]> {
    const runs: OrientationRun[] = [];
    while (!stopping()) {
      const job = this.repos.jobs.claim(workerId, [ORIENTATION_JOB]);
      if (job === null) break;
      runs.push(await this.run(job, workerId));
    }
    return runs;
  }

  private async run(job: Job, workerId: string): Promise<OrientationRun> {
    const payload = job.payload as { pageId?: unknown; sideways?: unknown };
    const pageId = typeof payload.pageId === 'number' ? payload.pageId : -1;
    try {
      const page = this.repos.pages.get(pageId);
      if (page.deletedAt !== null || !this.wanted(pageId)) {
        this.repos.jobs.complete(job.id, workerId);
        return { pageId, verdict: null, turned: false };
      }
      // What the operator sees: the current master (processing, or a rotation since), else the original.
      const image = this.capture.processing(pageId)?.masterSha256 ?? page.blobSha256;
      const verdict = await textOrientation(this.recognizer, this.blobs.read(image), {
        sideways: payload.sideways !== false,
      });
      const turn = verdict.degrees;
      if (turn !== null && turn !== 0) await this.rotate(pageId, turn);
      this.repos.jobs.complete(job.id, workerId);
      return { pageId, verdict, turned: turn !== null && turn !== 0 };
    } catch (e) {
      this.repos.jobs.fail(job.id, e instanceof Error ? e.message : String(e), workerId);
      return { pageId, verdict: null, turned: false };
    }
  }
}
