import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { ScanRunView } from '../../core/contracts/api-capture';
import { DomainError, isDomainError } from '../../core/errors';
import { isScanMode, type ScannerDriver, type ScanJob, type ScanSession } from '../../core/scanning/driver';
import { text } from '../../core/text';
import type { BlobStore } from '../../db/blob-store';
import { CaptureRepo } from '../../db/repos/capture';
import { SYSTEM_ACTOR, type Actor, type Repos } from '../../db/repos';
import type { Db } from '../../db/open';
import { DemoDriver } from '../../native/demo/demo-driver';
import { allDrivers, discoverAll, driverFor, type Discovery } from '../../native/registry';
import { EDITABLE } from '../capture/editable';
import { PageOperations } from '../capture/page-ops';
import { CapturePipeline, type CapturedImage } from '../capture/pipeline';
import { THUMB_WIDTH } from '../capture/profiles';
import { checkScanTarget, runScan } from '../capture/scan';
import { enqueueOrientation, ORIENTATION_JOB } from '../ocr/orientation';
import type { EngineServices } from './context';

export interface CaptureOptions {
  /** Scanner drivers; default: `$DANGAN_SCANNERS` (e.g. `demo` or `demo,sane`), else all of them. */
  readonly drivers?: readonly ScannerDriver[];
  /** Processing threads (default: the cores; 0 = capture only). */
  readonly threads?: number;
  /** How long a device search may take (default 15 s). */
  readonly discoveryTimeoutMs?: number;
}

/** Drivers named in `$DANGAN_SCANNERS` (demo, sane, escl); the demo scanner is always among them. */
export function driversFromEnv(value: string | undefined): ScannerDriver[] {
  if (value === undefined || value.trim() === '') return allDrivers();
  const names = new Set(value.split(',').map((s) => s.trim()));
  const drivers = allDrivers({
    ...(names.has('sane') ? {} : { sane: false }),
    ...(names.has('escl') ? {} : { escl: false }),
  });
  return drivers.some((d) => d.kind === 'demo') ? drivers : [...drivers, new DemoDriver()];
}

interface Run {
  view: ScanRunView;
  /** Null for a run a crash interrupted (found at start): nothing left to cancel. */
  readonly session: ScanSession | null;
  readonly done: Promise<void>;
}

/** Ended runs are listed this long (a reloaded screen still sees how its last run ended). */
const KEEP_ENDED_MS = 60 * 60 * 1000;
/**
 * How far back the start-up looks for lost orientation checks: a crash is recovered at the next start,
 * and well inside the 90 days after which `dangan maintain` deletes done jobs (an older page whose
 * check job was pruned must not be checked — and perhaps turned back — a second time).
 */
export const ORIENTATION_RECOVERY_DAYS = 7;

/**
 * The engine's capture side: one pipeline (created with the engine when pages wait for processing,
 * otherwise on first use, and closed with the engine), the scanner drivers, the scan runs in progress
 * and the page operations. Events go out on the engine's bus as pages are stored and processed.
 */
export class CaptureService {
  readonly drivers: readonly ScannerDriver[];
  readonly blobs: BlobStore;
  readonly repo: CaptureRepo;
  private pipelineInstance: CapturePipeline | null = null;
  private opsInstance: PageOperations | null = null;
  private readonly runs = new Map<string, Run>();
  private discovery: Promise<Discovery> | null = null;
  private closed = false;

  private readonly db: Db;

  constructor(
    private readonly s: EngineServices,
    private readonly options: CaptureOptions = {},
  ) {
    this.db = s.db;
    this.drivers = options.drivers ?? driversFromEnv(process.env['DANGAN_SCANNERS']);
    this.blobs = s.blobs;
    this.repo = new CaptureRepo(s.db);
    this.recoverInterruptedRuns();
    // Pages a previous run captured but did not process are taken up at once.
    if (this.repo.counts().pending > 0) this.pipeline();
  }

  /**
   * On the engine's start: queues the orientation checks of pages processed (in the last
   * ORIENTATION_RECOVERY_DAYS) but never queued for one — by a database an older version wrote, where
   * the check was queued after the processing commit and a crash between the two lost it. Only volumes
   * whose pages may still change. Returns how many were queued.
   */
  static recoverOrientationChecks(db: Db, repos: Repos, now: Date = new Date()): number {
    const since = new Date(now.getTime() - ORIENTATION_RECOVERY_DAYS * 86_400_000);
    const pageIds = new CaptureRepo(db).processedWithoutJob(ORIENTATION_JOB, since, EDITABLE);
    if (pageIds.length === 0) return 0;
    return db.transaction(() => enqueueOrientation(repos, pageIds))();
  }

