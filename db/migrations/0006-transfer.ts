import type { Migration } from './index';

// Workstation side of the transfer (issue 6): bags exported offline that wait for the store's receipt,
// the receipts themselves, the store keys receipts must be signed with, resumable upload URLs, and the
// outbox's back-off time.
export const migration0006: Migration = {
  version: 6,
  name: 'transfer',
  up(db) {
    db.exec(`
      -- A bag written to a folder or disk; 'awaiting-receipt' until the store's receipt file is imported.
      CREATE TABLE transfer_exports (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        bag_dir TEXT NOT NULL,
        batch TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
        state TEXT NOT NULL CHECK (state IN ('awaiting-receipt', 'received', 'cancelled')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX transfer_exports_volume ON transfer_exports(volume_id, state);

      -- Signed receipts of the store, checked before they are recorded. One per volume content.
      CREATE TABLE transfer_receipts (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
        store_version INTEGER NOT NULL CHECK (store_version >= 1),
        via TEXT NOT NULL CHECK (via IN ('online', 'offline')),
        receipt TEXT NOT NULL CHECK (json_valid(receipt)),
        received_at TEXT NOT NULL,
        UNIQUE (volume_id, manifest_sha256)
      ) STRICT;

      -- Ed25519 public keys of the stores whose receipts this workstation accepts.
      CREATE TABLE trusted_store_keys (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        label TEXT,
        added_at TEXT NOT NULL
      ) STRICT;

      -- tus upload URLs, so an upload interrupted by a restart resumes where it stopped.
      CREATE TABLE transfer_uploads (
        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
        blob_sha256 TEXT NOT NULL,
        upload_url TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (outbox_id, blob_sha256)
      ) STRICT;

      -- Back-off: a failed entry is retried no earlier than this.
      ALTER TABLE outbox ADD COLUMN run_after TEXT;
    `);
  },
};
