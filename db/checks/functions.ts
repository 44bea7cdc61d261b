import type { Database } from 'better-sqlite3';
import { isCalendarDate8 } from '../../core/calendar-date';
import { validateRegNo, validateUscc, type UsccOptions } from '../../core/codes';
import { decodeLabel } from '../../core/labels/label-codec';
import { normalizeCode, normalizeText } from '../../core/normalize';

/**
 * Scalar SQL functions that carry the domain rules of core/ into the check queries, so each rule has one
 * definition and the queries stay set-based (SQLite calls the function per row inside one statement).
 * The store's PostgreSQL schema will need the same names as SQL functions or generated columns.
 */
export function registerCheckFunctions(db: Database, options: { uscc?: UsccOptions } = {}): void {
  const det = { deterministic: true } as const;
  db.function('dangan_norm_code', det, (v: unknown) => (typeof v === 'string' ? normalizeCode(v) : v));
  db.function('dangan_norm_text', det, (v: unknown) => (typeof v === 'string' ? normalizeText(v) : v));
  db.function('dangan_valid_date8', det, (v: unknown) =>
    typeof v === 'string' && isCalendarDate8(v) ? 1 : 0,
  );
  // NULL when valid; otherwise the validator's first finding as JSON {zh, en}.
  db.function('dangan_code_problem', det, (kind: unknown, v: unknown) => {
    if (typeof v !== 'string') return null;
    const r = kind === 'uscc' ? validateUscc(v, options.uscc ?? {}) : validateRegNo(v);
    const first = r.errors[0];
    return r.valid || first === undefined ? null : JSON.stringify(first.message);
  });
  // The volume uid and 档号 our QR label names, as JSON, or NULL for foreign or damaged payloads.
  db.function('dangan_label', det, (v: unknown) => {
    if (typeof v !== 'string') return null;
    const r = decodeLabel(v);
    return r.ok ? JSON.stringify({ volumeId: r.label.volumeId, archiveNo: r.label.archiveNo }) : null;
  });
}
