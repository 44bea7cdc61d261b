import type { Migration } from './index';

// Users, sessions, settings and the append-only audit log.
// Times are ISO-8601 UTC text (the same representation works in PostgreSQL for the store).
export const migration0001: Migration = {
  version: 1,
  name: 'system',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
        display_name TEXT NOT NULL CHECK (length(display_name) <= 100),
        password_hash TEXT NOT NULL,
        password_changed_at TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        disabled_at TEXT,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE user_roles (
        user_id INTEGER NOT NULL REFERENCES users(id),
        role TEXT NOT NULL CHECK (role IN ('operator', 'qa', 'technician', 'admin')),
        PRIMARY KEY (user_id, role)
      ) STRICT;

      -- Only a hash of the session token is kept, so a copy of the database opens no session.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX sessions_user ON sessions(user_id);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Each record carries the hash of the previous one (see db/audit-log.ts); the triggers make the
      -- table append-only for everyone going through SQLite, and the chain shows edits made around it.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        username TEXT,
        action TEXT NOT NULL,
        object_type TEXT,
        object_id TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
        details TEXT NOT NULL CHECK (json_valid(details)),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};
