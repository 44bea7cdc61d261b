import type { OcrZone } from '../../db/repos/page-ocr';
import type { OcrService } from './ocr-service';
import type { Recognizer } from './tesseract-pool';

export interface PoolHandle extends Recognizer {
  readonly size: number;
  terminate(): Promise<void>;
}

export interface OcrRunnerOptions {
  /** Starts the recognizer (tesseract.js workers) when there is work; it is stopped again when idle. */
  readonly createPool: () => Promise<PoolHandle>;
  readonly service: (recognizer: Recognizer) => OcrService;
  /**
   * Work done with the same recognizer before each drain of OCR jobs: the orientation check, so that a
   * page read upside down is turned before its title zone is read. It stops between items once
   * `stopping()` (the runner is closing: shutdown does not wait for a queue of checks).
   */
  readonly before?: (recognizer: Recognizer, stopping: () => boolean) => Promise<unknown>;
  /** Idle time before the workers are stopped (they hold ~100 MB each and keep the process alive). */
  readonly idleMs?: number;
  readonly log?: (message: string, error: unknown) => void;
}

/**
 * Runs the engine's OCR in the background: `request` queues a volume's zones (once while they are
 * pending) and wakes a drain of the durable job queue. The pool is started on demand and stopped after
 * an idle spell, so an engine that never catalogues never loads tesseract.
 */
export class OcrRunner {
  private pool: PoolHandle | null = null;
  private loop: Promise<void> | null = null;
  private again = false;
  private idle: NodeJS.Timeout | null = null;
  private closed = false;
  /** volumeId:zone pairs queued since the last drain ended (no second copy of the same jobs). */
  private readonly pending = new Set<string>();

  constructor(private readonly options: OcrRunnerOptions) {}

  /** Is OCR running or about to run? */
  get running(): boolean {
    return this.loop !== null;
  }

  /** Queues the volume's unread pages for `zones` (skipped when already pending) and starts the drain. */
  request(volumeId: number, zones: readonly OcrZone[], enqueue: (zones: readonly OcrZone[]) => number): void {
    if (this.closed) return;
    const fresh = zones.filter((z) => !this.pending.has(`${volumeId}:${z}`));
    if (fresh.length > 0) {
      for (const z of fresh) this.pending.add(`${volumeId}:${z}`);
      if (enqueue(fresh) === 0 && !this.running) {
        for (const z of fresh) this.pending.delete(`${volumeId}:${z}`);
        return;
      }
    }
    this.kick();
  }

  /** Drains whatever is queued (jobs left by an earlier run too). */
  kick(): void {
    if (this.closed) return;
    if (this.loop !== null) {
      this.again = true;
      return;
    }
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    this.loop = this.run().finally(() => {
      this.loop = null;
      this.pending.clear();
      this.scheduleStop();
    });
  }

  /** Waits for the current drain (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.loop !== null) await this.loop;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.settled().catch(() => undefined);
    await this.stopPool();
  }

  private async run(): Promise<void> {
    try {
      this.pool ??= await this.options.createPool();
      const service = this.options.service(this.pool);
      do {
        this.again = false;
        await this.options.before?.(this.pool, () => this.closed);
        await service.drain({ concurrency: this.pool.size, workerId: `engine-ocr-${process.pid}` });
      } while (this.moreRequested());
    } catch (e) {
      // The database closed under us (shutdown) or tesseract failed to start: the jobs stay queued.
      this.options.log?.('ocr: drain stopped', e);
    }
  }

  /** Set by kick() while a drain was running (read through a method: the flag changes across awaits). */
  private moreRequested(): boolean {
    return this.again && !this.closed;
  }

  private scheduleStop(): void {
    if (this.closed) {
      void this.stopPool();
      return;
    }
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.loop === null) void this.stopPool();
    }, this.options.idleMs ?? 15_000);
    this.idle.unref();
  }

  private async stopPool(): Promise<void> {
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.terminate().catch(() => undefined);
  }
}
