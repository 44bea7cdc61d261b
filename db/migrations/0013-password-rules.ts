import type { Migration } from './index';

// Password rules for 等级保护 level 3 (identity authentication: an initial password is changed at first
// sign-in; passwords are changed periodically and not reused). Once released it is never edited again.
export const migration0013: Migration = {
  version: 13,
  name: 'password-rules',
  up(db) {
    db.exec(`
      -- 1: the password was set by someone else (an administrator, the CLI): signing in with it only
      -- allows changing it. Accounts that exist before this version are not forced: the person chose
      -- their password, and its age still counts from password_changed_at.
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
        CHECK (must_change_password IN (0, 1));
      -- The last few password hashes of each user (the current one included), so a new password cannot
      -- repeat a recent one. Hashes only (same scrypt format as users.password_hash), trimmed on change.
      CREATE TABLE password_history (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        password_hash TEXT NOT NULL,
        set_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX password_history_user ON password_history(user_id, id);
      -- Existing accounts start their history with their current password.
      INSERT INTO password_history (user_id, password_hash, set_at)
        SELECT id, password_hash, password_changed_at FROM users ORDER BY id;
    `);
  },
};
