import type { Migration } from './index';

// Issue 3 (Capture): page processing state and results, codes found on pages, files taken from import
// folders (exactly once, across restarts), and the undoable page operations of a volume.
export const migration0004: Migration = {
  version: 4,
  name: 'capture',
  up(db) {
    db.exec(`
      -- One row per captured page: written with the page (pending), completed by the processing worker.
      CREATE TABLE page_processing (
        page_id INTEGER PRIMARY KEY REFERENCES pages(id),
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
        profile TEXT NOT NULL CHECK (profile IN ('color', 'gray', 'lineart')),
        arrived_at TEXT NOT NULL,
        processed_at TEXT,
        master_sha256 TEXT REFERENCES blobs(sha256),
        thumb_sha256 TEXT REFERENCES blobs(sha256),
        orientation INTEGER CHECK (orientation IS NULL OR orientation IN (0, 90, 180, 270)),
        skew_deg REAL,
        deskewed INTEGER NOT NULL DEFAULT 0 CHECK (deskewed IN (0, 1)),
        crop TEXT CHECK (crop IS NULL OR json_valid(crop)),
        blank_score REAL,
        low_dpi INTEGER NOT NULL DEFAULT 0 CHECK (low_dpi IN (0, 1)),
        duration_ms REAL,
        last_error TEXT
      ) STRICT;
      CREATE INDEX page_processing_state ON page_processing(state, page_id);

      -- Every barcode read on a page: our volume label, a Patch-T sheet, or anything else (recorded only).
      CREATE TABLE page_codes (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        symbology TEXT NOT NULL CHECK (symbology IN ('qr', 'code39')),
        payload TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('volume-label', 'patch-t', 'other')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX page_codes_page ON page_codes(page_id);

      -- A file taken from an import or hot folder. Its identity is path + size + mtime + digest: the same
      -- file is never taken twice, even after a restart.
      CREATE TABLE imported_files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        mtime_ms INTEGER NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        page_ids TEXT NOT NULL CHECK (json_valid(page_ids)),
        taken_at TEXT NOT NULL,
        UNIQUE (path, size, mtime_ms, sha256)
      ) STRICT;
      CREATE INDEX imported_files_digest ON imported_files(sha256);

      -- Operator page operations, each with what undoes it; undoable until the volume is catalogued.
      CREATE TABLE page_ops (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        op TEXT NOT NULL CHECK (op IN ('rescan', 'insert', 'replace', 'delete', 'reorder', 'rotate')),
        params TEXT NOT NULL CHECK (json_valid(params)),
        undo TEXT NOT NULL CHECK (json_valid(undo)),
        actor TEXT,
        created_at TEXT NOT NULL,
        undone_at TEXT
      ) STRICT;
      CREATE INDEX page_ops_volume ON page_ops(volume_id, id);
    `);
  },
};
