import type { Db } from '../open';

export interface AppliedFixRecord {
  readonly seq: number;
  readonly at: string;
  readonly username: string | null;
  readonly category: string;
  readonly changes: number;
  readonly reason: string | null;
  readonly undone: { readonly seq: number; readonly at: string; readonly username: string | null } | null;
}

/**
 * The automatic fixes applied (audit `fix.apply`), newest first, each with its undo if there was one.
 * Two plain scans rather than a self-join: audit_log has no index on action, and a join would scan it
 * once per fix.
 */
export function appliedFixes(db: Db, limit = 200): AppliedFixRecord[] {
  const applied = db
    .prepare(
      `SELECT seq, at, username, object_id AS category,
              coalesce(json_array_length(details, '$.changes'), 0) AS changes,
              json_extract(details, '$.reason') AS reason
       FROM audit_log WHERE action = 'fix.apply' ORDER BY seq DESC LIMIT ?`,
    )
    .all(limit) as Omit<AppliedFixRecord, 'undone'>[];
  const undos = new Map(
    (
      db
        .prepare("SELECT seq, at, username, object_id AS undoes FROM audit_log WHERE action = 'fix.undo'")
        .all() as { seq: number; at: string; username: string | null; undoes: string }[]
    ).map((u) => [u.undoes, { seq: u.seq, at: u.at, username: u.username }]),
  );
  return applied.map((a) => ({ ...a, undone: undos.get(String(a.seq)) ?? null }));
}
