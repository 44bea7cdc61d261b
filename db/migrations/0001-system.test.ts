import { describe, expect, it } from 'vitest';
import { dbAtVersion } from '../../tests/support/db-at-version';

describe('migration 0001 system', () => {
  it('creates users, roles, sessions, settings and the audit log on an empty database', () => {
    const { db } = dbAtVersion(1);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['audit_log', 'schema_migrations', 'sessions', 'settings', 'user_roles', 'users']);
    db.close();
  });

  it('constrains roles, usernames (case-insensitive unique) and JSON settings', () => {
    const { db } = dbAtVersion(1);
    const add = db.prepare(
      "INSERT INTO users (username, display_name, password_hash, password_changed_at, created_at) VALUES (?, '王', 'x', 't', 't')",
    );
    const id = Number(add.run('wang').lastInsertRowid);
    expect(() => add.run('WANG')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO user_roles VALUES (?, 'superuser')").run(id)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO settings VALUES ('k', 'not json', 't')").run()).toThrow(/CHECK/);
    db.close();
  });
});
