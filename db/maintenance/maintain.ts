import type { Json } from '../../core/canonical-json';
import { AuditLog, type AuditVerifyResult } from '../audit-log';
import type { Db } from '../open';

export interface MaintainOptions {
  /** Reclaim space when free pages exceed this share of the file (default 10 %). */
  readonly freeShare?: number;
  /** Finished jobs and ended sessions older than this many days are removed (default 90). */
  readonly retentionDays?: number;
  readonly now?: () => Date;
}

export interface MaintainReport {
  readonly ok: boolean;
  readonly integrity: readonly string[];
  readonly foreignKeys: number;
  readonly audit: AuditVerifyResult;
  readonly analyzed: boolean;
  readonly vacuum: 'none' | 'incremental' | 'full';
  readonly freePagesBefore: number;
  readonly freePagesAfter: number;
  readonly checkpoint: { readonly busy: number; readonly log: number; readonly checkpointed: number };
  readonly removed: Readonly<Record<string, number>>;
}

/** The audit log is kept at least this long; it is in fact never deleted (its table refuses DELETE). */
export const AUDIT_RETENTION_MONTHS_MIN = 6;

/**
 * `dangan maintain`: SQLite's own checks, fresh planner statistics, space reclaimed past a threshold,
 * the WAL folded back, the audit chain verified, and old operational rows removed by retention.
 *
 * Databases were created without auto_vacuum, so incremental vacuum cannot run on them; the first time
 * the free space passes the threshold a full VACUUM runs with auto_vacuum=INCREMENTAL, after which
 * `PRAGMA incremental_vacuum` does the job in small steps.
 */
export function maintain(db: Db, options: MaintainOptions = {}): MaintainReport {
  const now = options.now ?? (() => new Date());
  const integrity = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
  const foreignKeys = db.prepare('PRAGMA foreign_key_check').all().length;
  const audit = new AuditLog(db, now).verify();

  const cutoff = new Date(now().getTime() - (options.retentionDays ?? 90) * 86_400_000).toISOString();
  const removed = db.transaction(() => ({
    jobs: db.prepare("DELETE FROM jobs WHERE state = 'done' AND updated_at < ?").run(cutoff).changes,
    sessions: db.prepare('DELETE FROM sessions WHERE (expires_at < ? OR revoked_at < ?)').run(cutoff, cutoff)
      .changes,
    fixity_results: db
      .prepare(
        'DELETE FROM fixity_results WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = fixity_results.sha256)',
      )
      .run().changes,
  }))();

  db.exec('ANALYZE');
  const pages = () => Number(db.pragma('page_count', { simple: true }));
  const free = () => Number(db.pragma('freelist_count', { simple: true }));
  const freePagesBefore = free();
  let vacuum: MaintainReport['vacuum'] = 'none';
  if (freePagesBefore > 0 && freePagesBefore / Math.max(1, pages()) > (options.freeShare ?? 0.1)) {
    if (Number(db.pragma('auto_vacuum', { simple: true })) === 2) {
      db.pragma('incremental_vacuum');
      vacuum = 'incremental';
    } else {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
      vacuum = 'full';
    }
  }
  const [cp] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  const integrityOk = integrity.length === 1 && integrity[0] === 'ok';
  return {
    ok: integrityOk && foreignKeys === 0 && audit.ok,
    integrity,
    foreignKeys,
    audit,
    analyzed: true,
    vacuum,
    freePagesBefore,
    freePagesAfter: free(),
    checkpoint: cp ?? { busy: 0, log: 0, checkpointed: 0 },
    removed,
  };
}

/** A maintenance, backup or restore run, for the history shown in 系统维护. */
export function recordMaintenanceRun(
  db: Db,
  kind: 'maintain' | 'backup' | 'restore',
  startedAt: Date,
  outcome: 'ok' | 'error',
  details: Json,
): void {
  db.prepare(
    'INSERT INTO maintenance_runs (kind, started_at, finished_at, outcome, details) VALUES (?, ?, ?, ?, ?)',
  ).run(kind, startedAt.toISOString(), new Date().toISOString(), outcome, JSON.stringify(details));
}