  /** Did a crash or kill interrupt a scan run (its batch is still open)? */
  static hasInterruptedRuns(repos: Repos): boolean {
    return repos.batches.interrupted().length > 0;
  }

  /** Are there captured pages waiting for processing (left by an earlier run)? */
  static hasWaitingPages(db: Db): boolean {
    return new CaptureRepo(db).counts().pending > 0;
  }

  /** The pipeline, started on first use. */
  pipeline(): CapturePipeline {
    if (this.closed) {
      throw new DomainError('engine.closing', text('程序正在退出', 'The engine is shutting down'));
    }
    if (this.pipelineInstance === null) {
      const p = new CapturePipeline(this.db, this.s.repos, this.blobs, {
        ...(this.options.threads !== undefined ? { threads: this.options.threads } : {}),
        // The orientation check is queued in the commit of the page's results, so no crash between
        // the two can lose it (blank and separator pages are skipped by enqueueOrientation).
        inProcessedCommit: (pageId, out) => {
          if (!out.orientationDecided) enqueueOrientation(this.s.repos, [pageId]);
        },
        onProcessed: (pageId, out) => {
          this.processed(pageId, 'done');
          if (!out.orientationDecided) this.wakeOcr();
        },
        onFailed: (pageId) => {
          this.processed(pageId, 'failed');
        },
      });
      p.start();
      this.pipelineInstance = p;
    }
    return this.pipelineInstance;
  }

  ops(): PageOperations {
    this.opsInstance ??= new PageOperations(this.db, this.s.repos, this.blobs, this.pipeline());
    return this.opsInstance;
  }

  devices(refresh: boolean): Promise<Discovery> {
    if (refresh || this.discovery === null) {
      const search = discoverAll(this.drivers, { timeoutMs: this.options.discoveryTimeoutMs ?? 15_000 });
      this.discovery = search;
      // A failed search is not kept: the next call asks again.
      search.catch(() => {
        if (this.discovery === search) this.discovery = null;
      });
    }
    return this.discovery;
  }

  driver(deviceId: string): ScannerDriver {
    return driverFor(this.drivers, deviceId);
  }

  /**
   * Starts a scan run into a volume; it goes on after this returns. `autoColour` (with a `color` job):
   * the automatic mode, each page's master colour or grey by its content.
   */
  start(volumeId: number, deviceId: string, job: ScanJob, actor: Actor, autoColour = false): ScanRunView {
    const auto = autoColour && job.mode === 'color';
    const busy = [...this.runs.values()].find(
      (r) => r.view.state === 'running' && (r.view.volumeId === volumeId || r.view.deviceId === deviceId),
    );
    if (busy) {
      throw new DomainError(
        'scan.busy',
        busy.view.volumeId === volumeId
          ? text(
              '该案卷正在扫描中，请等待或取消当前扫描',
              'This volume is being scanned; wait or cancel that scan',
            )
          : text('该扫描仪正在使用中，请等待或取消当前扫描', 'This scanner is busy; wait or cancel its scan'),
        { scanId: busy.view.scanId },
      );
    }
    const driver = this.driver(deviceId);
    // A volume that cannot take pages (verified, queued…) is refused before the scanner moves.
    checkScanTarget(this.s.repos, volumeId, actor);
    const pipeline = this.pipeline();
    const batch = this.s.repos.batches.open({
      device: deviceId,
      // The volume too: a run a crash interrupts is reported at the next start with its volume.
      profile: {
        volumeId,
        source: job.source,
        dpi: job.dpi,
        mode: auto ? 'auto' : job.mode,
        ...(job.maxPages ? { pages: job.maxPages } : {}),
      },
      operatorId: actor.userId,
    });
    const volume = this.s.repos.volumes.get(volumeId);
    const owner = this.s.repos.enterprises.get(volume.enterpriseId);
    const session = driver.scan(deviceId, { ...job, subject: { name: owner.name, uscc: owner.uscc } });
    const scanId = randomUUID();
    const view: ScanRunView = {
      scanId,
      volumeId,
      deviceId,
      state: 'running',
      pages: 0,
      expected: job.maxPages ?? null,
      startedAt: this.s.now().toISOString(),
      endedAt: null,
      error: null,
      mode: auto ? 'auto' : job.mode,
    };
    let stateSeen = this.s.repos.volumes.get(volumeId).state;
    const done = runScan(pipeline, session, volumeId, {
      batchId: batch.id,
      // runScan keeps the lifecycle: the first page moves a registered or scanned volume to 扫描中.
      repos: this.s.repos,
      actor,
      autoColour: auto,
      onPage: (page) => {
        const run = this.runs.get(scanId);
        if (!run) return;
        const state = this.s.repos.volumes.get(volumeId).state;
        if (state !== stateSeen) {
          stateSeen = state;
          this.s.events.emit('volume.changed', { volumeId, state });
        }
        run.view = { ...run.view, pages: run.view.pages + 1 };
        this.s.events.emit('scan.page', {
          scanId,
          volumeId,
          pageId: page.id,
          seq: page.seq,
          pages: run.view.pages,
        });
      },
    }).then(
      (report) => {
        const error = report.error
          ? {
              category: report.error.category,
              message: report.error.message,
              detail: report.error.detail ?? null,
            }
          : null;
        this.finish(scanId, batch.id, report.pages.length, error);
      },
      (e: unknown) => {
        session.cancel();
        if (isDomainError(e)) {
          // The volume stopped taking pages mid-run (its state changed): said in the engine's words.
          this.finish(scanId, batch.id, null, { category: 'unknown', message: e.text, detail: e.code });
          return;
        }
        // Storing a page failed (disk full, database refused): the pages before it are safe.
        const detail = e instanceof Error ? e.message : String(e);
        const message = text(
          `保存页面失败，扫描已停止；已保存的页面不受影响。（${detail}）`,
          `Storing a page failed and the scan stopped; pages already saved are safe. (${detail})`,
        );
        this.finish(scanId, batch.id, null, { category: 'io', message, detail });
      },
    );
    this.runs.set(scanId, { view, session, done });
    this.prune();
    return view;
  }

