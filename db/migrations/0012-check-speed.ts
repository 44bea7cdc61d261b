import type { Migration } from './index';

// Data-health speed, second step (issue 7): what the monthly checks would otherwise read the documents
// and blobs tables for, kept on write. Once released it is never edited again.

// Free text the text normaliser might change (characters outside the set it never changes, leading,
// trailing or doubled spaces, empty) or over its limit. The same expression, column for column, is what
// db/checks/check-inputs.ts's {{textCandidate}} writes, so that SQLite answers the free-text check
// from these partial indexes (a test compares the query plan).
const SAFE = ' !-~一-鿿、-〩〰-〿！-～';
// Codes and 档号 the code normaliser might change (anything but printable ASCII without lower case), as
// {{codeSuspect}} writes it.
export const codeSuspectSql = (x: string): string => `(${x} GLOB '*[^!-\`{-~]*')`;
export const textCandidateSql = (x: string, max: number): string =>
  `((${x} GLOB '*[^${SAFE}]*' OR ${x} GLOB ' *' OR ${x} GLOB '* ' OR ${x} GLOB '*  *' OR ${x} = '') OR length(${x}) > ${max})`;

/**
 * Documents tiling their volume's pages, per volume (or version): the last catalogued page and whether
 * the documents, in page order, tile 1..last exactly (each ends where the running sum of the lengths so
 * far ends). Recomputed for the key a document row joins or leaves (from the (key, first_page,
 * last_page) index of migration 9); rows with no documents left are dropped.
 */
export function docTilingSql(table: string, key: string): string {
  const recount = (k: string) => `
    DELETE FROM ${table} WHERE ${key} = ${k};
    INSERT INTO ${table} (${key}, last, untiled)
      SELECT ${k}, max(last_page), max(run <> last_page) FROM (
        SELECT last_page, sum(last_page - first_page + 1)
                 OVER (ORDER BY first_page, last_page ROWS UNBOUNDED PRECEDING) AS run
        FROM documents WHERE ${key} = ${k})
      HAVING count(*) > 0;`;
  return `
    CREATE TABLE ${table} (
      ${key} INTEGER PRIMARY KEY,
      last INTEGER NOT NULL,
      untiled INTEGER NOT NULL CHECK (untiled IN (0, 1))
    ) STRICT;
    CREATE TRIGGER ${table}_insert AFTER INSERT ON documents BEGIN ${recount(`NEW.${key}`)} END;
    CREATE TRIGGER ${table}_update AFTER UPDATE OF ${key}, first_page, last_page ON documents
      BEGIN ${recount(`OLD.${key}`)} ${recount(`NEW.${key}`)} END;
    CREATE TRIGGER ${table}_delete AFTER DELETE ON documents BEGIN ${recount(`OLD.${key}`)} END;
    INSERT INTO ${table} (${key}, last, untiled)
      SELECT ${key}, max(last_page), max(run <> last_page) FROM (
        SELECT ${key}, last_page, sum(last_page - first_page + 1)
                 OVER (PARTITION BY ${key} ORDER BY first_page, last_page ROWS UNBOUNDED PRECEDING) AS run
        FROM documents)
      GROUP BY ${key};`;
}

export const migration0012: Migration = {
  version: 12,
  name: 'check-speed',
  up(db) {
    db.exec(`
      -- Free-text candidates (index-error): each partial index holds only the rows whose value the
      -- normaliser might change or that are over their limit, so a healthy catalogue costs nothing.
      CREATE INDEX enterprises_name_suspect ON enterprises(id) WHERE ${textCandidateSql('name', 200)};
      CREATE INDEX documents_title_suspect ON documents(volume_id) WHERE ${textCandidateSql('title', 500)};
      CREATE INDEX documents_responsible_suspect ON documents(volume_id)
        WHERE ${textCandidateSql('responsible', 200)};
      CREATE INDEX volumes_reason_suspect ON volumes(id) WHERE ${textCandidateSql('page_count_reason', 500)};

      -- Codes and 档号 not in normal form (index-error, dup-archive-no).
      CREATE INDEX enterprises_uscc_suspect ON enterprises(uscc) WHERE ${codeSuspectSql('uscc')};
      CREATE INDEX enterprises_regno_suspect ON enterprises(reg_no) WHERE ${codeSuspectSql('reg_no')};
      CREATE INDEX volumes_archive_no_suspect ON volumes(archive_no) WHERE ${codeSuspectSql('archive_no')};

      -- Coded values (index-error): the distinct values are read from these, a seek per value.
      CREATE INDEX documents_type ON documents(type_code);
      CREATE INDEX volumes_type ON volumes(volume_type);
      CREATE INDEX volumes_bureau ON volumes(bureau_code);
      CREATE INDEX enterprises_bureau ON enterprises(bureau_code);

      -- Document page ranges per volume (page-error, index-error, image-redundant).
      ${docTilingSql('volume_doc_stats', 'volume_id')}

      -- Blobs not yet re-hashed by the rotating fixity check (a note of image-wrong): kept by counting
      -- on write, so the note is not a pass over blobs and fixity_results. (Upserts of fixity_results
      -- fire the update trigger; nothing writes blobs with INSERT OR REPLACE.)
      CREATE TABLE fixity_pending (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        blobs INTEGER NOT NULL CHECK (blobs >= 0)
      ) STRICT;
      INSERT INTO fixity_pending (id, blobs)
        SELECT 1, count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = b.sha256);
      CREATE TRIGGER fixity_pending_blob_insert AFTER INSERT ON blobs
        WHEN NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = NEW.sha256)
        BEGIN UPDATE fixity_pending SET blobs = blobs + 1; END;
      CREATE TRIGGER fixity_pending_blob_delete AFTER DELETE ON blobs
        WHEN NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = OLD.sha256)
        BEGIN UPDATE fixity_pending SET blobs = blobs - 1; END;
      CREATE TRIGGER fixity_pending_blob_update AFTER UPDATE OF sha256 ON blobs
        BEGIN
          UPDATE fixity_pending SET blobs = blobs
            - NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = OLD.sha256)
            + NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = NEW.sha256);
        END;
      CREATE TRIGGER fixity_pending_result_insert AFTER INSERT ON fixity_results
        WHEN EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = NEW.sha256)
        BEGIN UPDATE fixity_pending SET blobs = blobs - 1; END;
      CREATE TRIGGER fixity_pending_result_delete AFTER DELETE ON fixity_results
        WHEN EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = OLD.sha256)
        BEGIN UPDATE fixity_pending SET blobs = blobs + 1; END;
      CREATE TRIGGER fixity_pending_result_update AFTER UPDATE OF sha256 ON fixity_results
        BEGIN
          UPDATE fixity_pending SET blobs = blobs
            + EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = OLD.sha256)
            - EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = NEW.sha256);
        END;
    `);
  },
};
