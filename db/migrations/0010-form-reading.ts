import type { Migration } from './index';

// Reading registration forms (issue 4): what OCR of a form's cells found (codes, names) per page, so the
// machine check can compare a page with its enterprise. Once released it is never edited again.
export const migration0010: Migration = {
  version: 10,
  name: 'form-reading',
  up(db) {
    db.exec(`
      -- One row per page: the last reading of its form cells, from the image named (a reading of an older
      -- image of the page is stale and read again). layout: 'table' (a ruled label/value table),
      -- 'lines' (a label at the start of a line, as on a business licence), 'none' (no code label found).
      -- code_text holds the code cell's readings, one per pass, a line each; uscc the valid code they
      -- show (null: none readable). Not a foreign key to blobs: a reading is not a reference that keeps
      -- an image.
      CREATE TABLE page_form_readings (
        page_id INTEGER PRIMARY KEY REFERENCES pages(id),
        blob_sha256 TEXT NOT NULL,
        layout TEXT NOT NULL CHECK (layout IN ('table', 'lines', 'none')),
        code_label TEXT,
        code_text TEXT NOT NULL DEFAULT '',
        name_text TEXT NOT NULL DEFAULT '',
        uscc TEXT CHECK (uscc IS NULL OR length(uscc) = 18),
        engine TEXT NOT NULL,
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
        read_at TEXT NOT NULL
      ) STRICT;
      -- Which pages show a given code (a foreign page found in one volume can be looked for in others).
      CREATE INDEX page_form_readings_uscc ON page_form_readings(uscc) WHERE uscc IS NOT NULL;
    `);
  },
};
