import type { Database } from 'better-sqlite3';

/**
 * Inputs several check queries share, each built by one pass (over an index where one fits) into a
 * temp table before the queries run, so that no category re-reads the pages table for the same
 * aggregate. The runner builds only those the chosen statements name (`temp.<name>`).
 */
export interface InputTable {
  readonly name: string;
  build(db: Database, params: Readonly<Record<string, string | number>>): void;
}

const LIVE_VOLUME = `v.deleted_at IS NULL AND v.state <> 'withdrawn'`;

export const INPUT_TABLES: readonly InputTable[] = [
  {
    // Positions held twice by live pages: impossible while the unique index pages_volume_seq exists
    // (SQLite enforces it), so the scan is made only on a database that lacks it.
    name: 'check_seq_dups',
    build(db) {
      db.exec(`
        DROP TABLE IF EXISTS temp.check_seq_dups;
        CREATE TEMP TABLE check_seq_dups (volume_id INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
          page_ids TEXT NOT NULL, PRIMARY KEY (volume_id, seq)) WITHOUT ROWID;
      `);
      const unique = db
        .prepare(
          "SELECT 1 FROM pragma_index_list('pages') WHERE name = 'pages_volume_seq' AND \"unique\" = 1 AND partial = 1",
        )
        .get();
      if (unique !== undefined) return;
      db.exec(`
        INSERT INTO temp.check_seq_dups
          SELECT volume_id, seq, count(*), json_group_array(id) FROM pages WHERE deleted_at IS NULL
          GROUP BY volume_id, seq HAVING count(*) > 1;
      `);
    },
  },
  {
    // Live pages per volume: count, first and last position, distinct positions. Read from
    // volume_page_stats (kept on write, migration 9) where it exists, else one pass over the pages.
    name: 'check_vol_pages',
    build(db) {
      INPUT_TABLES.find((t) => t.name === 'check_seq_dups')?.build(db, {});
      const kept = hasTable(db, 'volume_page_stats');
      db.exec(`
        DROP TABLE IF EXISTS temp.check_vol_pages;
        CREATE TEMP TABLE check_vol_pages (volume_id INTEGER PRIMARY KEY, pages INTEGER NOT NULL,
          min_seq INTEGER NOT NULL, max_seq INTEGER NOT NULL, distinct_seqs INTEGER NOT NULL);
        INSERT INTO temp.check_vol_pages (volume_id, pages, min_seq, max_seq, distinct_seqs)
          ${
            kept
              ? 'SELECT volume_id, pages, min_seq, max_seq, pages FROM volume_page_stats WHERE pages > 0'
              : 'SELECT volume_id, count(*), min(seq), max(seq), count(*) FROM pages WHERE deleted_at IS NULL GROUP BY volume_id'
          };
        UPDATE temp.check_vol_pages SET distinct_seqs = pages
          - (SELECT sum(d.n - 1) FROM temp.check_seq_dups d WHERE d.volume_id = check_vol_pages.volume_id)
          WHERE volume_id IN (SELECT volume_id FROM temp.check_seq_dups);
      `);
    },
  },
  {
    // Live volumes per enterprise (the record it is merged into), by kind: one pass over volumes.
    name: 'check_ent_vols',
    build(db, params) {
      db.exec(`
        DROP TABLE IF EXISTS temp.check_ent_vols;
        CREATE TEMP TABLE check_ent_vols (root INTEGER PRIMARY KEY, volumes INTEGER NOT NULL,
          openings INTEGER NOT NULL, cancels INTEGER NOT NULL, qr INTEGER NOT NULL, qc INTEGER NOT NULL);
      `);
      db.prepare(
        `INSERT INTO temp.check_ent_vols (root, volumes, openings, cancels, qr, qc)
         SELECT r.root, count(*),
                sum(v.volume_type IN (SELECT value FROM json_each(@opening))),
                sum(v.volume_type IN (SELECT value FROM json_each(@cancellation))),
                sum(v.volume_type = 'QR'), sum(v.volume_type = 'QC')
         FROM volumes v JOIN temp.check_root r ON r.id = v.enterprise_id
         WHERE ${hasColumn(db, 'volumes', 'deleted_at') ? LIVE_VOLUME : '1'}
         GROUP BY r.root`,
      ).run({ opening: params.opening ?? '[]', cancellation: params.cancellation ?? '[]' });
    },
  },
  {
    // Digests more than one page may use: blob_shared (kept on write, migration 9) where it exists,
    // else one ordered pass over the pages_blob index.
    name: 'check_multi_blob',
    build(db) {
      db.exec(`
        DROP TABLE IF EXISTS temp.check_multi_blob;
        CREATE TEMP TABLE check_multi_blob (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT INTO temp.check_multi_blob
          ${
            hasTable(db, 'blob_shared')
              ? 'SELECT sha256 FROM blob_shared'
              : 'SELECT blob_sha256 FROM pages GROUP BY blob_sha256 HAVING count(*) > 1'
          };
      `);
    },
  },
];

