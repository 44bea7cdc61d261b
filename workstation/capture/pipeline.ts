import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Piscina } from 'piscina';
import { decodeLabel } from '../../core/labels/label-codec';
import type { BlobStore } from '../../db/blob-store';
import { CaptureRepo, type FoundCode } from '../../db/repos/capture';
import { SYSTEM_ACTOR, type Page, type Repos } from '../../db/repos';
import type { Db } from '../../db/open';
import type { ColorMode } from '../../core/scanning/driver';
import type { Json } from '../../core/canonical-json';
import type { ProcessInput, ProcessOutput } from './process-page';

export const PROCESS_JOB = 'page.process';

export interface CapturedImage {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly dpi: number | null;
  readonly mode: ColorMode;
  readonly width?: number;
  readonly height?: number;
  readonly side?: 'front' | 'back';
  /** Automatic colour (a `color` page): the master is colour or grey by the page's content. */
  readonly autoColour?: boolean;
}

export interface PipelineOptions {
  /** Worker threads; default: the machine's cores. 0 = capture only, no processing. */
  readonly threads?: number;
  /** Pages handed to workers at once; bounds memory. Default: one per thread, plus one. */
  readonly maxInFlight?: number;
  readonly sm3?: boolean;
  /** Measure milliseconds per processing stage (`ProcessOutput.stageMs`); default: DANGAN_CAPTURE_TIMINGS=1. */
  readonly timings?: boolean;
  /**
   * Called inside the transaction that commits a page's processing results (after its flags are set):
   * what must never be lost between that commit and the next step (the orientation check's job) goes
   * here. If it throws, the results roll back with it and the page is processed again.
   */
  readonly inProcessedCommit?: (pageId: number, out: ProcessOutput) => void;
  /** Called after each page's processing results are committed. */
  readonly onProcessed?: (pageId: number, out: ProcessOutput) => void;
  /** Called when a page's processing failed for good. */
  readonly onFailed?: (pageId: number, error: string) => void;
}

const WORKER_FILE = path.join(import.meta.dirname, 'page-worker.js');

/**
 * The page workers' old generation starts at 64 MB. A worker keeps ~8 MB on its JS heap while its young
 * generation may grow to 16 MB; with V8's default start (a ~20 MB limit) the room left under the limit
 * is smaller than the young generation, so V8 began incremental marking after almost every page and its
 * marking steps ran inside the analysis (a 30-page profile: 24 full collections, 1 with the flag; one
 * grey page ~125 → ~90 CPU ms). V8 reads the flag when it makes an isolate, so it is set before the
 * pool's workers start (it applies to isolates made later in this process; the maximum is unchanged).
 */
export const WORKER_HEAP_FLAG = '--initial-old-space-size=64';

/**
 * The page pipeline. `capture` is durable and synchronous: the bytes are fsynced as a blob, then one
 * transaction commits the page row, its processing record and a processing job; only then does it
 * return (the page is acknowledged). Processing runs behind it in a worker pool, fed from the durable
 * job queue with a bounded number of pages in flight, so capture never waits for processing and memory
 * stays bounded however far processing falls behind (threads + 1 pages in the pool). On start, jobs left running by a previous process
 * go back to the queue: captured but unprocessed pages are processed.
 */
