import type { Database } from 'better-sqlite3';
import { CHECK_IDS, type CheckId } from '../../core/checks/categories';
import { buildReport, hasErrors, type CheckReport, type RawFinding } from '../../core/checks/finding';
import type { Details, EntityType } from '../../core/checks/kinds';
import type { RosterEntry } from '../../core/checks/roster';
import { DEFAULT_PROVINCE, type ProvinceConfig } from '../../core/bureaus';
import type { UsccOptions } from '../../core/codes';
import { text, type Text } from '../../core/text';
import { DOCUMENT_TYPES, VOLUME_TYPES } from '../../core/vocabulary';
import { registerCheckFunctions } from './functions';
import type { BlobInventory } from './inventory';
import { WORKSTATION_SQL } from './workstation-sql';

export interface CheckOptions {
  readonly only?: readonly CheckId[];
  /** The registration system's roster; without it `deleted-upstream` is reported as not checked. */
  readonly roster?: readonly RosterEntry[];
  /** What blob storage holds (presence and size, read every run). */
  readonly inventory: BlobInventory;
  readonly now?: Date;
  /** DA/T 31: at least 200 dpi. */
  readonly dpiFloor?: number;
  /** A volume still without pages this long after registration is reported. */
  readonly emptyVolumeDays?: number;
  /** Soft-deleted rows older than this are reported for purging. */
  readonly deletedRetentionDays?: number;
  /** The queries per category for this database's schema (default: the workstation's). */
  readonly sql?: Readonly<Record<CheckId, readonly string[]>>;
  readonly province?: ProvinceConfig;
  readonly uscc?: UsccOptions;
  /** Page cache for the run, MiB (default 256). */
  readonly cacheMiB?: number;
  /** Append the counts to check_runs (the trend in the monthly statistics). Default true. */
  readonly record?: boolean;
}

const DAY_MS = 86_400_000;

/** Runs the chosen categories (all by default) and returns the report. Reads only, except check_runs. */
export function runChecks(db: Database, options: CheckOptions): CheckReport {
  const ids = options.only ?? CHECK_IDS;
  const now = options.now ?? new Date();
  const sql = options.sql ?? WORKSTATION_SQL;
  const started = new Date();
  registerCheckFunctions(db, options.uscc === undefined ? {} : { uscc: options.uscc });
  // The checks look digests up at random across the whole catalogue: SQLite's default 2 MB page cache
  // thrashes on that, so the run gets a larger one (in KiB, negative by SQLite's convention).
  const cacheBefore = Number(db.pragma('cache_size', { simple: true }));
  db.pragma(`cache_size = ${-(options.cacheMiB ?? 256) * 1024}`);
  try {
    return runWithCache(db, options, ids, now, sql, started);
  } finally {
    db.pragma(`cache_size = ${cacheBefore}`);
  }
}

function runWithCache(
  db: Database,
  options: CheckOptions,
  ids: readonly CheckId[],
  now: Date,
  sql: Readonly<Record<CheckId, readonly string[]>>,
  started: Date,
): CheckReport {
  prepareInputs(db, options);

  const params: Record<string, string | number> = {
    opening: JSON.stringify(VOLUME_TYPES.filter((t) => t.isOpening).map((t) => t.code)),
    cancellation: JSON.stringify(VOLUME_TYPES.filter((t) => t.isCancellation).map((t) => t.code)),
    volumeTypes: JSON.stringify(VOLUME_TYPES.map((t) => t.code)),
    documentTypes: JSON.stringify(DOCUMENT_TYPES.map((t) => t.code)),
    bureaus: JSON.stringify((options.province ?? DEFAULT_PROVINCE).bureaus.map((b) => b.code)),
    dpiFloor: options.dpiFloor ?? 200,
    emptyBefore: new Date(now.getTime() - (options.emptyVolumeDays ?? 30) * DAY_MS).toISOString(),
    deletedBefore: new Date(now.getTime() - (options.deletedRetentionDays ?? 365) * DAY_MS).toISOString(),
  };

  const referenced = blobReferences(db);
  const raw: RawFinding[] = [];
  const notes = new Map<CheckId, Text[]>();
  for (const id of ids) {
    if (id === 'deleted-upstream' && options.roster === undefined) {
      notes.set(id, [
        text('未提供登记系统名录（--roster），本项未检查', 'No roster given (--roster): not checked'),
      ]);
      continue;
    }
    for (const statement of sql[id]) {
      const expanded = statement.replace(/\{\{referenced ([\w.]+)\}\}/g, (_, x: string) => referenced(x));
      raw.push(...query(db, expanded, params));
    }
    const extra = categoryNotes(db, id);
    if (extra.length > 0) notes.set(id, extra);
  }
  const report = buildReport(ids, raw, notes);
  if (options.record ?? true) recordRun(db, started, report);
  return report;
}

function query(db: Database, statement: string, params: Record<string, string | number>): RawFinding[] {
  // Bind only the parameters the statement names.
  const used = Object.fromEntries(Object.entries(params).filter(([k]) => statement.includes(`@${k}`)));
  const rows = db.prepare(statement).raw().all(used) as [string, EntityType, string | number, string][];
  return rows.map(([kind, entityType, entityId, details]) => ({
    kind,
    entityType,
    entityId: String(entityId),
    details: JSON.parse(details) as Details,
  }));
}

/**
 * "Some row refers to this blob", built from the schema's foreign keys to blobs(sha256), so that a
 * table a later migration adds (thumbnails, processed masters) keeps its blobs from looking redundant.
 */
