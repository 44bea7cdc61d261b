import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { systemClock, type Clock } from './actor';

export const JOB_STATES = ['pending', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly payload: Json;
  /** Lower runs first. */
  readonly priority: number;
  readonly state: JobState;
  /** Claims so far, including the running one. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAfter: string;
  readonly lockedBy: string | null;
  readonly lockedAt: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewJob {
  readonly kind: string;
  readonly payload: Json;
  readonly priority?: number;
  readonly runAfter?: Date;
  readonly maxAttempts?: number;
}

export interface JobsOptions {
  /** Delay before the first retry; doubles with each further attempt. Default 10 s. */
  readonly backoffBaseMs?: number;
  /** Longest delay between retries. Default 1 h. */
  readonly backoffMaxMs?: number;
}

interface JobRow {
  id: number;
  kind: string;
  payload: string;
  priority: number;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Error texts are kept for diagnosis, not as a log: a long stack trace is cut. */
const MAX_ERROR_CHARS = 4000;

function notFound(id: number): DomainError {
  return new DomainError('job.not-found', text(`任务不存在：${id}`, `No such job: ${id}`), { id });
}

/**
 * The durable job queue (OCR, image processing, checks). A claim is one UPDATE … RETURNING, so a job
 * goes to one worker only; a failed job is retried with exponential back-off until `maxAttempts`;
 * after a crash `recoverStale` returns the jobs of dead workers to the queue.
 */
export class JobsRepo {
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly insert: Statement<
    Omit<JobRow, 'id' | 'state' | 'attempts' | 'locked_by' | 'locked_at' | 'last_error'>
  >;
  private readonly byId: Statement<{ id: number }, JobRow>;
  private readonly claimAny: Statement<{ worker: string; now: string }, JobRow>;
  private readonly claimKinds: Statement<{ worker: string; now: string; kinds: string }, JobRow>;
  private readonly finish: Statement<{ id: number; worker: string | null; now: string }>;
  private readonly retry: Statement<{
    id: number;
    attempts: number;
    error: string;
    runAfter: string;
    now: string;
  }>;
  private readonly giveUp: Statement<{ id: number; attempts: number; error: string; now: string }>;
  private readonly recover: Statement<{ before: string; now: string; error: string }>;
  private readonly recoverExhausted: Statement<{ before: string; now: string; error: string }>;
  private readonly countStates: Statement<[], { state: JobState; n: number }>;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
    options: JobsOptions = {},
  ) {
    this.backoffBaseMs = options.backoffBaseMs ?? 10_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 3_600_000;
    this.insert = db.prepare(
      `INSERT INTO jobs (kind, payload, priority, state, max_attempts, run_after, created_at, updated_at)
       VALUES (@kind, @payload, @priority, 'pending', @max_attempts, @run_after, @created_at, @updated_at)`,
    );
    this.byId = db.prepare('SELECT * FROM jobs WHERE id = @id');
    const claim = (filter: string) =>
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = @worker, locked_at = @now, updated_at = @now
       WHERE state = 'pending' AND id = (
         SELECT id FROM jobs WHERE state = 'pending' AND run_after <= @now ${filter}
         ORDER BY priority, run_after, id LIMIT 1)
       RETURNING *`;
    this.claimAny = db.prepare(claim(''));
    this.claimKinds = db.prepare(claim('AND kind IN (SELECT value FROM json_each(@kinds))'));
    // @worker null: whoever holds it (recovery tools); otherwise only the holder may finish its job.
    this.finish = db.prepare(
      `UPDATE jobs SET state = 'done', locked_by = NULL, locked_at = NULL, updated_at = @now
       WHERE id = @id AND state = 'running' AND (@worker IS NULL OR locked_by = @worker)`,
    );
    this.retry = db.prepare(
      `UPDATE jobs SET state = 'pending', locked_by = NULL, locked_at = NULL, last_error = @error,
         run_after = @runAfter, updated_at = @now
       WHERE id = @id AND state = 'running' AND attempts = @attempts`,
    );
    this.giveUp = db.prepare(
      `UPDATE jobs SET state = 'failed', locked_by = NULL, locked_at = NULL, last_error = @error, updated_at = @now
       WHERE id = @id AND state = 'running' AND attempts = @attempts`,
    );
    // A job whose worker died counts the attempt: a job that kills its worker every time must end up
    // failed, not crash the engine forever.
    this.recover = db.prepare(
      `UPDATE jobs SET state = 'pending', locked_by = NULL, locked_at = NULL, last_error = @error, updated_at = @now
       WHERE state = 'running' AND locked_at <= @before AND attempts < max_attempts`,
    );
    this.recoverExhausted = db.prepare(
      `UPDATE jobs SET state = 'failed', locked_by = NULL, locked_at = NULL, last_error = @error, updated_at = @now
       WHERE state = 'running' AND locked_at <= @before AND attempts >= max_attempts`,
    );
    this.countStates = db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state');
  }

  enqueue(job: NewJob): Job {
    const kind = job.kind.trim();
    const priority = job.priority ?? 100;
    const maxAttempts = job.maxAttempts ?? 3;
    if (kind === '' || !Number.isInteger(priority) || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new DomainError('job.invalid', text('任务参数无效', 'Invalid job parameters'), {
        kind,
        priority,
        maxAttempts,
      });
    }
    const at = this.now().toISOString();
    const id = Number(
      this.insert.run({
        kind,
        payload: canonicalJson(job.payload),
        priority,
        max_attempts: maxAttempts,
        run_after: (job.runAfter ?? this.now()).toISOString(),
        created_at: at,
        updated_at: at,
      }).lastInsertRowid,
    );
    return this.get(id);
  }

  /** Takes the most urgent ready job (optionally of the given kinds) for `workerId`, or null when none is ready. */
  claim(workerId: string, kinds?: readonly string[]): Job | null {
    const now = this.now().toISOString();
    const row =
      kinds === undefined
        ? this.claimAny.get({ worker: workerId, now })
        : this.claimKinds.get({ worker: workerId, now, kinds: JSON.stringify(kinds) });
    return row ? toJob(row) : null;
  }

  /**
   * Marks a running job done. With `workerId`, only if that worker still holds it (after a recovery
   * a slow worker must not complete a job someone else now runs). Throws `job.not-running` otherwise.
   */
  complete(id: number, workerId?: string): Job {
    if (this.finish.run({ id, worker: workerId ?? null, now: this.now().toISOString() }).changes === 0) {
      throw this.notRunning(id, workerId);
    }
    return this.get(id);
  }

  /** Records a failed attempt: back to pending after a back-off, or `failed` once attempts are used up. */
  fail(id: number, error: string, workerId?: string): Job {
    return this.db.transaction(() => {
      const job = this.get(id);
      if (job.state !== 'running' || (workerId !== undefined && job.lockedBy !== workerId))
        throw this.notRunning(id, workerId);
      const at = this.now();
      const message = error.slice(0, MAX_ERROR_CHARS);
      if (job.attempts >= job.maxAttempts) {
        this.giveUp.run({ id, attempts: job.attempts, error: message, now: at.toISOString() });
      } else {
        const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (job.attempts - 1));
        this.retry.run({
          id,
          attempts: job.attempts,
          error: message,
          runAfter: new Date(at.getTime() + delay).toISOString(),
          now: at.toISOString(),
        });
      }
      return this.get(id);
    })();
  }

  /**
   * Returns running jobs locked at or before `olderThan` to the queue (their worker died or hung), or
   * fails them when they have used all their attempts. At start-up, pass the start time: every job
   * still marked running belonged to the previous process. Returns how many jobs were released.
   */
  recoverStale(olderThan: Date): number {
    return this.db.transaction(() => {
      const params = {
        before: olderThan.toISOString(),
        now: this.now().toISOString(),
        error: 'worker stopped before finishing',
      };
      return this.recoverExhausted.run(params).changes + this.recover.run(params).changes;
    })();
  }

  get(id: number): Job {
    const row = this.byId.get({ id });
    if (!row) throw notFound(id);
    return toJob(row);
  }

  /** Jobs of these kinds waiting to run (now or after a back-off): is there work for their worker? */
  pendingOf(kinds: readonly string[]): number {
    return this.db
      .prepare(
        "SELECT count(*) FROM jobs WHERE state = 'pending' AND kind IN (SELECT value FROM json_each(?))",
      )
      .pluck()
      .get(JSON.stringify(kinds)) as number;
  }

  counts(): Record<JobState, number> {
    const counts: Record<JobState, number> = { pending: 0, running: 0, done: 0, failed: 0 };
    for (const { state, n } of this.countStates.iterate()) counts[state] = n;
    return counts;
  }

  private notRunning(id: number, workerId: string | undefined): DomainError {
    const job = this.get(id);
    return new DomainError(
      'job.not-running',
      text(
        `任务 ${id} 不在执行中或不属于该执行者`,
        `Job ${id} is not running${workerId === undefined ? '' : ` for worker ${workerId}`}`,
      ),
      { id, state: job.state, lockedBy: job.lockedBy },
    );
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as Json,
    priority: row.priority,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: row.run_after,
    lockedBy: row.locked_by,
    lockedAt: row.locked_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