export class CapturePipeline {
  readonly capture: CaptureRepo;
  private readonly pool: Piscina<ProcessInput, ProcessOutput> | null;
  private readonly maxInFlight: number;
  private readonly workerId = `capture-${process.pid}-${Date.now().toString(36)}`;
  private inFlight = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly repos: Repos,
    private readonly blobs: BlobStore,
    private readonly options: PipelineOptions = {},
  ) {
    this.capture = new CaptureRepo(db);
    const threads = options.threads ?? os.availableParallelism();
    if (threads > 0) v8.setFlagsFromString(WORKER_HEAP_FLAG);
    this.pool =
      threads > 0
        ? new Piscina<ProcessInput, ProcessOutput>({
            filename: WORKER_FILE,
            minThreads: threads,
            maxThreads: threads,
            idleTimeout: 60_000,
          })
        : null;
    this.maxInFlight = options.maxInFlight ?? threads + 1;
  }

  /** Stores a page durably and queues its processing. When this returns the page is safe. */
  capturePage(volumeId: number, image: CapturedImage, batchId?: number): Page {
    const [page] = this.captureAll(volumeId, [image], batchId);
    if (!page) throw new Error('unreachable: one image gives one page');
    return page;
  }

  /**
   * Stores several pages as one unit: all blobs fsynced first, then one transaction for every page row
   * and `alsoInTransaction` (an import records the file it took there), so either all pages are
   * acknowledged or none.
   */
  captureAll(
    volumeId: number,
    images: readonly CapturedImage[],
    batchId?: number,
    alsoInTransaction?: (pages: readonly Page[]) => void,
  ): Page[] {
    const puts = images.map((image) => this.blobs.put(image.bytes));
    const pages = this.db.transaction(() => {
      const out = images.map((image, i) => {
        const put = puts[i];
        if (!put) throw new Error('unreachable: one blob per image');
        const p = this.repos.pages.addCaptured({
          volumeId,
          blob: { sha256: put.sha256, sm3: put.sm3, size: put.size, mediaType: image.mediaType },
          ...(image.width !== undefined ? { width: image.width } : {}),
          ...(image.height !== undefined ? { height: image.height } : {}),
          ...(image.dpi !== null ? { dpiX: image.dpi, dpiY: image.dpi } : {}),
          colorMode: image.mode === 'lineart' ? 'bw' : image.mode,
          ...(image.side ? { side: image.side } : {}),
          ...(batchId !== undefined ? { batchId } : {}),
        });
        this.enqueue(p.id, image.mode, image.dpi, image.autoColour ?? false);
        return p;
      });
      alsoInTransaction?.(out);
      return out;
    })();
    this.kick();
    return pages;
  }

  /** Queues processing of a page already committed (inside the caller's transaction). */
  enqueue(pageId: number, mode: ColorMode, dpi: number | null, autoColour = false): void {
    const auto = autoColour && mode === 'color';
    this.capture.arrived(pageId, mode, auto);
    // Every claim counts as an attempt, including one a crash of the whole engine interrupted (the
    // recovery cannot tell a page that crashes the engine from a power cut): generous, yet finite.
    this.repos.jobs.enqueue({
      kind: PROCESS_JOB,
      payload: { pageId, mode, dpi, ...(auto ? { autoColour: true } : {}) },
      maxAttempts: 10,
    });
  }

  /** Starts processing: first returns jobs of a dead previous process to the queue. */
  start(): void {
    if (this.running || !this.pool) return;
    this.running = true;
    this.repos.jobs.recoverStale(new Date(Date.now() + 1000));
    this.capture.failAbandoned(PROCESS_JOB);
    // Retries wait for their back-off; a slow poll picks them up.
    this.timer = setInterval(() => {
      this.kick();
    }, 500);
    this.kick();
  }

  /** Resolves when no processing job is pending or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.pool?.destroy();
  }

  private isIdle(): boolean {
    const c = this.repos.jobs.counts();
    return this.inFlight === 0 && c.running === 0 && (c.pending === 0 || !this.hasReadyJob());
  }

  private hasReadyJob(): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM jobs WHERE kind = ? AND state = 'pending' LIMIT 1")
        .pluck()
        .get(PROCESS_JOB) !== undefined
    );
  }

  private kick(): void {
    if (!this.running || !this.pool) return;
    while (this.inFlight < this.maxInFlight) {
      const job = this.repos.jobs.claim(this.workerId, [PROCESS_JOB]);
      if (!job) break;
      const payload = job.payload as {
        pageId: number;
        mode: ColorMode;
        dpi: number | null;
        autoColour?: boolean;
      };
      const page = this.repos.pages.get(payload.pageId);
      this.inFlight++;
      this.pool
        .run({
          blobRoot: this.blobs.root,
          sha256: page.blobSha256,
          mode: payload.mode,
          dpi: payload.dpi,
          ...(payload.autoColour === true ? { autoColour: true } : {}),
          sm3: this.options.sm3 ?? false,
          timings: this.options.timings ?? process.env['DANGAN_CAPTURE_TIMINGS'] === '1',
        })
        .then(
          (out) => {
            // A commit that fails (its hook refused, the disk is full) rolls back whole: the job is
            // retried like a failed processing, instead of staying claimed until the next start.
            try {
              this.record(job.id, page.id, out);
            } catch (e) {
              this.failJob(job.id, page.id, e);
            }
          },
          (e: unknown) => {
            this.failJob(job.id, page.id, e);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.kick();
          if (this.idleWaiters.length > 0 && this.isIdle()) {
            for (const w of this.idleWaiters.splice(0)) w();
          }
        });
    }
  }

  private record(jobId: number, pageId: number, out: ProcessOutput): void {
    const codes: FoundCode[] = out.qrTexts.map((t) => ({
      symbology: 'qr',
      payload: t,
      role: decodeLabel(t).ok ? 'volume-label' : 'other',
    }));
    if (out.patchT) codes.push({ symbology: 'code39', payload: 'PATCHT', role: 'patch-t' });
    const label = codes.find((c) => c.role === 'volume-label')?.payload ?? null;
    this.db.transaction(() => {
      const pages = this.repos.pages;
      pages.addBlob(out.master);
      pages.addBlob(out.thumb);
      const steps: { kind: 'orient' | 'deskew' | 'crop'; params: Json }[] = [];
      if (out.orientation !== 0) steps.push({ kind: 'orient', params: { degrees: out.orientation } });
      if (out.deskewed) steps.push({ kind: 'deskew', params: { angleDeg: out.skewDeg } });
      if (out.crop) {
        const { left, top, width, height } = out.crop;
        steps.push({ kind: 'crop', params: { left, top, width, height, marginMm: 2.5 } });
      }
      steps.forEach((s, i) => {
        pages.addTransform(
          pageId,
          {
            kind: s.kind,
            params: s.params,
            ...(i === steps.length - 1 && !out.masterIsOriginal ? { resultSha256: out.master.sha256 } : {}),
          },
          SYSTEM_ACTOR,
        );
      });
      pages.setFlags(pageId, {
        isBlank: out.isBlank,
        blankScore: out.blankScore,
        isSeparator: out.patchT || label !== null,
        labelFound: label,
      });
      this.capture.processed(
        pageId,
        {
          masterSha256: out.master.sha256,
          thumbSha256: out.thumb.sha256,
          orientation: out.orientation,
          skewDeg: out.skewDeg,
          deskewed: out.deskewed,
          crop: out.crop,
          blankScore: out.blankScore,
          lowDpi: out.lowDpi,
          durationMs: out.durationMs,
          colourScore: out.colourScore,
          masterMode: out.masterMode,
        },
        codes,
      );
      this.options.inProcessedCommit?.(pageId, out);
      this.repos.jobs.complete(jobId, this.workerId);
    })();
    this.options.onProcessed?.(pageId, out);
  }

  private failJob(jobId: number, pageId: number, e: unknown): void {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const job = this.repos.jobs.fail(jobId, message, this.workerId);
    if (job.state === 'failed') {
      this.capture.failed(pageId, message);
      this.options.onFailed?.(pageId, message);
    }
  }
}