export function blobReferences(db: Database): (expr: string) => string {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const refs: { table: string; column: string }[] = [];
  for (const table of tables) {
    const fks = db
      .prepare('SELECT "table" AS parent, "from" AS col FROM pragma_foreign_key_list(?)')
      .all(table) as {
      parent: string;
      col: string;
    }[];
    for (const fk of fks) if (fk.parent === 'blobs') refs.push({ table, column: fk.col });
  }
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return (expr) =>
    refs.length === 0
      ? '0'
      : `(${refs.map((r) => `EXISTS (SELECT 1 FROM ${quote(r.table)} WHERE ${quote(r.column)} = ${expr})`).join(' OR ')})`;
}

/** What a category could not check in this run, with counts. */
function categoryNotes(db: Database, id: CheckId): Text[] {
  const notes: Text[] = [];
  if (id === 'image-wrong') {
    const noDpi = db
      .prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL AND (dpi_x IS NULL OR dpi_y IS NULL)')
      .pluck()
      .get() as number;
    if (noDpi > 0)
      notes.push(
        text(
          `${noDpi} 页未记录分辨率，无法检查 dpi 下限`,
          `${noDpi} pages have no recorded resolution: the dpi floor could not be checked`,
        ),
      );
    const unchecked = db
      .prepare(
        'SELECT count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM fixity_results f WHERE f.sha256 = b.sha256)',
      )
      .pluck()
      .get() as number;
    if (unchecked > 0)
      notes.push(
        text(
          `${unchecked} 个图像尚未在本轮完整复核中重新计算摘要（按月轮转进行）`,
          `${unchecked} images not yet re-hashed by the rotating full fixity check`,
        ),
      );
  }
  return notes;
}

function prepareInputs(db: Database, options: CheckOptions): void {
  db.exec(`
    DROP TABLE IF EXISTS temp.check_root;
    DROP TABLE IF EXISTS temp.check_inventory;
    DROP TABLE IF EXISTS temp.check_roster;
    DROP TABLE IF EXISTS temp.check_blob_diff;
    CREATE TEMP TABLE check_root (id INTEGER PRIMARY KEY, root INTEGER NOT NULL);
    CREATE TEMP TABLE check_inventory (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE check_roster (code TEXT PRIMARY KEY, status TEXT NOT NULL);
    CREATE TEMP TABLE check_blob_diff (sha256 TEXT PRIMARY KEY, state TEXT NOT NULL, size INTEGER, actual_size INTEGER) WITHOUT ROWID;
    CREATE INDEX temp.check_root_root ON check_root(root);
  `);
  // Each record with the record it is merged into, following chains (注册号 → USCC); depth-bounded
  // so that a corrupted cycle cannot run forever.
  db.exec(`
    INSERT OR IGNORE INTO temp.check_root (id, root)
    WITH RECURSIVE r(id, root, depth) AS (
      SELECT e.id, e.id, 0 FROM enterprises e
      WHERE NOT EXISTS (SELECT 1 FROM enterprise_merges m WHERE m.from_enterprise_id = e.id AND m.undone_at IS NULL)
      UNION ALL
      SELECT m.from_enterprise_id, r.root, r.depth + 1 FROM enterprise_merges m JOIN r ON m.into_enterprise_id = r.id
      WHERE m.undone_at IS NULL AND r.depth < 64)
    SELECT id, root FROM r;
  `);
  if (options.roster) {
    const putCode = db.prepare('INSERT OR REPLACE INTO temp.check_roster (code, status) VALUES (?, ?)');
    const roster = options.roster;
    db.transaction(() => {
      for (const e of roster) putCode.run(e.code, e.status);
    })();
  }
  // Storage and catalogue compared once for the three image categories (see workstation-sql.ts).
  // Only these need storage listed, which is the slow part at scale.
  const images: readonly CheckId[] = ['image-missing', 'image-redundant', 'image-wrong'];
  if (!(options.only ?? CHECK_IDS).some((id) => images.includes(id))) return;
  const putBlob = db.prepare('INSERT OR REPLACE INTO temp.check_inventory (sha256, size) VALUES (?, ?)');
  db.transaction(() => {
    for (const b of options.inventory()) putBlob.run(b.sha256, b.size);
  })();
  db.exec(`
    INSERT INTO temp.check_blob_diff (sha256, state, size, actual_size)
      SELECT b.sha256, CASE WHEN i.sha256 IS NULL THEN 'absent' ELSE 'size' END, b.size, i.size
      FROM blobs b LEFT JOIN temp.check_inventory i ON i.sha256 = b.sha256
      WHERE i.sha256 IS NULL OR i.size <> b.size;
    INSERT INTO temp.check_blob_diff (sha256, state, size, actual_size)
      SELECT i.sha256, 'orphan', NULL, i.size FROM temp.check_inventory i
      WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = i.sha256);
  `);
}

function recordRun(db: Database, started: Date, report: CheckReport): void {
  const counts = Object.fromEntries(report.categories.map((c) => [c.id, c.count]));
  const errors = report.categories.reduce(
    (n, c) => n + c.findings.filter((f) => f.severity === 'error').length,
    0,
  );
  db.prepare(
    'INSERT INTO check_runs (started_at, finished_at, categories, counts, errors) VALUES (?, ?, ?, ?, ?)',
  ).run(
    started.toISOString(),
    new Date().toISOString(),
    JSON.stringify(report.categories.map((c) => c.id)),
    JSON.stringify(counts),
    errors,
  );
}

export { hasErrors };
