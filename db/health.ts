import type { Database } from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { AuditLog, type AuditVerifyResult } from './audit-log';
import type { BlobStore, VerifyResult } from './blob-store';

export interface HealthOptions {
  /** How many blobs to re-hash: a number for a random sample, or 'all'. */
  readonly blobSample?: number | 'all';
}

/** A row of `PRAGMA foreign_key_check`: the child row and the parent table it fails to reference. */
export interface ForeignKeyProblem {
  readonly table: string;
  readonly rowid: number | null;
  readonly parent: string;
  readonly fkid: number;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly integrity: readonly string[];
  readonly foreignKeys: readonly ForeignKeyProblem[];
  readonly audit: AuditVerifyResult;
  readonly blobs: {
    readonly total: number;
    readonly checked: number;
    readonly problems: readonly VerifyResult[];
  };
}

/**
 * What `dangan db check` runs: SQLite's own integrity and foreign-key checks, the audit chain, and a
 * re-hash of blobs the database refers to (a random sample by default; all on request).
 */
export function checkHealth(db: Database, blobs: BlobStore, options: HealthOptions = {}): HealthReport {
  const integrity = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
  const foreignKeys = db.prepare('PRAGMA foreign_key_check').all() as ForeignKeyProblem[];
  const audit = new AuditLog(db).verify();

  const digests = db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
  const sample = pick(digests, options.blobSample ?? 50);
  const problems = sample.map((d) => blobs.verify(d)).filter((r) => r.status !== 'ok');

  const integrityOk = integrity.length === 1 && integrity[0] === 'ok';
  return {
    ok: integrityOk && foreignKeys.length === 0 && audit.ok && problems.length === 0,
    integrity,
    foreignKeys,
    audit,
    blobs: { total: digests.length, checked: sample.length, problems },
  };
}

/** n distinct items chosen uniformly (partial Fisher–Yates), or all of them. */
export function pick<T>(items: readonly T[], n: number | 'all'): T[] {
  if (n === 'all' || n >= items.length) return [...items];
  const copy = [...items];
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(copy.length - i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}
