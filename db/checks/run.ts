import type { Database } from 'better-sqlite3';
import { CHECK_IDS, type CheckId } from '../../core/checks/categories';
import { buildReport, hasErrors, type CheckReport, type RawFinding } from '../../core/checks/finding';
import { plural, type Details, type EntityType } from '../../core/checks/kinds';
import type { RosterEntry, RosterProblem } from '../../core/checks/roster';
import { DEFAULT_PROVINCE, type ProvinceConfig } from '../../core/bureaus';
import type { UsccOptions } from '../../core/codes';
import { text, type Text } from '../../core/text';
import { DOCUMENT_TYPES, VOLUME_TYPES } from '../../core/vocabulary';
import { registerCheckFunctions } from './functions';
import type { BlobInventory } from './inventory';
import { syncListing } from './listing';
import { expandMacros, hasTable, inputsFor } from './check-inputs';
import { recordCheckRun } from '../stats/check-runs';
import { CHECK_SCHEMAS, type CheckSchemaName } from './schemas';

export interface CheckOptions {
  readonly only?: readonly CheckId[];
  /** The registration system's roster; without it `deleted-upstream` is reported as not checked. */
  readonly roster?: readonly RosterEntry[];
  /** Roster lines that could not be used: each is a `deleted-upstream.roster-line` finding. */
  readonly rosterProblems?: readonly RosterProblem[];
  /** What blob storage holds (presence and size; folders unchanged since the last run are not read). */
  readonly inventory: BlobInventory;
  /** Read every storage folder again, ignoring the cached listing (missing files, changed sizes). */
  readonly fullListing?: boolean;
  readonly now?: Date;
  /** DA/T 31: at least 200 dpi. */
  readonly dpiFloor?: number;
  /** A volume still without pages this long after registration is reported. */
  readonly emptyVolumeDays?: number;
  /** Soft-deleted rows older than this are reported for purging. */
  readonly deletedRetentionDays?: number;
  /** The database's schema: its queries and what it cannot hold (default: the workstation's). */
  readonly schema?: CheckSchemaName;
  /** The queries per category, overriding the schema's. */
  readonly sql?: Readonly<Record<CheckId, readonly string[]>>;
  readonly province?: ProvinceConfig;
  readonly uscc?: UsccOptions;
  /** Page cache for the run, MiB (default 256). */
  readonly cacheMiB?: number;
  /** Append the counts to check_runs (the trend in the monthly statistics). Default true. */
  readonly record?: boolean;
  /** Per category, what this schema cannot hold (reported as a note), overriding the schema's. */
  readonly notChecked?: Readonly<Partial<Record<CheckId, Text>>>;
  /** Called with the time each step took (profiling: `npm run bench -- checks --profile`). */
  readonly onTiming?: (step: string, ms: number, cpuMs: number) => void;
}

const DAY_MS = 86_400_000;

/**
 * Runs the chosen categories (all by default) and returns the report. Writes only check_runs and the
 * cached storage listing (listing.ts).
 */
