import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { systemClock, type Clock } from './actor';
import { isUniqueViolation } from './sqlite-errors';
import { volumeNotFound } from './volumes';

export const OUTBOX_STATES = ['queued', 'sending', 'committed', 'failed', 'cancelled'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export type OutboxKind = 'upload' | 'export';

/** One volume to transfer: uploaded to the store (online) or exported as a bag (offline). */
export interface OutboxEntry {
  readonly id: number;
  readonly volumeId: number;
  readonly kind: OutboxKind;
  readonly state: OutboxState;
  /** Store URL or export folder; null for the configured default. */
  readonly target: string | null;
  readonly attempts: number;
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  readonly lastError: string | null;
  /** The store's receipt once committed. */
  readonly receipt: Json | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface OutboxRow {
  id: number;
  volume_id: number;
  kind: OutboxKind;
  state: OutboxState;
  target: string | null;
  attempts: number;
  bytes_done: number;
  bytes_total: number | null;
  last_error: string | null;
  receipt: string | null;
  created_at: string;
  updated_at: string;
}

const LIVE: readonly OutboxState[] = ['queued', 'sending', 'failed'];
const MAX_ERROR_CHARS = 4000;

/**
 * The outbox of volumes to transfer. At most one live entry (queued, sending, failed) per volume and
 * kind; committed and cancelled entries stay as history. Every state change is a compare-and-set on the
 * expected state, so a stale uploader cannot overwrite a cancel or a commit.
 */
export class OutboxRepo {
  private readonly volumeExists: Statement<{ id: number }, { id: number }>;
  private readonly liveOf: Statement<{ volumeId: number; kind: OutboxKind }, OutboxRow>;
  private readonly insert: Statement<{
    volumeId: number;
    kind: OutboxKind;
    target: string | null;
    now: string;
  }>;
  private readonly byId: Statement<{ id: number }, OutboxRow>;
  private readonly sending: Statement<{ id: number; now: string }>;
  private readonly setProgress: Statement<{ id: number; done: number; total: number; now: string }>;
  private readonly committed: Statement<{ id: number; receipt: string; now: string }>;
  private readonly failed: Statement<{ id: number; error: string; now: string }>;
  private readonly requeue: Statement<{ id: number; now: string }>;
  private readonly cancelled: Statement<{ id: number; now: string }>;
  private readonly inStates: Statement<{ states: string }, OutboxRow>;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.volumeExists = db.prepare('SELECT id FROM volumes WHERE id = @id');
    this.liveOf = db.prepare(
      `SELECT * FROM outbox WHERE volume_id = @volumeId AND kind = @kind AND state IN ('queued', 'sending', 'failed')`,
    );
    this.insert = db.prepare(
      `INSERT INTO outbox (volume_id, kind, state, target, created_at, updated_at)
       VALUES (@volumeId, @kind, 'queued', @target, @now, @now)`,
    );
    this.byId = db.prepare('SELECT * FROM outbox WHERE id = @id');
    this.sending = db.prepare(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_error = NULL, updated_at = @now
       WHERE id = @id AND state = 'queued'`,
    );
    this.setProgress = db.prepare(
      `UPDATE outbox SET bytes_done = @done, bytes_total = @total, updated_at = @now WHERE id = @id AND state = 'sending'`,
    );
    this.committed = db.prepare(
      `UPDATE outbox SET state = 'committed', receipt = @receipt, bytes_done = COALESCE(bytes_total, bytes_done),
         updated_at = @now WHERE id = @id AND state = 'sending'`,
    );
    this.failed = db.prepare(
      `UPDATE outbox SET state = 'failed', last_error = @error, updated_at = @now WHERE id = @id AND state = 'sending'`,
    );
    this.requeue = db.prepare(
      `UPDATE outbox SET state = 'queued', updated_at = @now WHERE id = @id AND state = 'failed'`,
    );
    this.cancelled = db.prepare(
      `UPDATE outbox SET state = 'cancelled', updated_at = @now WHERE id = @id AND state IN ('queued', 'sending', 'failed')`,
    );
    this.inStates = db.prepare(
      'SELECT * FROM outbox WHERE state IN (SELECT value FROM json_each(@states)) ORDER BY id',
    );
  }

  /** Queues a volume for transfer. Idempotent: while a live entry exists, that entry is returned (target unchanged). */
  enqueue(volumeId: number, kind: OutboxKind, target?: string): OutboxEntry {
    return this.db.transaction(() => {
      if (!this.volumeExists.get({ id: volumeId })) throw volumeNotFound(volumeId);
      const existing = this.liveOf.get({ volumeId, kind });
      if (existing) return toEntry(existing);
      try {
        const id = this.insert.run({
          volumeId,
          kind,
          target: target ?? null,
          now: this.now().toISOString(),
        }).lastInsertRowid;
        return this.get(Number(id));
      } catch (e) {
        // Another connection queued it first: the partial unique index keeps one live entry.
        const raced = isUniqueViolation(e) ? this.liveOf.get({ volumeId, kind }) : undefined;
        if (raced) return toEntry(raced);
        throw e;
      }
    })();
  }

  /** queued → sending (counts an attempt). */
  markSending(id: number): OutboxEntry {
    return this.change(
      id,
      this.sending.run({ id, now: this.now().toISOString() }).changes,
      ['queued'],
      'sending',
    );
  }

  progress(id: number, bytesDone: number, bytesTotal: number): OutboxEntry {
    if (
      !Number.isSafeInteger(bytesDone) ||
      !Number.isSafeInteger(bytesTotal) ||
      bytesDone < 0 ||
      bytesDone > bytesTotal
    ) {
      throw new DomainError('outbox.invalid-progress', text('传输进度无效', 'Invalid transfer progress'), {
        id,
        bytesDone,
        bytesTotal,
      });
    }
    const changes = this.setProgress.run({
      id,
      done: bytesDone,
      total: bytesTotal,
      now: this.now().toISOString(),
    }).changes;
    return this.change(id, changes, ['sending'], 'sending');
  }

  /** sending → committed, with the store's receipt. */
  commit(id: number, receipt: Json): OutboxEntry {
    const changes = this.committed.run({
      id,
      receipt: canonicalJson(receipt),
      now: this.now().toISOString(),
    }).changes;
    return this.change(id, changes, ['sending'], 'committed');
  }

  /** sending → failed, keeping the error for the technician. */
  fail(id: number, error: string): OutboxEntry {
    const changes = this.failed.run({
      id,
      error: error.slice(0, MAX_ERROR_CHARS),
      now: this.now().toISOString(),
    }).changes;
    return this.change(id, changes, ['sending'], 'failed');
  }

  /** failed → queued. */
  retry(id: number): OutboxEntry {
    return this.change(
      id,
      this.requeue.run({ id, now: this.now().toISOString() }).changes,
      ['failed'],
      'queued',
    );
  }

  /** Any live state → cancelled. */
  cancel(id: number): OutboxEntry {
    return this.change(
      id,
      this.cancelled.run({ id, now: this.now().toISOString() }).changes,
      LIVE,
      'cancelled',
    );
  }

  get(id: number): OutboxEntry {
    const row = this.byId.get({ id });
    if (!row)
      throw new DomainError(
        'outbox.not-found',
        text(`传输任务不存在：${id}`, `No such outbox entry: ${id}`),
        { id },
      );
    return toEntry(row);
  }

  /** Entries in the given states (all when omitted), oldest first. */
  list(filter: { states?: readonly OutboxState[] } = {}): OutboxEntry[] {
    return this.inStates.all({ states: JSON.stringify(filter.states ?? OUTBOX_STATES) }).map(toEntry);
  }

  private change(id: number, changes: number, from: readonly OutboxState[], to: OutboxState): OutboxEntry {
    const entry = this.get(id);
    if (changes === 0) {
      throw new DomainError(
        'outbox.illegal-state',
        text(
          `传输任务 ${id} 处于 ${entry.state} 状态，不能变为 ${to}`,
          `Outbox entry ${id} is ${entry.state}; it cannot become ${to}`,
        ),
        { id, state: entry.state, expected: from, to },
      );
    }
    return entry;
  }
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    volumeId: row.volume_id,
    kind: row.kind,
    state: row.state,
    target: row.target,
    attempts: row.attempts,
    bytesDone: row.bytes_done,
    bytesTotal: row.bytes_total,
    lastError: row.last_error,
    receipt: row.receipt === null ? null : (JSON.parse(row.receipt) as Json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
