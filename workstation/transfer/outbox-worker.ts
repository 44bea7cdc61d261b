import { isDomainError } from '../../core/errors';
import type { BlobStore } from '../../db/blob-store';
import type { OutboxEntry, Repos } from '../../db/repos';
import type { TransfersRepo } from '../../db/repos/transfers';
import { uploadVolume, type StoreConnection, type UploadOptions } from './store-client';

export interface OutboxWorkerOptions {
  /** First retry delay; doubles per attempt up to `maxBackoffMs`, with jitter. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly upload?: Omit<UploadOptions, 'resume' | 'onProgress'>;
  readonly random?: () => number;
  /** Told after each change of an entry (sending, progress, committed, failed), for live screens. */
  readonly onChange?: (entry: OutboxEntry) => void;
}

export interface OutboxRunResult {
  readonly committed: number[];
  readonly failed: { volumeId: number; error: string }[];
}

/**
 * Uploads queued volumes in the background: one entry at a time (each uploads a bounded number of blobs
 * at once), progress written to the outbox row, failures retried with exponential back-off and jitter.
 * Everything lives in the database (outbox rows, tus upload URLs), so a restart resumes: an entry left
 * `sending` by a crash is marked failed and retried, and its uploads continue from their offsets.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<OutboxRunResult> | null = null;

  constructor(
    private readonly deps: { repos: Repos; transfers: TransfersRepo; blobs: BlobStore; now: () => Date },
    private readonly conn: StoreConnection,
    private readonly options: OutboxWorkerOptions = {},
  ) {
    for (const e of deps.repos.outbox.list({ states: ['sending'] })) {
      if (e.kind === 'upload') deps.repos.outbox.fail(e.id, 'interrupted (restart)');
    }
  }

  enqueue(volumeId: number): number {
    return this.deps.repos.outbox.enqueue(volumeId, 'upload', this.conn.url).id;
  }

  /** Processes every entry that is due now; never runs twice at once. */
  runOnce(): Promise<OutboxRunResult> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Polls every `intervalMs` until stop(). */
  start(intervalMs = 5000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.runOnce();
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private changed(id: number): void {
    if (!this.options.onChange) return;
    try {
      this.options.onChange(this.deps.repos.outbox.get(id));
    } catch {
      // A listener's failure must not fail the upload.
    }
  }

  private backoffMs(attempts: number): number {
    const base = this.options.baseBackoffMs ?? 2000;
    const max = this.options.maxBackoffMs ?? 10 * 60 * 1000;
    const raw = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
    return Math.round(raw * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
  }

  private async drain(): Promise<OutboxRunResult> {
    const { repos, transfers } = this.deps;
    const result: { committed: number[]; failed: { volumeId: number; error: string }[] } = {
      committed: [],
      failed: [],
    };
    for (const id of transfers.dueUploads()) {
      let entry = repos.outbox.get(id);
      if (entry.state === 'failed') entry = repos.outbox.retry(id);
      entry = repos.outbox.markSending(id);
      this.changed(id);
      try {
        const r = await uploadVolume(this.deps, this.conn, entry.volumeId, {
          ...this.options.upload,
          resume: {
            get: (sha) => transfers.uploadUrl(id, sha),
            set: (sha, url) => {
              transfers.setUploadUrl(id, sha, url);
            },
          },
          onProgress: (done, total) => {
            repos.outbox.progress(id, done, total);
            this.changed(id);
          },
        });
        repos.outbox.commit(id, r.receipt);
        transfers.clearUploads(id);
        transfers.retryAfter(id, null);
        this.changed(id);
        result.committed.push(entry.volumeId);
      } catch (e) {
        const message = isDomainError(e)
          ? `${e.code}: ${e.text.en}`
          : e instanceof Error
            ? e.message
            : String(e);
        repos.outbox.fail(id, message);
        transfers.retryAfter(
          id,
          new Date(this.deps.now().getTime() + this.backoffMs(repos.outbox.get(id).attempts)),
        );
        this.changed(id);
        result.failed.push({ volumeId: entry.volumeId, error: message });
      }
    }
    return result;
  }
}
