import type { Migration } from './index';

// Data-health speed (issue 7): indexes the monthly checks read, so that a rare condition is an index
// lookup instead of a scan of the pages table, and the cached storage listing the checks compare with
// the blobs table. Not released yet: filled in by that work. Once released it is never edited again.
export const migration0009: Migration = {
  version: 9,
  name: 'check-indexes',
  up(db) {
    db.exec(`
      -- Partial indexes: each holds only the rows a check reports (or notes), so they cost nothing on
      -- a healthy catalogue. 200 dpi is the DA/T 31 floor; a stricter floor falls back to a scan.
      CREATE INDEX pages_low_dpi ON pages(volume_id)
        WHERE deleted_at IS NULL AND min(dpi_x, dpi_y) < 200;
      CREATE INDEX pages_no_dpi ON pages(volume_id)
        WHERE deleted_at IS NULL AND (dpi_x IS NULL OR dpi_y IS NULL);
      CREATE INDEX pages_label ON pages(volume_id)
        WHERE deleted_at IS NULL AND label_found IS NOT NULL;
      CREATE INDEX pages_deleted ON pages(deleted_at, volume_id) WHERE deleted_at IS NOT NULL;

      -- "Does any row refer to this blob" must be an index lookup for every column referencing blobs.
      CREATE INDEX page_transforms_result ON page_transforms(result_sha256) WHERE result_sha256 IS NOT NULL;
      CREATE INDEX page_processing_master ON page_processing(master_sha256) WHERE master_sha256 IS NOT NULL;
      CREATE INDEX page_processing_thumb ON page_processing(thumb_sha256) WHERE thumb_sha256 IS NOT NULL;

      -- Documents in page order per volume (overlaps and gaps in one ordered pass, no sort).
      CREATE INDEX documents_pages ON documents(volume_id, first_page, last_page);

      -- What storage held when last listed, per leaf folder (4 hex digits of the digest) with the
      -- folder's change stamp; a folder whose stamp is unchanged and whose blobs rows did not change is
      -- not read again. blob_listing_diff keeps where storage and the blobs table disagree.
      CREATE TABLE blob_listing (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- One row per top folder (2 hex digits): its leaf folders' stamps as 'part stamp' lines, so that
      -- an unchanged top folder is one string comparison.
      CREATE TABLE blob_listing_parts (
        folder TEXT PRIMARY KEY,
        stamps TEXT NOT NULL,
        listed_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE blob_listing_diff (
        sha256 TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('absent', 'orphan', 'size')),
        size INTEGER,
        actual_size INTEGER
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX blob_listing_diff_state ON blob_listing_diff(state);
      -- Folders whose blobs rows changed since they were listed (kept by the triggers below).
      CREATE TABLE blob_listing_dirty (part TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TRIGGER blobs_listing_insert AFTER INSERT ON blobs
        BEGIN INSERT OR IGNORE INTO blob_listing_dirty (part) VALUES (substr(NEW.sha256, 1, 4)); END;
      CREATE TRIGGER blobs_listing_delete AFTER DELETE ON blobs
        BEGIN INSERT OR IGNORE INTO blob_listing_dirty (part) VALUES (substr(OLD.sha256, 1, 4)); END;
      CREATE TRIGGER blobs_listing_update AFTER UPDATE OF sha256, size ON blobs
        BEGIN
          INSERT OR IGNORE INTO blob_listing_dirty (part) VALUES (substr(OLD.sha256, 1, 4));
          INSERT OR IGNORE INTO blob_listing_dirty (part) VALUES (substr(NEW.sha256, 1, 4));
        END;
      -- Live pages per volume (count, first and last position), kept on write: an insert adds to its
      -- volume's row; any other change recounts the volumes concerned from pages_volume_seq.
      CREATE TABLE volume_page_stats (
        volume_id INTEGER PRIMARY KEY,
        pages INTEGER NOT NULL CHECK (pages >= 0),
        min_seq INTEGER,
        max_seq INTEGER
      ) STRICT;
      CREATE TRIGGER pages_stats_insert AFTER INSERT ON pages WHEN NEW.deleted_at IS NULL
        BEGIN
          INSERT INTO volume_page_stats (volume_id, pages, min_seq, max_seq) VALUES (NEW.volume_id, 1, NEW.seq, NEW.seq)
            ON CONFLICT (volume_id) DO UPDATE SET pages = pages + 1,
              min_seq = min(coalesce(min_seq, excluded.min_seq), excluded.min_seq),
              max_seq = max(coalesce(max_seq, excluded.max_seq), excluded.max_seq);
        END;
      CREATE TRIGGER pages_stats_update AFTER UPDATE OF volume_id, seq, deleted_at ON pages
        BEGIN
          INSERT OR REPLACE INTO volume_page_stats (volume_id, pages, min_seq, max_seq)
            SELECT OLD.volume_id, count(*), min(seq), max(seq) FROM pages WHERE volume_id = OLD.volume_id AND deleted_at IS NULL;
          INSERT OR REPLACE INTO volume_page_stats (volume_id, pages, min_seq, max_seq)
            SELECT NEW.volume_id, count(*), min(seq), max(seq) FROM pages WHERE volume_id = NEW.volume_id AND deleted_at IS NULL;
        END;
      CREATE TRIGGER pages_stats_delete AFTER DELETE ON pages
        BEGIN
          INSERT OR REPLACE INTO volume_page_stats (volume_id, pages, min_seq, max_seq)
            SELECT OLD.volume_id, count(*), min(seq), max(seq) FROM pages WHERE volume_id = OLD.volume_id AND deleted_at IS NULL;
        END;
      INSERT INTO volume_page_stats (volume_id, pages, min_seq, max_seq)
        SELECT volume_id, count(*), min(seq), max(seq) FROM pages WHERE deleted_at IS NULL GROUP BY volume_id;

      -- Digests that more than one page has used (a superset: never pruned by deletes), so that "the same
      -- image twice in a volume" looks only at these.
      CREATE TABLE blob_shared (sha256 TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TRIGGER pages_shared_insert AFTER INSERT ON pages
        WHEN EXISTS (SELECT 1 FROM pages p WHERE p.blob_sha256 = NEW.blob_sha256 AND p.id <> NEW.id)
        BEGIN INSERT OR IGNORE INTO blob_shared (sha256) VALUES (NEW.blob_sha256); END;
      CREATE TRIGGER pages_shared_update AFTER UPDATE OF blob_sha256 ON pages
        WHEN EXISTS (SELECT 1 FROM pages p WHERE p.blob_sha256 = NEW.blob_sha256 AND p.id <> NEW.id)
        BEGIN INSERT OR IGNORE INTO blob_shared (sha256) VALUES (NEW.blob_sha256); END;
      INSERT INTO blob_shared (sha256) SELECT blob_sha256 FROM pages GROUP BY blob_sha256 HAVING count(*) > 1;

      -- Blobs that may have no row referring to them: every new blob, and every digest a referring row
      -- let go of. The checks test only these, and drop the ones found referenced. Every column that
      -- refers to blobs gets two triggers, made below from the foreign keys; a later migration adding such a
      -- column adds them too (a test checks this).
      CREATE TABLE blob_unref_candidates (sha256 TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TRIGGER blobs_unref_insert AFTER INSERT ON blobs
        BEGIN INSERT OR IGNORE INTO blob_unref_candidates (sha256) VALUES (NEW.sha256); END;

      -- Blobs recorded before this migration have never been compared with a listing.
      INSERT OR IGNORE INTO blob_listing_dirty (part) SELECT DISTINCT substr(sha256, 1, 4) FROM blobs;
    `);
    // The triggers per referring column, from the foreign keys (so the tables of migration 8 count).
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const refs: { table: string; col: string }[] = [];
    for (const table of tables) {
      const cols = db
        .prepare('SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = \'blobs\'')
        .pluck()
        .all(table) as string[];
      for (const col of cols) refs.push({ table, col });
    }
    const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
    for (const { table, col } of refs) {
      const add = `INSERT OR IGNORE INTO blob_unref_candidates (sha256) SELECT OLD.${q(col)} WHERE OLD.${q(col)} IS NOT NULL;`;
      db.exec(`
        CREATE TRIGGER ${q(`${table}_${col}_unref_delete`)} AFTER DELETE ON ${q(table)} BEGIN ${add} END;
        CREATE TRIGGER ${q(`${table}_${col}_unref_update`)} AFTER UPDATE OF ${q(col)} ON ${q(table)} BEGIN ${add} END;
      `);
    }
    const referring = refs.map((r) => `SELECT ${q(r.col)} FROM ${q(r.table)} WHERE ${q(r.col)} IS NOT NULL`);
    db.exec(`
      INSERT OR IGNORE INTO blob_unref_candidates (sha256)
        ${['SELECT sha256 FROM blobs', ...referring].join(' EXCEPT ')} ORDER BY 1;
    `);
  },
};