export function runChecks(db: Database, options: CheckOptions): CheckReport {
  const ids = options.only ?? CHECK_IDS;
  const now = options.now ?? new Date();
  const sql = options.sql ?? CHECK_SCHEMAS[options.schema ?? 'workstation'].sql;
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
  const timed = <T>(step: string, f: () => T): T => {
    if (!options.onTiming) return f();
    const start = performance.now();
    const cpu = process.cpuUsage();
    const r = f();
    const used = process.cpuUsage(cpu);
    options.onTiming(step, performance.now() - start, (used.user + used.system) / 1000);
    return r;
  };
  timed('inputs', () => {
    prepareInputs(db, options, timed);
  });

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
  const dpiFloor = options.dpiFloor ?? 200;
  const candidates = unreferencedCandidates(db, referenced.unreferenced);
  const expand = (statement: string) =>
    expandMacros(
      statement
        .replace(/\{\{referenced ([\w.]+)\}\}/g, (_, x: string) => referenced.exists(x))
        .replace(/\{\{unreferencedCandidates\}\}/g, () => candidates),
      { dpiFloor },
    );
  const active = ids.filter((id) => !(id === 'deleted-upstream' && options.roster === undefined));
  const statements = new Map(active.map((id) => [id, sql[id].map(expand)]));
  // The shared inputs (one pass each over the pages and volumes indexes) that the chosen statements read.
  const allSql = [...statements.values()].flat().join('\n');
  for (const input of inputsFor(allSql))
    timed(`inputs: ${input.name}`, () => {
      input.build(db, params);
    });
  const raw: RawFinding[] = [];
  const notes = new Map<CheckId, Text[]>();
  for (const id of ids) {
    if (id === 'deleted-upstream' && options.roster === undefined) {
      notes.set(id, [
        text('未提供登记系统名录（--roster），本项未检查', 'No roster given (--roster): not checked'),
      ]);
      continue;
    }
    const runStatements = () =>
      (statements.get(id) ?? []).flatMap((statement, i) =>
        timed(`${id}#${i + 1}`, () => query(db, statement, params)),
      );
    if (id === 'image-redundant' && hasTable(db, 'blob_unref_candidates')) {
      raw.push(
        ...timed('image-redundant and prune', () => redundantWithPrune(db, runStatements, referenced.exists)),
      );
    } else raw.push(...runStatements());
    if (id === 'deleted-upstream') raw.push(...(options.rosterProblems ?? []).map(rosterLine));
    const extra = timed(`${id} notes`, () => categoryNotes(db, id));
    const missing = (options.notChecked ?? CHECK_SCHEMAS[options.schema ?? 'workstation'].notChecked)[id];
    if (missing !== undefined) extra.push(missing);
    if (extra.length > 0) notes.set(id, extra);
  }
  const report = buildReport(ids, raw, notes);
  if ((options.record ?? true) && hasTable(db, 'check_runs')) recordCheckRun(db, started, report);
  return report;
}

function rosterLine(p: RosterProblem): RawFinding {
  return {
    kind: 'deleted-upstream.roster-line',
    entityType: 'roster',
    entityId: p.code === '' ? `#${p.line}` : p.code,
    details: { line: p.line, code: p.code, problemZh: p.problem.zh, problemEn: p.problem.en },
  };
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
export function blobReferences(db: Database): {
  exists: (expr: string) => string;
  /** Digests of blobs no row refers to, as one merge of ordered index scans (no probe per blob). */
  unreferenced: string;
} {
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
  // References held inside JSON (the store's tag files and transform results, store migration 2),
  // kept in a table without a foreign key (a transform's result may not have been sent).
  if (tables.includes('blob_refs')) refs.push({ table: 'blob_refs', column: 'sha256' });
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    exists: (expr) =>
      refs.length === 0
        ? '0'
        : `(${refs.map((r) => `EXISTS (SELECT 1 FROM ${quote(r.table)} WHERE ${quote(r.column)} = ${expr})`).join(' OR ')})`,
    unreferenced: [
      'SELECT sha256 FROM blobs',
      ...refs.map(
        (r) => `SELECT ${quote(r.column)} FROM ${quote(r.table)} WHERE ${quote(r.column)} IS NOT NULL`,
      ),
    ]
      .join(' EXCEPT ')
      .concat(' ORDER BY 1'),
  };
}

/**
 * The digests `image-redundant.unreferenced` tests. Few candidates (the routine case: new blobs and
 * released references since the last run) are looked up one by one; when they are a large share of all
 * blobs (after a bulk import, or the migration's first fill) one merge of ordered index scans over all
 * blobs is cheaper than a lookup per candidate, and finds the same set.
 */
function unreferencedCandidates(db: Database, unreferenced: string): string {
  if (!hasTable(db, 'blob_unref_candidates')) return `(${unreferenced})`;
  const n = db.prepare('SELECT count(*) FROM blob_unref_candidates').pluck().get() as number;
  // max(rowid) is one index step; blobs are rarely deleted, so it is close to the count.
  const blobs = (db.prepare('SELECT max(rowid) FROM blobs').pluck().get() as number | null) ?? 0;
  return n * CANDIDATE_SHARE > blobs ? `(${unreferenced})` : 'blob_unref_candidates';
}

const CANDIDATE_SHARE = 16;

/**
 * Runs the image-redundant queries and drops the candidates they found referenced, so the next run
 * tests fewer. Both in one read transaction: when it can become a write transaction (no other
 * connection wrote meanwhile), every candidate but the unreferenced ones found is dropped without being
 * tested again; otherwise the candidates are tested again by the DELETE itself.
 */