  cancel(scanId: string): ScanRunView {
    const run = this.runs.get(scanId);
    if (!run) {
      throw new DomainError('scan.not-found', text('没有这次扫描', 'No such scan run'), { scanId });
    }
    if (run.view.state === 'running') run.session?.cancel();
    return run.view;
  }

  /** Waits for a run to end (tests, shutdown). */
  async settled(scanId: string): Promise<ScanRunView> {
    const run = this.runs.get(scanId);
    if (!run) throw new Error(`no run ${scanId}`);
    await run.done;
    return this.runs.get(scanId)?.view ?? run.view;
  }

  list(volumeId?: number): ScanRunView[] {
    this.prune();
    return [...this.runs.values()]
      .map((r) => r.view)
      .filter((v) => volumeId === undefined || v.volumeId === volumeId)
      .reverse();
  }

  /** Takes exactly one sheet from a device, for rescan, replace and insert (`autoColour` as in `start`). */
  async scanOne(
    deviceId: string,
    job: Omit<ScanJob, 'maxPages'>,
    autoColour = false,
  ): Promise<CapturedImage> {
    if ([...this.runs.values()].some((r) => r.view.state === 'running' && r.view.deviceId === deviceId)) {
      throw new DomainError('scan.busy', text('该扫描仪正在使用中', 'This scanner is busy'));
    }
    const session = this.driver(deviceId).scan(deviceId, { ...job, maxPages: 1 });
    let image: CapturedImage | null = null;
    for await (const event of session) {
      if (event.type === 'page' && image === null) {
        image = {
          bytes: event.bytes,
          mediaType: event.mediaType,
          dpi: event.dpi,
          mode: event.mode,
          ...(event.width !== undefined ? { width: event.width } : {}),
          ...(event.height !== undefined ? { height: event.height } : {}),
          ...(autoColour && event.mode === 'color' ? { autoColour: true } : {}),
        };
        session.cancel();
      } else if (event.type === 'error' && image === null) {
        throw new DomainError(`scan.${event.category}`, event.message, {
          category: event.category,
          detail: event.detail ?? null,
        });
      }
    }
    if (image === null) {
      throw new DomainError(
        'scan.no-page',
        text(
          '扫描仪没有送出页面，请放入纸张后重试',
          'The scanner gave no page; load the sheet and try again',
        ),
      );
    }
    return image;
  }

  /** A new 256 px thumbnail after the master changed (a rotation, or its undo). */
  async refreshThumbnail(pageId: number): Promise<void> {
    const proc = this.repo.processing(pageId);
    if (!proc?.masterSha256) return;
    const bytes = await sharp(this.blobs.read(proc.masterSha256))
      .resize({ width: THUMB_WIDTH })
      .jpeg({ quality: 80 })
      .toBuffer();
    const put = this.blobs.put(bytes);
    this.db.transaction(() => {
      this.s.repos.pages.addBlob({
        sha256: put.sha256,
        sm3: put.sm3,
        size: put.size,
        mediaType: 'image/jpeg',
      });
      this.repo.setMaster(pageId, proc.masterSha256 ?? '', put.sha256);
    })();
  }

