import type { Database } from 'better-sqlite3';

/**
 * Inputs several check queries share, each built by one pass (over an index where one fits) into a
 * temp table before the queries run, so that no category re-reads the pages table for the same
 * aggregate. The runner builds only those the chosen statements name (`temp.<name>`).
 */
export interface InputTable {
  readonly name: string;
  /** Inputs this one reads (built first). */
  readonly needs?: readonly string[];
  build(db: Database, params: Readonly<Record<string, string | number>>): void;
}

const LIVE_VOLUME = `v.deleted_at IS NULL AND v.state <> 'withdrawn'`;

/** The store's schema: pages and documents belong to volume versions. */
const isStore = (db: Database) => hasTable(db, 'volume_versions');

/** The inputs the statements name (`temp.<name>`) and those they need, in build order. */
export function inputsFor(sql: string): InputTable[] {
  const wanted = new Set(INPUT_TABLES.filter((t) => sql.includes(`temp.${t.name}`)).map((t) => t.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of INPUT_TABLES)
      if (wanted.has(t.name))
        for (const n of t.needs ?? [])
          if (!wanted.has(n)) {
            wanted.add(n);
            grew = true;
          }
  }
  return INPUT_TABLES.filter((t) => wanted.has(t.name));
}

export const INPUT_TABLES: readonly InputTable[] = [
  {
    // The store's volumes as the page and document queries see them: with their current version.
    name: 'check_current',
    build(db) {
      db.exec(`
        DROP TABLE IF EXISTS temp.check_current;
        CREATE TEMP TABLE check_current (version_id INTEGER PRIMARY KEY, id INTEGER NOT NULL, uid TEXT NOT NULL,
          enterprise_id INTEGER NOT NULL, archive_no TEXT NOT NULL, volume_type TEXT NOT NULL, declared_pages INTEGER,
          state TEXT NOT NULL, created_at TEXT NOT NULL);
      `);
      if (!isStore(db)) return;
      db.exec(`
        INSERT INTO temp.check_current
          SELECT vv.id, v.id, v.uid, v.enterprise_id, v.archive_no, v.volume_type, vv.declared_pages, 'stored', v.created_at
          FROM volumes v JOIN volume_versions vv ON vv.volume_id = v.id AND vv.version = v.current_version;
      `);
    },
  },
  {
    // Positions held twice by live pages: impossible while a unique index holds them (SQLite enforces
    // it: pages_volume_seq on the workstation, UNIQUE (version_id, seq) in the store), so the scan is
    // made only on a database that lacks it.
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
      if (unique !== undefined || isStore(db)) return;
      db.exec(`
        INSERT INTO temp.check_seq_dups
          SELECT volume_id, seq, count(*), json_group_array(id) FROM pages WHERE deleted_at IS NULL
          GROUP BY volume_id, seq HAVING count(*) > 1;
      `);
    },
  },
  {
    // Live pages per volume (vkey: the volume, or in the store its current version): count, first and
    // last position, distinct positions. Read from the summary kept on write (workstation migration 9,
    // store migration 2) where it exists, else one pass over the pages.
    name: 'check_vol_pages',
    needs: ['check_seq_dups', 'check_current'],
    build(db) {
      const store = isStore(db);
      const source = store
        ? hasTable(db, 'version_page_stats')
          ? `SELECT s.version_id, s.pages, s.min_seq, s.max_seq, s.pages
             FROM temp.check_current c JOIN version_page_stats s ON s.version_id = c.version_id WHERE s.pages > 0`
          : `SELECT c.version_id, count(*), min(p.seq), max(p.seq), count(*)
             FROM temp.check_current c JOIN pages p ON p.version_id = c.version_id GROUP BY c.version_id`
        : hasTable(db, 'volume_page_stats')
          ? 'SELECT volume_id, pages, min_seq, max_seq, pages FROM volume_page_stats WHERE pages > 0'
          : 'SELECT volume_id, count(*), min(seq), max(seq), count(*) FROM pages WHERE deleted_at IS NULL GROUP BY volume_id';
      db.exec(`
        DROP TABLE IF EXISTS temp.check_vol_pages;
        CREATE TEMP TABLE check_vol_pages (vkey INTEGER PRIMARY KEY, pages INTEGER NOT NULL,
          min_seq INTEGER NOT NULL, max_seq INTEGER NOT NULL, distinct_seqs INTEGER NOT NULL);
        INSERT INTO temp.check_vol_pages (vkey, pages, min_seq, max_seq, distinct_seqs) ${source};
        UPDATE temp.check_vol_pages SET distinct_seqs = pages
          - (SELECT sum(d.n - 1) FROM temp.check_seq_dups d WHERE d.volume_id = check_vol_pages.vkey)
          WHERE vkey IN (SELECT volume_id FROM temp.check_seq_dups);
      `);
    },
  },
  {
    // Volumes (vkey as above) whose documents do not tile 1..last exactly, or whose last catalogued
    // page is not their page count or comes before their last page; only these are read again by the page-range, uncatalogued-page and
    // more-than-catalogued queries. In page order, documents tile exactly when every one ends where the
    // running sum of the lengths so far ends (then each starts right after the one before). Read from
    // the per-volume summary kept on write where it exists, else two streaming passes over the
    // (key, first_page, last_page) index, no sort.
    name: 'check_doc_ranges',
    needs: ['check_vol_pages'],
    build(db) {
      const store = isStore(db);
      const key = store ? 'version_id' : 'volume_id';
      const summary = store ? 'version_doc_stats' : 'volume_doc_stats';
      db.exec(`
        DROP TABLE IF EXISTS temp.check_doc_ranges;
        CREATE TEMP TABLE check_doc_ranges (vkey INTEGER PRIMARY KEY, last INTEGER NOT NULL, pages INTEGER NOT NULL,
          untiled INTEGER NOT NULL);
      `);
      if (hasTable(db, summary)) {
        // Kept on write (workstation migration 12, store migration 3): one row per volume, no documents read.
        db.exec(`
          INSERT INTO temp.check_doc_ranges (vkey, last, pages, untiled)
            SELECT s.${key}, s.last, coalesce(c.pages, 0), s.untiled
            FROM ${store ? `temp.check_current cc CROSS JOIN ${summary} s ON s.${key} = cc.version_id` : `${summary} s`}
            LEFT JOIN temp.check_vol_pages c ON c.vkey = s.${key}
            WHERE s.untiled OR s.last <> coalesce(c.pages, 0) OR s.last < c.max_seq;
        `);
        return;
      }
      const docs = `documents${store ? ' WHERE version_id IN (SELECT version_id FROM temp.check_current)' : ''}`;
      db.exec(`
        INSERT INTO temp.check_doc_ranges (vkey, last, pages, untiled)
          WITH last(vkey, last) AS (SELECT ${key}, max(last_page) FROM ${docs} GROUP BY ${key}),
          untiled(vkey) AS MATERIALIZED (
            SELECT DISTINCT vkey FROM (
              SELECT ${key} AS vkey, last_page,
                     sum(last_page - first_page + 1) OVER (PARTITION BY ${key} ORDER BY first_page, last_page ROWS UNBOUNDED PRECEDING) AS run
              FROM ${docs})
            WHERE run <> last_page)
          SELECT l.vkey, l.last, coalesce(c.pages, 0), l.vkey IN (SELECT vkey FROM untiled)
          FROM last l LEFT JOIN temp.check_vol_pages c ON c.vkey = l.vkey
          WHERE l.last <> coalesce(c.pages, 0) OR l.last < c.max_seq OR l.vkey IN (SELECT vkey FROM untiled);
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
    // Digests two pages of one volume may share: blob_shared (kept on write, workstation migration 9,
    // store migration 2) where it exists, else one ordered pass over the index of pages by blob.
    name: 'check_multi_blob',
    build(db) {
      const key = isStore(db) ? 'version_id' : 'volume_id';
      db.exec(`
        DROP TABLE IF EXISTS temp.check_multi_blob;
        CREATE TEMP TABLE check_multi_blob (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT INTO temp.check_multi_blob
          ${
            hasTable(db, 'blob_shared')
              ? 'SELECT sha256 FROM blob_shared'
              : `SELECT blob_sha256 FROM pages GROUP BY blob_sha256 HAVING count(*) > count(DISTINCT ${key})`
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
      // Free text to look at: suspect, or over its limit. Written exactly as the partial indexes of
      // workstation migration 12 and store migration 3 are, so that SQLite reads only their rows.
      /\{\{textCandidate ([\w.]+) (\d+)\}\}/g,
      (_, x: string, max: string) => `(${textSuspect(x)} OR length(${x}) > ${max})`,
    )
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
    .replace(/\{\{lowDpi (.+?)\}\}/g, (_, dpi: string) =>
      // The partial indexes (pages_low_dpi, store_pages_low_dpi) hold pages under 200 dpi (DA/T 31).
      options.dpiFloor <= 200 ? `${dpi} < 200 AND ${dpi} < @dpiFloor` : `${dpi} < @dpiFloor`,
    );
}
