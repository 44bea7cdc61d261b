import type { Migration } from './index';

// Durable work: the job queue (OCR, processing, checks) and the outbox of volumes to transfer.
export const migration0003: Migration = {
  version: 3,
  name: 'work-queues',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        priority INTEGER NOT NULL DEFAULT 100,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
        run_after TEXT NOT NULL,
        locked_by TEXT,
        locked_at TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX jobs_ready ON jobs(state, priority, run_after, id);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        kind TEXT NOT NULL CHECK (kind IN ('upload', 'export')),
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'committed', 'failed', 'cancelled')),
        target TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        bytes_done INTEGER NOT NULL DEFAULT 0,
        bytes_total INTEGER,
        last_error TEXT,
        receipt TEXT CHECK (receipt IS NULL OR json_valid(receipt)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      -- At most one live entry per volume and kind; finished ones stay as history.
      CREATE UNIQUE INDEX outbox_live ON outbox(volume_id, kind) WHERE state IN ('queued', 'sending', 'failed');
    `);
  },
};
