import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, type MigrationReport } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Open without writing: no migrations, no journal-mode change. */
  readonly readonly?: boolean;
  /** Migrations to apply (tests pass a prefix to build a database at an older version). */
  readonly migrations?: readonly Migration[];
}

/** The pragmas every connection must have, checked after they are set (see docs/ARCHITECTURE.md, storage). */
const REQUIRED = { journal_mode: 'wal', synchronous: 2 /* FULL */, foreign_keys: 1 } as const;

export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}

/**
 * Opens (creating if needed) an archive database and brings its schema up to date.
 *
 * better-sqlite3 builds SQLite with WAL defaulting to synchronous=NORMAL, which may lose the last
 * commits on power loss; a page is acknowledged only after its row commits, so FULL is required and
 * asserted, not assumed.
 */
export function openDatabase(
  file: string,
  options: OpenOptions = {},
): { db: Db; migrations: MigrationReport } {
  if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    assertPragmas(db, options.readonly ?? false);
    const report = options.readonly
      ? { from: currentVersion(db), to: currentVersion(db), applied: [] }
      : migrate(db, options.migrations ?? MIGRATIONS);
    return { db, migrations: report };
  } catch (e) {
    db.close();
    throw e;
  }
}

export function assertPragmas(db: Db, readonly: boolean): void {
  const journal = String(db.pragma('journal_mode', { simple: true }));
  const synchronous = Number(db.pragma('synchronous', { simple: true }));
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
  const problems: string[] = [];
  if (!readonly && journal !== REQUIRED.journal_mode) problems.push(`journal_mode=${journal}`);
  if (synchronous !== REQUIRED.synchronous) problems.push(`synchronous=${synchronous}`);
  if (foreignKeys !== REQUIRED.foreign_keys) problems.push(`foreign_keys=${foreignKeys}`);
  if (problems.length > 0) {
    throw new DatabaseSetupError(
      `数据库设置不符合要求 / database settings not as required (WAL, synchronous=FULL, foreign_keys=ON): ${problems.join(', ')}`,
    );
  }
}

export function currentVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}