  /**
   * Turns a page the text-based orientation check found turned: the operator's own rotate operation
   * (recorded, undoable), by the system; a new thumbnail, and the 扫描 screen told to refresh it.
   */
  async turnUpright(pageId: number, degrees: 90 | 180 | 270): Promise<void> {
    const op = await this.ops().rotate(pageId, degrees, SYSTEM_ACTOR);
    await this.refreshThumbnail(pageId);
    const { volumeId } = op;
    this.s.events.emit('page.processed', { volumeId, pageId, state: 'done' });
    this.s.events.emit('pages.changed', { volumeId, count: this.s.repos.pages.list(volumeId).length });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.runs.values()) if (run.view.state === 'running') run.session?.cancel();
    await Promise.allSettled([...this.runs.values()].map((r) => r.done));
    await this.pipelineInstance?.close();
  }

  private finish(scanId: string, batchId: number, pages: number | null, error: ScanRunView['error']): void {
    const run = this.runs.get(scanId);
    if (!run) return;
    const ok = error === null || error.category === 'no-paper';
    try {
      if (ok) this.s.repos.batches.close(batchId);
      else this.s.repos.batches.abort(batchId);
    } catch {
      // The batch's end is bookkeeping; the pages are what matter and are stored.
    }
    run.view = {
      ...run.view,
      pages: pages ?? run.view.pages,
      state: error === null ? 'finished' : 'stopped',
      endedAt: this.s.now().toISOString(),
      error,
    };
    const { volumeId } = run.view;
    this.s.events.emit('scan.ended', { scanId, volumeId, pages: run.view.pages, error });
    this.s.events.emit('pages.changed', { volumeId, count: this.s.repos.pages.list(volumeId).length });
    this.wakeOcr();
  }

  private processed(pageId: number, state: 'done' | 'failed'): void {
    try {
      const { volumeId } = this.s.repos.pages.get(pageId);
      this.s.events.emit('page.processed', { volumeId, pageId, state });
    } catch {
      // The page went away meanwhile (a test's database closed): nothing to tell.
    }
  }

  /**
   * Starts the OCR runner on queued orientation checks once no scan is running and no page waits for
   * processing: tesseract never competes with pages still arriving.
   */
  private wakeOcr(): void {
    if ([...this.runs.values()].some((r) => r.view.state === 'running')) return;
    if (this.repo.pending(1).length > 0) return;
    if (this.s.repos.jobs.pendingOf([ORIENTATION_JOB]) > 0) this.s.ocr.runner.kick();
  }

  /**
   * Runs a crash or kill interrupted (their batches are still open at start): each batch is ended as
   * aborted, and the run is listed as stopped with the pages it got — every one of them acknowledged,
   * so stored — and what to do next (check the last page, then scan on: 补扫).
   */
  private recoverInterruptedRuns(): void {
    for (const { batch, pages, volumeId } of this.s.repos.batches.interrupted()) {
      this.s.repos.batches.abort(batch.id);
      const profile = (batch.profile ?? {}) as { volumeId?: unknown; pages?: unknown; mode?: unknown };
      const volume = typeof profile.volumeId === 'number' ? profile.volumeId : volumeId;
      if (volume === null) continue; // no page and no volume recorded: nothing to report it against
      const detail = 'interrupted';
      const message = text(
        `扫描被中断（程序意外退出），已保存 ${pages} 页。请核对最后一页后继续扫描。`,
        `The scan was interrupted (the program stopped unexpectedly); ${pages} pages were saved. Check the last page, then scan on.`,
      );
      const view: ScanRunView = {
        scanId: batch.uid,
        volumeId: volume,
        deviceId: batch.device,
        state: 'stopped',
        pages,
        expected: typeof profile.pages === 'number' ? profile.pages : null,
        startedAt: batch.startedAt,
        endedAt: this.s.now().toISOString(),
        error: { category: 'unknown', message, detail },
        ...(isScanMode(profile.mode) ? { mode: profile.mode } : {}),
      };
      this.runs.set(batch.uid, { view, session: null, done: Promise.resolve() });
    }
  }

  private prune(): void {
    const cutoff = this.s.now().getTime() - KEEP_ENDED_MS;
    for (const [id, run] of this.runs) {
      if (run.view.endedAt !== null && Date.parse(run.view.endedAt) < cutoff) this.runs.delete(id);
    }
  }
}
