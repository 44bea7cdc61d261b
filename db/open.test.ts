import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { MigrationError } from './migrate';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import { assertPragmas, currentVersion, DatabaseSetupError, openDatabase } from './open';

describe('openDatabase', () => {
  it('creates the file and folders, sets WAL, synchronous=FULL and foreign keys, and migrates', () => {
    const file = path.join(tempDir(), 'nested', 'dangan.db');
    const { db, migrations } = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(currentVersion(db)).toBe(LATEST_VERSION);
    expect(migrations).toEqual({
      from: 0,
      to: LATEST_VERSION,
      applied: MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    });
    db.close();
  });

  it('reopening applies nothing and keeps the history', () => {
    const file = path.join(tempDir(), 'dangan.db');
    openDatabase(file).db.close();
    const { db, migrations } = openDatabase(file);
    expect(migrations.applied).toEqual([]);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('refuses a database from a newer program and leaves it untouched', () => {
    const file = path.join(tempDir(), 'dangan.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(MigrationError);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    again.close();
  });

  it('assertPragmas names every setting that is wrong', () => {
    const raw = new Database(path.join(tempDir(), 'plain.db'));
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = OFF');
    expect(() => {
      assertPragmas(raw, false);
    }).toThrow(DatabaseSetupError);
    expect(() => {
      assertPragmas(raw, false);
    }).toThrow(/journal_mode=delete, synchronous=1, foreign_keys=0/);
    raw.close();
  });

  it('enforces foreign keys', () => {
    const { db } = openDatabase(path.join(tempDir(), 'dangan.db'));
    expect(() => db.prepare("INSERT INTO user_roles (user_id, role) VALUES (42, 'qa')").run()).toThrow(
      /FOREIGN KEY/,
    );
    db.close();
  });

  it('opens read-only without migrating', () => {
    const file = path.join(tempDir(), 'dangan.db');
    openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) }).db.close();
    const { db, migrations } = openDatabase(file, { readonly: true });
    expect(migrations).toEqual({ from: 1, to: 1, applied: [] });
    expect(() => db.prepare('CREATE TABLE x (a)').run()).toThrow(/readonly/);
    db.close();
  });

  it('a migration that fails rolls back whole, leaving the previous version', () => {
    const file = path.join(tempDir(), 'dangan.db');
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      {
        version: 2,
        name: 'broken',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE half_done (a INTEGER)');
          d.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow();
    const { db } = openDatabase(file, { readonly: true });
    expect(currentVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('refuses migration lists with gaps', () => {
    const file = path.join(tempDir(), 'dangan.db');
    const gappy = [MIGRATIONS[0]!, { ...MIGRATIONS[2]! }];
    expect(() => openDatabase(file, { migrations: gappy })).toThrow(/without gaps/);
  });
});
