import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dbAtVersion } from '../../tests/support/db-at-version';
import { MIGRATIONS } from './index';

// Migrations only add: every table, column (with its type) and index of version N-1 is still there at N.
function schema(db: Database.Database): Map<string, string> {
  const out = new Map<string, string>();
  const objects = db
    .prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    .all() as {
    type: string;
    name: string;
    tbl_name: string;
  }[];
  for (const o of objects) {
    out.set(`${o.type}:${o.name}`, o.tbl_name);
    if (o.type === 'table') {
      for (const c of db.prepare('SELECT name, type, "notnull" FROM pragma_table_info(?)').all(o.name) as {
        name: string;
        type: string;
        notnull: number;
      }[]) {
        out.set(`column:${o.name}.${c.name}`, `${c.type}${c.notnull ? ' NOT NULL' : ''}`);
      }
    }
  }
  return out;
}

describe('migrations only add', () => {
  for (const m of MIGRATIONS.slice(1)) {
    it(`migration ${m.version} (${m.name}) keeps everything of version ${m.version - 1}`, () => {
      const before = dbAtVersion(m.version - 1);
      const after = dbAtVersion(m.version);
      const a = schema(before.db);
      const b = schema(after.db);
      for (const [key, value] of a) expect({ key, value: b.get(key) }).toEqual({ key, value });
      before.db.close();
      after.db.close();
    });
  }
});
