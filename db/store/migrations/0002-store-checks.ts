import type { Migration } from '../../migrations';

// The store's side of the data checks' speed (issue 7): what workstation migration 9 gave the
// workstation, in the store's shape (pages belong to a volume version; dpi, QR label and transforms
// travel in pages.meta; tag files are blobs named in volume_versions.tag_files). Once released it is
// never edited again.
export const storeMigration0002: Migration = {
  version: 2,
  name: 'store-checks',
  up(db) {
    db.exec(`
      -- Partial indexes over pages.meta: each holds only the rows a check reports, so they cost nothing
      -- on a healthy store. 200 dpi is the DA/T 31 floor.
      CREATE INDEX store_pages_low_dpi ON pages(version_id)
        WHERE min(meta ->> '$.dpiX', meta ->> '$.dpiY') < 200;
      CREATE INDEX store_pages_label ON pages(version_id) WHERE meta ->> '$.labelFound' IS NOT NULL;
      -- Documents in page order per version (overlaps and gaps in one ordered pass, no sort).
      CREATE INDEX store_documents_pages ON documents(version_id, first_page, last_page);
      -- "Does any row refer to this blob" is an index lookup for the catalogue blob too.
      CREATE INDEX store_volume_versions_catalogue ON volume_versions(catalogue_sha256);

      -- Blob references held inside JSON (tag files, transform results), kept on write so that they
      -- are looked up like the foreign-key columns (db/checks/run.ts, blobReferences).
      CREATE TABLE blob_refs (
        sha256 TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('tag-file', 'transform')),
        owner_id INTEGER NOT NULL,
        PRIMARY KEY (sha256, kind, owner_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER volume_versions_refs_insert AFTER INSERT ON volume_versions
        BEGIN
          INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
            SELECT j.value, 'tag-file', NEW.id FROM json_each(NEW.tag_files) j WHERE j.type = 'text';
        END;
      CREATE TRIGGER volume_versions_refs_update AFTER UPDATE OF tag_files ON volume_versions
        BEGIN
          DELETE FROM blob_refs WHERE kind = 'tag-file' AND owner_id = OLD.id
            AND sha256 IN (SELECT value FROM json_each(OLD.tag_files));
          INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
            SELECT j.value, 'tag-file', NEW.id FROM json_each(NEW.tag_files) j WHERE j.type = 'text';
        END;
      CREATE TRIGGER volume_versions_refs_delete AFTER DELETE ON volume_versions
        BEGIN
          DELETE FROM blob_refs WHERE kind = 'tag-file' AND owner_id = OLD.id
            AND sha256 IN (SELECT value FROM json_each(OLD.tag_files));
        END;
      CREATE TRIGGER pages_refs_insert AFTER INSERT ON pages
        BEGIN
          INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
            SELECT t.value ->> '$.resultSha256', 'transform', NEW.id FROM json_each(NEW.meta, '$.transforms') t
            WHERE t.value ->> '$.resultSha256' IS NOT NULL;
        END;
      CREATE TRIGGER pages_refs_update AFTER UPDATE OF meta ON pages
        BEGIN
          DELETE FROM blob_refs WHERE kind = 'transform' AND owner_id = OLD.id
            AND sha256 IN (SELECT t.value ->> '$.resultSha256' FROM json_each(OLD.meta, '$.transforms') t);
          INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
            SELECT t.value ->> '$.resultSha256', 'transform', NEW.id FROM json_each(NEW.meta, '$.transforms') t
            WHERE t.value ->> '$.resultSha256' IS NOT NULL;
        END;
      CREATE TRIGGER pages_refs_delete AFTER DELETE ON pages
        BEGIN
          DELETE FROM blob_refs WHERE kind = 'transform' AND owner_id = OLD.id
            AND sha256 IN (SELECT t.value ->> '$.resultSha256' FROM json_each(OLD.meta, '$.transforms') t);
        END;
      INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
        SELECT j.value, 'tag-file', vv.id FROM volume_versions vv, json_each(vv.tag_files) j WHERE j.type = 'text';
      -- Pages whose meta names a transform: few, and found through the text without parsing every row.
      INSERT OR IGNORE INTO blob_refs (sha256, kind, owner_id)
        SELECT t.value ->> '$.resultSha256', 'transform', p.id FROM pages p, json_each(p.meta, '$.transforms') t
        WHERE p.meta LIKE '%resultSha256%' AND t.value ->> '$.resultSha256' IS NOT NULL;

      -- The cached storage listing (as workstation migration 9): per leaf folder of the blob store, its
      -- change stamp; what storage held; where it and the blobs table disagree; folders whose blobs rows
      -- changed since they were listed.
      CREATE TABLE blob_listing (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
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
      -- No listing yet: the first run lists everything anyway (no folder has a stamp), so nothing is
      -- marked dirty here (that would be one row per leaf folder for nothing).

      -- Pages per version (count, first and last position), kept on write: an insert adds to its
      -- version's row; any other change recounts the versions concerned from UNIQUE (version_id, seq).
      CREATE TABLE version_page_stats (
        version_id INTEGER PRIMARY KEY,
        pages INTEGER NOT NULL CHECK (pages >= 0),
        min_seq INTEGER,
        max_seq INTEGER
      ) STRICT;
      CREATE TRIGGER pages_stats_insert AFTER INSERT ON pages
        BEGIN
          INSERT INTO version_page_stats (version_id, pages, min_seq, max_seq) VALUES (NEW.version_id, 1, NEW.seq, NEW.seq)
            ON CONFLICT (version_id) DO UPDATE SET pages = pages + 1,
              min_seq = min(coalesce(min_seq, excluded.min_seq), excluded.min_seq),
              max_seq = max(coalesce(max_seq, excluded.max_seq), excluded.max_seq);
        END;
      CREATE TRIGGER pages_stats_update AFTER UPDATE OF version_id, seq ON pages
        BEGIN
          INSERT OR REPLACE INTO version_page_stats (version_id, pages, min_seq, max_seq)
            SELECT OLD.version_id, count(*), min(seq), max(seq) FROM pages WHERE version_id = OLD.version_id;
          INSERT OR REPLACE INTO version_page_stats (version_id, pages, min_seq, max_seq)
            SELECT NEW.version_id, count(*), min(seq), max(seq) FROM pages WHERE version_id = NEW.version_id;
        END;
      CREATE TRIGGER pages_stats_delete AFTER DELETE ON pages
        BEGIN
          INSERT OR REPLACE INTO version_page_stats (version_id, pages, min_seq, max_seq)
            SELECT OLD.version_id, count(*), min(seq), max(seq) FROM pages WHERE version_id = OLD.version_id;
        END;
      -- One ordered pass over UNIQUE (version_id, seq).
      INSERT INTO version_page_stats (version_id, pages, min_seq, max_seq)
        SELECT version_id, count(*), min(seq), max(seq) FROM pages GROUP BY version_id;

      -- Digests two pages of one version used (a superset: never pruned), so that "the same image twice
      -- in a volume" looks only at these. Versions of a volume share most blobs, so "used twice" alone
      -- would hold most of the store.
      CREATE TABLE blob_shared (sha256 TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TRIGGER pages_shared_insert AFTER INSERT ON pages
        WHEN EXISTS (SELECT 1 FROM pages p WHERE p.blob_sha256 = NEW.blob_sha256 AND p.version_id = NEW.version_id AND p.id <> NEW.id)
        BEGIN INSERT OR IGNORE INTO blob_shared (sha256) VALUES (NEW.blob_sha256); END;
      CREATE TRIGGER pages_shared_update AFTER UPDATE OF blob_sha256, version_id ON pages
        WHEN EXISTS (SELECT 1 FROM pages p WHERE p.blob_sha256 = NEW.blob_sha256 AND p.version_id = NEW.version_id AND p.id <> NEW.id)
        BEGIN INSERT OR IGNORE INTO blob_shared (sha256) VALUES (NEW.blob_sha256); END;
      -- One ordered pass over store_pages_blob (no sort of all pages).
      INSERT INTO blob_shared (sha256)
        SELECT blob_sha256 FROM pages GROUP BY blob_sha256 HAVING count(*) > count(DISTINCT version_id);

      -- Blobs that may have no row referring to them: every new blob, and every digest a referring row
      -- let go of. The checks test only these and drop the ones found referenced.
      CREATE TABLE blob_unref_candidates (sha256 TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TRIGGER blobs_unref_insert AFTER INSERT ON blobs
        BEGIN INSERT OR IGNORE INTO blob_unref_candidates (sha256) VALUES (NEW.sha256); END;
      CREATE TRIGGER blob_refs_unref_delete AFTER DELETE ON blob_refs
        BEGIN INSERT OR IGNORE INTO blob_unref_candidates (sha256) VALUES (OLD.sha256); END;
    `);
    // Two triggers per foreign-key column referring to blobs (pages, volume_versions, and any a later
    // store migration adds before this one runs).
    const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const refs = (
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .pluck()
        .all() as string[]
    ).flatMap((table) =>
      (
        db
          .prepare('SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = \'blobs\'')
          .pluck()
          .all(table) as string[]
      ).map((col) => ({ table, col })),
    );
    for (const { table, col } of refs) {
      const add = `INSERT OR IGNORE INTO blob_unref_candidates (sha256) SELECT OLD.${q(col)} WHERE OLD.${q(col)} IS NOT NULL;`;
      db.exec(`
        CREATE TRIGGER ${q(`${table}_${col}_unref_delete`)} AFTER DELETE ON ${q(table)} BEGIN ${add} END;
        CREATE TRIGGER ${q(`${table}_${col}_unref_update`)} AFTER UPDATE OF ${q(col)} ON ${q(table)} BEGIN ${add} END;
      `);
    }
    // Blobs no row refers to now: one merge of ordered index scans.
    const referring = [
      ...refs.map((r) => `SELECT ${q(r.col)} FROM ${q(r.table)} WHERE ${q(r.col)} IS NOT NULL`),
      'SELECT sha256 FROM blob_refs',
    ];
    db.exec(`
      INSERT OR IGNORE INTO blob_unref_candidates (sha256)
        ${['SELECT sha256 FROM blobs', ...referring].join(' EXCEPT ')} ORDER BY 1;
    `);
  },
};