function hasColumn(db: Database, table: string, column: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, column) !== undefined;
}

export function hasTable(db: Database, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
  );
}

// Characters normalizeText never changes: printable ASCII and the space, CJK unified ideographs, CJK
// punctuation (without the ideographic space U+3000 and the combining tone marks U+302A–302F, which
// NFC may reorder) and the full-width forms (NFC keeps them; only codes fold them). A value made of
// these alone, without leading, trailing or doubled spaces, is its own normal form.
const TEXT_SAFE = ' !-~一-鿿、-〩〰-〿！-～';
// normalizeCode changes only what is not printable ASCII, and lower-case letters.
const CODE_SAFE = '!-`{-~';

const textSuspect = (x: string) =>
  `(${x} GLOB '*[^${TEXT_SAFE}]*' OR ${x} GLOB ' *' OR ${x} GLOB '* ' OR ${x} GLOB '*  *' OR ${x} = '')`;
const codeSuspect = (x: string) => `(${x} GLOB '*[^${CODE_SAFE}]*')`;

/**
 * Expands the macros of the check SQL (see workstation-sql.ts). Each keeps the JS rule as the one
 * definition but calls it only where a cheap SQL test cannot already tell the answer.
 */
export function expandMacros(statement: string, options: { dpiFloor: number }): string {
  return statement
    .replace(/\{\{textSuspect ([\w.]+)\}\}/g, (_, x: string) => textSuspect(x))
    .replace(/\{\{codeSuspect ([\w.]+)\}\}/g, (_, x: string) => codeSuspect(x))
    .replace(
      /\{\{normText ([\w.]+)\}\}/g,
      (_, x: string) => `(CASE WHEN ${textSuspect(x)} THEN dangan_norm_text(${x}) ELSE ${x} END)`,
    )
    .replace(
      /\{\{normCode ([\w.]+)\}\}/g,
      (_, x: string) => `(CASE WHEN ${codeSuspect(x)} THEN dangan_norm_code(${x}) ELSE ${x} END)`,
    )
    .replace(
      // Valid for sure: eight digits, year not 0000, month 01–12, day 01–28; only the rest asks JS.
      /\{\{validDate ([\w.]+)\}\}/g,
      (_, x: string) =>
        `(CASE WHEN ${x} GLOB '[0-9][0-9][0-9][0-9][01][0-9][0-3][0-9]' AND substr(${x}, 1, 4) <> '0000'
               AND substr(${x}, 5, 2) BETWEEN '01' AND '12' AND substr(${x}, 7, 2) BETWEEN '01' AND '28'
          THEN 1 ELSE dangan_valid_date8(${x}) END)`,
    )
    .replace(/\{\{lowDpi ([\w.]+)\}\}/g, (_, p: string) =>
      // The partial index pages_low_dpi holds live pages under 200 dpi (the DA/T 31 floor).
      options.dpiFloor <= 200
        ? `${p}.deleted_at IS NULL AND min(${p}.dpi_x, ${p}.dpi_y) < 200 AND min(${p}.dpi_x, ${p}.dpi_y) < @dpiFloor`
        : `${p}.deleted_at IS NULL AND min(${p}.dpi_x, ${p}.dpi_y) < @dpiFloor`,
    );
}
