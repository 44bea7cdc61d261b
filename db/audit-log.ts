import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../core/canonical-json';
import { sha256Hex } from './digest';

export type AuditOutcome = 'ok' | 'denied' | 'error';

export interface AuditEntry {
  readonly userId?: number | null;
  readonly username?: string | null;
  /** What was done, as a stable dotted name: `volume.transition`, `user.login`, `db.backup`. */
  readonly action: string;
  readonly objectType?: string | null;
  readonly objectId?: string | number | null;
  readonly outcome: AuditOutcome;
  readonly details?: Readonly<Record<string, Json>>;
}

export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly userId: number | null;
  readonly username: string | null;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly outcome: AuditOutcome;
  readonly details: Readonly<Record<string, Json>>;
  readonly prevHash: string;
  readonly hash: string;
}

export type AuditVerifyResult =
  | { readonly ok: true; readonly checked: number; readonly lastHash: string }
  | {
      readonly ok: false;
      readonly checked: number;
      readonly seq: number;
      readonly problem: 'hash-mismatch' | 'chain-broken' | 'sequence-gap';
    };

export const GENESIS_HASH = '0'.repeat(64);

interface Row {
  seq: number;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: AuditOutcome;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The hash of a record covers its content and the previous hash, so an edit anywhere breaks the chain after it. */
export function auditHash(prevHash: string, r: Omit<AuditRecord, 'prevHash' | 'hash'>): string {
  const content = canonicalJson({
    seq: r.seq,
    at: r.at,
    userId: r.userId,
    username: r.username,
    action: r.action,
    objectType: r.objectType,
    objectId: r.objectId,
    outcome: r.outcome,
    details: r.details,
  });
  return sha256Hex(new TextEncoder().encode(`${prevHash}\n${content}`));
}

/**
 * The append-only, hash-chained audit log. Appends join the caller's transaction when there is one,
 * so an action and its audit record commit together or not at all.
 * Known limit: cutting records off the end leaves a valid shorter chain; the store keeps the
 * workstation's latest hash with every receipt, which exposes such a cut.
 */
export class AuditLog {
  private readonly last: Statement<[], { seq: number; hash: string }>;
  private readonly insert: Statement<Row>;
  private readonly all: Statement<[], Row>;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at, user_id, username, action, object_type, object_id, outcome, details, prev_hash, hash)
       VALUES (@seq, @at, @user_id, @username, @action, @object_type, @object_id, @outcome, @details, @prev_hash, @hash)`,
    );
    this.all = db.prepare('SELECT * FROM audit_log ORDER BY seq');
  }

  append(entry: AuditEntry): AuditRecord {
    return this.db
      .transaction(() => {
        const last = this.last.get();
        const base = {
          seq: (last?.seq ?? 0) + 1,
          at: this.now().toISOString(),
          userId: entry.userId ?? null,
          username: entry.username ?? null,
          action: entry.action,
          objectType: entry.objectType ?? null,
          objectId: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
          outcome: entry.outcome,
          details: entry.details ?? {},
        };
        const prevHash = last?.hash ?? GENESIS_HASH;
        const record: AuditRecord = { ...base, prevHash, hash: auditHash(prevHash, base) };
        this.insert.run(toRow(record));
        return record;
      })
      .immediate();
  }

  *records(): Generator<AuditRecord> {
    for (const row of this.all.iterate()) yield fromRow(row);
  }

  /** Recomputes the whole chain; reports the first record that does not fit. */
  verify(): AuditVerifyResult {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (const r of this.records()) {
      if (r.seq !== expectedSeq) return { ok: false, checked, seq: r.seq, problem: 'sequence-gap' };
      if (r.prevHash !== prevHash) return { ok: false, checked, seq: r.seq, problem: 'chain-broken' };
      if (auditHash(prevHash, r) !== r.hash)
        return { ok: false, checked, seq: r.seq, problem: 'hash-mismatch' };
      prevHash = r.hash;
      expectedSeq++;
      checked++;
    }
    return { ok: true, checked, lastHash: prevHash };
  }
}

function toRow(r: AuditRecord): Row {
  return {
    seq: r.seq,
    at: r.at,
    user_id: r.userId,
    username: r.username,
    action: r.action,
    object_type: r.objectType,
    object_id: r.objectId,
    outcome: r.outcome,
    details: canonicalJson(r.details),
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

function fromRow(row: Row): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    userId: row.user_id,
    username: row.username,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    outcome: row.outcome,
    details: JSON.parse(row.details) as Record<string, Json>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
