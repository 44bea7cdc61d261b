/** better-sqlite3 raises SqliteError with an extended result code such as `SQLITE_CONSTRAINT_UNIQUE`. */
export function isSqliteCode(e: unknown, code: string): boolean {
  return e instanceof Error && (e as Error & { code?: unknown }).code === code;
}

/** A UNIQUE or PRIMARY KEY violation: someone else got there first (another connection, a race). */
export function isUniqueViolation(e: unknown): boolean {
  return isSqliteCode(e, 'SQLITE_CONSTRAINT_UNIQUE') || isSqliteCode(e, 'SQLITE_CONSTRAINT_PRIMARYKEY');
}
