import type { Migration } from './index';

// Data health (issue 7): the rotating fixity cursor and its results, the history of check runs (for the
// trend in the monthly statistics) and of maintenance runs (maintain, backup, restore).
// Not released yet: filled in by that work. Once released it is never edited again.
export const migration0007: Migration = {
  version: 7,
  name: 'data-health',
  up(db) {
    db.exec(`
      -- One row: where the full re-hash stands. A cycle walks every blob in digest order, a slice per
      -- run; the cursor is the last digest done, so an interrupted run resumes after it.
      CREATE TABLE fixity_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cycle INTEGER NOT NULL CHECK (cycle >= 1),
        cursor TEXT NOT NULL,
        cycle_started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- The latest re-hash of each blob.
      CREATE TABLE fixity_results (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        cycle INTEGER NOT NULL,
        checked_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'corrupt', 'undecodable')),
        actual_sha256 TEXT,
        size INTEGER,
        error TEXT
      ) STRICT;
      CREATE INDEX fixity_results_bad ON fixity_results(status) WHERE status <> 'ok';

      CREATE TABLE check_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        categories TEXT NOT NULL CHECK (json_valid(categories)),
        counts TEXT NOT NULL CHECK (json_valid(counts)),
        errors INTEGER NOT NULL CHECK (errors >= 0)
      ) STRICT;
      CREATE INDEX check_runs_started ON check_runs(started_at);

      CREATE TABLE maintenance_runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('maintain', 'backup', 'restore')),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
        details TEXT NOT NULL CHECK (json_valid(details))
      ) STRICT;
    `);
  },
};
