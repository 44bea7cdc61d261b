import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { systemClock, type Clock } from './actor';

export type BatchState = 'open' | 'closed' | 'aborted';

export interface Batch {
  readonly id: number;
  readonly uid: string;
  readonly device: string;
  /** The scan settings used (resolution, colour, duplex, ...), as given. */
  readonly profile: Json;
  readonly state: BatchState;
  readonly operatorId: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

interface BatchRow {
  id: number;
  uid: string;
  device: string;
  profile: string;
  state: BatchState;
  operator_id: number | null;
  started_at: string;
  finished_at: string | null;
}

/** 批次: one scanning run. Open while pages arrive, then closed (done) or aborted. */
export class BatchesRepo {
  private readonly insert: Statement<Omit<BatchRow, 'id' | 'finished_at'>>;
  private readonly byId: Statement<{ id: number }, BatchRow>;
  private readonly finish: Statement<{ id: number; state: BatchState; now: string }>;

  constructor(
    private readonly db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO batches (uid, device, profile, state, operator_id, started_at)
       VALUES (@uid, @device, @profile, @state, @operator_id, @started_at)`,
    );
    this.byId = db.prepare('SELECT * FROM batches WHERE id = @id');
    this.finish = db.prepare(
      "UPDATE batches SET state = @state, finished_at = @now WHERE id = @id AND state = 'open'",
    );
  }

  open(input: { device: string; profile: Json; operatorId: number | null }): Batch {
    if (input.device.trim() === '') {
      throw new DomainError('batch.invalid-device', text('未指定扫描设备', 'No scanning device given'));
    }
    const id = Number(
      this.insert.run({
        uid: randomUUID(),
        device: input.device,
        profile: canonicalJson(input.profile),
        state: 'open',
        operator_id: input.operatorId,
        started_at: this.now().toISOString(),
      }).lastInsertRowid,
    );
    return this.get(id);
  }

  close(id: number): Batch {
    return this.end(id, 'closed');
  }

  abort(id: number): Batch {
    return this.end(id, 'aborted');
  }

  /**
   * Batches still open (a run a crash or kill interrupted, when no scan runs), each with the live pages
   * it got and their volume (the first page's; null when it got none).
   */
  interrupted(): { batch: Batch; pages: number; volumeId: number | null }[] {
    const rows = this.db
      .prepare(
        `SELECT b.*, (SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.deleted_at IS NULL) AS pages,
           (SELECT p.volume_id FROM pages p WHERE p.batch_id = b.id ORDER BY p.id LIMIT 1) AS volume_id
         FROM batches b WHERE b.state = 'open' ORDER BY b.id`,
      )
      .all() as (BatchRow & { pages: number; volume_id: number | null })[];
    return rows.map((r) => ({ batch: toBatch(r), pages: r.pages, volumeId: r.volume_id }));
  }

  get(id: number): Batch {
    const row = this.byId.get({ id });
    if (!row)
      throw new DomainError(
        'batch.not-found',
        text(`扫描批次不存在：${id}`, `No such scanning batch: ${id}`),
        { id },
      );
    return toBatch(row);
  }

  private end(id: number, state: 'closed' | 'aborted'): Batch {
    // Compare-and-set on 'open': a batch ends once.
    if (this.finish.run({ id, state, now: this.now().toISOString() }).changes === 0) {
      const current = this.get(id);
      throw new DomainError(
        'batch.not-open',
        text(
          `扫描批次 ${id} 已结束（${current.state}）`,
          `Scanning batch ${id} has already ended (${current.state})`,
        ),
        { id, state: current.state },
      );
    }
    return this.get(id);
  }
}

function toBatch(row: BatchRow): Batch {
  return {
    id: row.id,
    uid: row.uid,
    device: row.device,
    profile: JSON.parse(row.profile) as Json,
    state: row.state,
    operatorId: row.operator_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
