import type { Migration } from './index';

// Cataloguing, OCR and verification (issue 4): OCR text per page with word boxes and a full-text index,
// the last synced index of the archive store (the offline duplicate-digitization guard), and QA reviews
// with their per-page / per-document decisions.
export const migration0005: Migration = {
  version: 5,
  name: 'cataloguing',
  up(db) {
    db.exec(`
      -- One row per page and zone ('title' = the title zone, 'full' = the whole page). A failed page keeps
      -- its row with state 'failed' and the error, so the volume goes on and the page can be retried.
      CREATE TABLE page_ocr (
        id INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        zone TEXT NOT NULL CHECK (zone IN ('title', 'full')),
        state TEXT NOT NULL CHECK (state IN ('done', 'failed')),
        blob_sha256 TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        words TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(words)),
        confidence REAL,
        engine TEXT NOT NULL,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (page_id, zone)
      ) STRICT;

      -- Full-text index of page_ocr (rowid = page_ocr.id). Chinese has no spaces, so the text is stored
      -- with every CJK character as its own token and searched as a phrase: a query of any length works.
      CREATE VIRTUAL TABLE page_ocr_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');

      -- The store's list of digitized volumes as of the last sync: the duplicate-digitization guard reads it
      -- when the store cannot be reached. Replaced as a whole by each sync.
      CREATE TABLE store_index (
        id INTEGER PRIMARY KEY,
        uscc TEXT,
        reg_no TEXT,
        enterprise_name TEXT,
        volume_type TEXT NOT NULL,
        archive_no TEXT NOT NULL,
        bureau_code TEXT NOT NULL,
        year INTEGER,
        registration_date TEXT,
        state TEXT,
        node TEXT,
        UNIQUE (archive_no)
      ) STRICT;
      CREATE INDEX store_index_uscc ON store_index(uscc, volume_type);
      CREATE INDEX store_index_reg_no ON store_index(reg_no, volume_type);
      CREATE TABLE store_index_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        synced_at TEXT NOT NULL,
        source TEXT NOT NULL,
        entries INTEGER NOT NULL
      ) STRICT;

      -- 图文校核 by QA staff: one review per attempt, with the sample drawn and the rule used.
      CREATE TABLE qa_reviews (
        id INTEGER PRIMARY KEY,
        volume_id INTEGER NOT NULL REFERENCES volumes(id),
        state TEXT NOT NULL CHECK (state IN ('open', 'passed', 'rejected', 'abandoned')),
        rule TEXT NOT NULL CHECK (json_valid(rule)),
        sample_pages TEXT NOT NULL CHECK (json_valid(sample_pages)),
        reviewer_id INTEGER REFERENCES users(id),
        reviewer TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;
      CREATE INDEX qa_reviews_volume ON qa_reviews(volume_id, state);
      CREATE UNIQUE INDEX qa_reviews_one_open ON qa_reviews(volume_id) WHERE state = 'open';

      CREATE TABLE qa_decisions (
        id INTEGER PRIMARY KEY,
        review_id INTEGER NOT NULL REFERENCES qa_reviews(id),
        target_kind TEXT NOT NULL CHECK (target_kind IN ('page', 'document')),
        target_seq INTEGER NOT NULL CHECK (target_seq >= 1),
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'problem')),
        reason_code TEXT,
        note TEXT,
        decided_by INTEGER REFERENCES users(id),
        decided_by_name TEXT,
        decided_at TEXT NOT NULL,
        CHECK (verdict = 'pass' OR reason_code IS NOT NULL),
        UNIQUE (review_id, target_kind, target_seq)
      ) STRICT;
    `);
  },
};
