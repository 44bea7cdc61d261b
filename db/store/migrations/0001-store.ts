import type { Migration } from '../../migrations';

// The archive store's own database (city or provincial node): bureaus, API clients, the catalogue of
// received volumes (every version kept), blobs, receipts, transfer sessions, idempotency records and the
// hash-chained audit log (same table shape as the workstation's, so db/audit-log.ts serves both).
export const storeMigration0001: Migration = {
  version: 1,
  name: 'store',
  up(db) {
    db.exec(`
      CREATE TABLE bureaus (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- One credential per workstation, bound to one bureau. Only a SHA-256 of the secret is kept.
      CREATE TABLE api_clients (
        id INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
        bureau_code TEXT NOT NULL REFERENCES bureaus(code),
        label TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;

      CREATE TABLE enterprises (
        id INTEGER PRIMARY KEY,
        uscc TEXT UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
        reg_no TEXT UNIQUE CHECK (reg_no IS NULL OR length(reg_no) = 15),
        name TEXT NOT NULL,
        bureau_code TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (uscc IS NOT NULL OR reg_no IS NOT NULL)
      ) STRICT;
      CREATE TABLE enterprise_aliases (
        id INTEGER PRIMARY KEY,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        kind TEXT NOT NULL CHECK (kind IN ('uscc', 'regno', 'name')),
        value TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (kind, value, enterprise_id)
      ) STRICT;
      CREATE INDEX store_enterprise_aliases_value ON enterprise_aliases(kind, value);
      CREATE TABLE enterprise_merges (
        id INTEGER PRIMARY KEY,
        from_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        into_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        undone_at TEXT,
        CHECK (from_enterprise_id <> into_enterprise_id)
      ) STRICT;

      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size INTEGER NOT NULL CHECK (size >= 0),
        created_at TEXT NOT NULL
      ) STRICT;

      -- A volume is visible once its first version commits; later versions never replace earlier ones.
      CREATE TABLE volumes (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
        archive_no TEXT NOT NULL UNIQUE,
        volume_type TEXT NOT NULL,
        year INTEGER NOT NULL,
        registration_date TEXT,
        bureau_code TEXT NOT NULL REFERENCES bureaus(code),
        current_version INTEGER NOT NULL CHECK (current_version >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX store_volumes_enterprise ON volumes(enterprise_id);

      CREATE TABLE volume_versions (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
        declared_pages INTEGER,
        payload_oxum TEXT NOT NULL,
        bag_info TEXT NOT NULL CHECK (json_valid(bag_info)),
        -- The bag's tag files and catalogue.json, kept as blobs: {"bagit.txt": "<sha256>", ...}.
        tag_files TEXT NOT NULL CHECK (json_valid(tag_files)),
        catalogue_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        client_id TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('online', 'offline')),
        created_at TEXT NOT NULL,
        UNIQUE (volume_id, version),
        UNIQUE (volume_id, manifest_sha256)
      ) STRICT;

      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES volume_versions(id),
        seq INTEGER NOT NULL,
        type_code TEXT NOT NULL,
        title TEXT NOT NULL,
        doc_date TEXT,
        responsible TEXT,
        first_page INTEGER NOT NULL,
        last_page INTEGER NOT NULL,
        UNIQUE (version_id, seq)
      ) STRICT;

      CREATE TABLE pages (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES volume_versions(id),
        seq INTEGER NOT NULL,
        file TEXT NOT NULL,
        blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        media_type TEXT NOT NULL,
        meta TEXT NOT NULL CHECK (json_valid(meta)),
        UNIQUE (version_id, seq)
      ) STRICT;
      CREATE INDEX store_pages_blob ON pages(blob_sha256);

      CREATE TABLE receipts (
        id INTEGER PRIMARY KEY,
        receipt_id TEXT NOT NULL UNIQUE,
        version_id INTEGER NOT NULL UNIQUE REFERENCES volume_versions(id),
        body TEXT NOT NULL CHECK (json_valid(body)),
        signature TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- An online transfer: the files the workstation offered; blobs arrive by tus, then commit.
      CREATE TABLE transfer_sessions (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        volume_uid TEXT NOT NULL,
        files TEXT NOT NULL CHECK (json_valid(files)),
        state TEXT NOT NULL CHECK (state IN ('open', 'committed')),
        receipt_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Replayable requests: (client, Idempotency-Key) → the response first given.
      CREATE TABLE idempotency (
        client_id TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (client_id, key)
      ) STRICT;

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