function redundantWithPrune(
  db: Database,
  run: () => RawFinding[],
  exists: (expr: string) => string,
): RawFinding[] {
  let found: RawFinding[] = [];
  try {
    db.transaction(() => {
      found = run();
      const unreferenced = found
        .filter((f) => f.kind === 'image-redundant.unreferenced')
        .map((f) => f.entityId);
      db.prepare(
        'DELETE FROM blob_unref_candidates WHERE sha256 NOT IN (SELECT value FROM json_each(?))',
      ).run(JSON.stringify(unreferenced));
    })();
    return found;
  } catch (e) {
    if (!(e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_BUSY'))) throw e;
  }
  if (found.length === 0) found = run();
  db.exec(
    `DELETE FROM blob_unref_candidates WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = blob_unref_candidates.sha256)
       OR ${exists('blob_unref_candidates.sha256')}`,
  );
  return found;
}

/** What a category could not check in this run, with counts. */
function categoryNotes(db: Database, id: CheckId): Text[] {
  const notes: Text[] = [];
  // The workstation's columns and fixity tables; another schema says what it lacks via notChecked.
  if (id === 'image-wrong' && hasTable(db, 'fixity_results')) {
    const noDpi = db
      .prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL AND (dpi_x IS NULL OR dpi_y IS NULL)') // partial index
      .pluck()
      .get() as number;
    if (noDpi > 0)
      notes.push(
        text(
          `${noDpi} 页未记录分辨率，无法检查 dpi 下限`,
          `${plural(noDpi, 'page')} ${noDpi === 1 ? 'has' : 'have'} no recorded resolution: the dpi floor could not be checked`,
        ),
      );
    const unchecked = hasTable(db, 'fixity_pending')
      ? // Kept on write (migration 12).
        ((db.prepare('SELECT blobs FROM fixity_pending').pluck().get() as number | undefined) ?? 0)
      : (db
          // Counted from the smaller side: blobs minus the re-hashed ones that still exist.
          .prepare(
            `SELECT (SELECT count(*) FROM blobs)
                  - (SELECT count(*) FROM fixity_results f WHERE EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = f.sha256))`,
          )
          .pluck()
          .get() as number);
    if (unchecked > 0)
      notes.push(
        text(
          `${unchecked} 个图像尚未在本轮完整复核中重新计算摘要（按月轮转进行）`,
          `${plural(unchecked, 'image')} not yet re-hashed by the rotating full fixity check`,
        ),
      );
  }
  return notes;
}

function prepareInputs(db: Database, options: CheckOptions, timed: <T>(step: string, f: () => T) => T): void {
  db.exec(`
    DROP TABLE IF EXISTS temp.check_root;
    DROP TABLE IF EXISTS temp.check_roster;
    CREATE TEMP TABLE check_root (id INTEGER PRIMARY KEY, root INTEGER NOT NULL);
    CREATE TEMP TABLE check_roster (code TEXT PRIMARY KEY, status TEXT NOT NULL);
    CREATE INDEX temp.check_root_root ON check_root(root);
  `);
  // Each record with the record it is merged into, following chains (注册号 → USCC); depth-bounded
  // so that a corrupted cycle cannot run forever.
  timed('inputs: merge roots', () =>
    db.exec(`
    INSERT OR IGNORE INTO temp.check_root (id, root)
    WITH RECURSIVE r(id, root, depth) AS (
      SELECT e.id, e.id, 0 FROM enterprises e
      WHERE NOT EXISTS (SELECT 1 FROM enterprise_merges m WHERE m.from_enterprise_id = e.id AND m.undone_at IS NULL)
      UNION ALL
      SELECT m.from_enterprise_id, r.root, r.depth + 1 FROM enterprise_merges m JOIN r ON m.into_enterprise_id = r.id
      WHERE m.undone_at IS NULL AND r.depth < 64)
    SELECT id, root FROM r;
  `),
  );
  if (options.roster) {
    // One statement over the whole roster (a province's is millions of codes), not one per code.
    db.prepare(
      `INSERT OR REPLACE INTO temp.check_roster (code, status)
       SELECT value ->> '$.code', value ->> '$.status' FROM json_each(?)`,
    ).run(JSON.stringify(options.roster));
  }
  // Storage and catalogue compared once for the three image categories (listing.ts). Only these need
  // storage listed, which is the slow part at scale.
  const images: readonly CheckId[] = ['image-missing', 'image-redundant', 'image-wrong'];
  if (!(options.only ?? CHECK_IDS).some((id) => images.includes(id))) return;
  timed('inputs: storage listing', () => syncListing(db, options.inventory, options.fullListing ?? false));
}

export { hasErrors };
