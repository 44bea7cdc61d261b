import type { Migration } from './index';

// The archive catalogue: enterprises (+ aliases and merges), batches, volumes, documents, blobs,
// pages and their non-destructive transforms.
export const migration0002: Migration = {
  version: 2,
  name: 'catalogue',
  up(db) {
    db.exec(`
      CREATE TABLE enterprises (
        id INTEGER PRIMARY KEY,
        uscc TEXT UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
        reg_no TEXT UNIQUE CHECK (reg_no IS NULL OR length(reg_no) = 15),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        bureau_code TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        CHECK (uscc IS NOT NULL OR reg_no IS NOT NULL)
      ) STRICT;
      CREATE INDEX enterprises_name ON enterprises(name);

      -- Other keys an enterprise is known by: a former name, a 注册号 found on old paper, ...
      CREATE TABLE enterprise_aliases (
        id INTEGER PRIMARY KEY,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        kind TEXT NOT NULL CHECK (kind IN ('uscc', 'regno', 'name')),
        value TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (kind, value, enterprise_id)
      ) STRICT;
      CREATE INDEX enterprise_aliases_value ON enterprise_aliases(kind, value);

      -- A 注册号-only record recognised as the same enterprise as a USCC record. Rows are never
      -- deleted: an undone merge gets undone_at.
      CREATE TABLE enterprise_merges (
        id INTEGER PRIMARY KEY,
        from_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        into_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        reason TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        created_at TEXT NOT NULL,
        undone_at TEXT,
        CHECK (from_enterprise_id <> into_enterprise_id)
      ) STRICT;

      CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        device TEXT NOT NULL,
        profile TEXT NOT NULL CHECK (json_valid(profile)),
        state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'aborted')),
        operator_id INTEGER REFERENCES users(id),
        started_at TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;

      CREATE TABLE volumes (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        archive_no TEXT NOT NULL UNIQUE,
        volume_type TEXT NOT NULL,
        year INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2100),
        registration_date TEXT,
        bureau_code TEXT NOT NULL,
        declared_pages INTEGER CHECK (declared_pages IS NULL OR declared_pages >= 0),
        page_count_reason TEXT,
        state TEXT NOT NULL CHECK (state IN ('registered', 'scanning', 'scanned', 'catalogued', 'verified',
          'queued', 'transferred', 'archived', 'rejected', 'withdrawn')),
        created_by INTEGER REFERENCES users(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
      ) STRICT;
      CREATE INDEX volumes_enterprise ON volumes(enterprise_id, volume_type);
      CREATE INDEX volumes_state ON volumes(state);

      -- Image bytes live in the blob store under their SHA-256; this row records that they exist.
      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        sm3 TEXT CHECK (sm3 IS NULL OR length(sm3) = 64),
        size INTEGER NOT NULL CHECK (size >= 0),
        media_type TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        batch_id INTEGER REFERENCES batches(id),
        width INTEGER,
        height INTEGER,
        dpi_x INTEGER,
        dpi_y INTEGER,
        color_mode TEXT CHECK (color_mode IS NULL OR color_mode IN ('color', 'gray', 'bw')),
        side TEXT CHECK (side IS NULL OR side IN ('front', 'back')),
        blank_score REAL,
        is_blank INTEGER NOT NULL DEFAULT 0 CHECK (is_blank IN (0, 1)),
        is_separator INTEGER NOT NULL DEFAULT 0 CHECK (is_separator IN (0, 1)),
        label_found TEXT,
        captured_at TEXT NOT NULL,
        deleted_at TEXT
      ) STRICT;
      -- Live pages have distinct positions; deleted pages keep theirs for the record.
      CREATE UNIQUE INDEX pages_volume_seq ON pages(volume_id, seq) WHERE deleted_at IS NULL;
      CREATE INDEX pages_blob ON pages(blob_sha256);

      -- Non-destructive processing: the original blob stays; each step is recorded with its result.
      CREATE TABLE page_transforms (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('rotate', 'deskew', 'crop', 'despeckle', 'threshold', 'orient')),
        params TEXT NOT NULL CHECK (json_valid(params)),
        result_sha256 TEXT REFERENCES blobs(sha256),
        created_by INTEGER REFERENCES users(id),
        created_at TEXT NOT NULL,
        UNIQUE (page_id, seq)
      ) STRICT;

      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        type_code TEXT NOT NULL,
        title TEXT NOT NULL CHECK (length(title) <= 500),
        doc_date TEXT CHECK (doc_date IS NULL OR doc_date GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
        responsible TEXT,
        first_page INTEGER NOT NULL CHECK (first_page >= 1),
        last_page INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (last_page >= first_page),
        UNIQUE (volume_id, seq)
      ) STRICT;
    `);
  },
};
