import type Database from 'better-sqlite3';
import type { Migration } from './migrations';

export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly { version: number; name: string }[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies the migrations above the database's `user_version`, each in its own transaction together
 * with its version bump and history row, so a crash leaves the old version or the new, never half.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): MigrationReport {
  checkSequence(migrations);
  const from = Number(db.pragma('user_version', { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new MigrationError(
      `数据库版本 ${from} 高于本程序支持的版本 ${latest}，请升级程序 / database version ${from} is newer than this program supports (${latest}); upgrade the program`,
    );
  }
  const applied: { version: number; name: string }[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      ).run();
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      // PRAGMA does not take bound parameters; the version is an integer checked above.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push({ version: m.version, name: m.name });
  }
  return { from, to: Math.max(from, latest), applied };
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1 || !Number.isInteger(m.version)) {
      throw new MigrationError(
        `migrations must be numbered 1, 2, 3 … without gaps; found ${m.version} at ${i + 1}`,
      );
    }
  });
}
