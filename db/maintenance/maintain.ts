import type { Json } from '../../core/canonical-json';
import { AuditLog, type AuditVerifyResult } from '../audit-log';
import type { Db } from '../open';

export interface MaintainOptions {
  /** Reclaim space when free pages exceed this share of the file (default 10 %). */
  readonly freeShare?: number;
  /** Finished jobs and ended sessions older than this many days are removed (default 90). */
  readonly retentionDays?: number;
  /** What is removed by retention: the workstation's rows unless a store's are given. */
  readonly retention?: RetentionRules;
  readonly now?: () => Date;
}

/** Name → a DELETE of rows past retention (`@cutoff`: an ISO time); the audit log is never among them. */
export type RetentionRules = Readonly<Record<string, string>>;

/** A workstation: finished jobs, ended sessions, fixity results of blobs no longer held. */
export const WORKSTATION_RETENTION: RetentionRules = {
  jobs: "DELETE FROM jobs WHERE state = 'done' AND updated_at < @cutoff",
  sessions: 'DELETE FROM sessions WHERE (expires_at < @cutoff OR revoked_at < @cutoff)',
  fixity_results:
    'DELETE FROM fixity_results WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = fixity_results.sha256)',
};

/**
 * A store: committed transfer sessions and the replay records of requests, both only for a client's
 * retries within days; an open session is the upload sweep's (store/upload-sweep.ts). Receipts,
 * versions and the audit log are the archive and are never removed.
 */
export const STORE_RETENTION: RetentionRules = {
  transfer_sessions: "DELETE FROM transfer_sessions WHERE state = 'committed' AND updated_at < @cutoff",
  idempotency: 'DELETE FROM idempotency WHERE created_at < @cutoff',
};

export interface MaintainReport {
  readonly ok: boolean;
  readonly integrity: readonly string[];
  readonly foreignKeys: number;
  readonly audit: AuditVerifyResult;
  readonly analyzed: boolean;
  /** 'skipped': the file failed integrity_check, and rewriting a damaged file could spread the damage. */
  readonly vacuum: 'none' | 'incremental' | 'full' | 'skipped';
  readonly freePagesBefore: number;
  readonly freePagesAfter: number;
  readonly checkpoint: { readonly busy: number; readonly log: number; readonly checkpointed: number };
  readonly removed: Readonly<Record<string, number>>;
}

/** The audit log is kept at least this long; it is in fact never deleted (its table refuses DELETE). */
export const AUDIT_RETENTION_MONTHS_MIN = 6;

/**
 * `dangan maintain` (a workstation's or, with STORE_RETENTION, a store's database): SQLite's own checks, fresh planner statistics, space reclaimed past a threshold,
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
  const rules = Object.entries(options.retention ?? WORKSTATION_RETENTION);
  const removed = db.transaction(() =>
    Object.fromEntries(rules.map(([name, sql]) => [name, db.prepare(sql).run({ cutoff }).changes])),
  )();

  const integrityOk = integrity.length === 1 && integrity[0] === 'ok';
  db.exec('ANALYZE');
  const pages = () => Number(db.pragma('page_count', { simple: true }));
  const free = () => Number(db.pragma('freelist_count', { simple: true }));
  const freePagesBefore = free();
  let vacuum: MaintainReport['vacuum'] = integrityOk ? 'none' : 'skipped';
  if (
    integrityOk &&
    freePagesBefore > 0 &&
    freePagesBefore / Math.max(1, pages()) > (options.freeShare ?? 0.1)
  ) {
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
