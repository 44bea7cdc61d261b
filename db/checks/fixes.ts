import type { Database } from 'better-sqlite3';
import type { CheckId } from '../../core/checks/categories';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { codePointLength, normalizeText } from '../../core/normalize';
import { text, type Text } from '../../core/text';
import type { AuditLog } from '../audit-log';
import { actorFields, type Actor } from '../repos/actor';
import { registerCheckFunctions } from './functions';

/**
 * 改错: the corrections that need no person's judgement, each shown exactly before it is made, made in
 * one transaction together with an audit record that holds the before- and after-image of every row it
 * touches, and undoable from that record.
 */
export const FIXABLE: readonly CheckId[] = ['redundant-data', 'index-error', 'page-error', 'page-count'];

/** Tables a fix may touch; the undo writes only these. */
const TABLES = ['enterprises', 'volumes', 'documents', 'pages', 'page_transforms'] as const;
type Table = (typeof TABLES)[number];

type Row = Readonly<Record<string, Json>>;

export interface Change {
  readonly table: Table;
  readonly id: number;
  readonly action: 'update' | 'delete';
  /** Column → [before, after] for updates. */
  readonly columns: Readonly<Record<string, readonly [Json, Json]>>;
  readonly description: Text;
}

export interface Skipped {
  readonly table: Table;
  readonly id: number;
  readonly reason: Text;
}

export interface FixPlan {
  readonly category: CheckId;
  readonly changes: readonly Change[];
  readonly skipped: readonly Skipped[];
}

export interface FixOptions {
  /** page-count: why the counted number replaces the declared one (kept on the volume). */
  readonly reason?: string;
}

interface Image {
  readonly table: Table;
  readonly id: number;
  readonly row: Row | null;
}

function notFixable(category: string): DomainError {
  return new DomainError(
    'fix.not-fixable',
    text(
      `“${category}”没有可自动执行的修正；可自动修正的类别：${FIXABLE.join(', ')}`,
      `"${category}" has no automatic fix; fixable categories: ${FIXABLE.join(', ')}`,
    ),
    { category },
  );
}

/** The exact changes a fix would make (the dry run). Reads only. */
export function planFix(db: Database, category: string, options: FixOptions = {}): FixPlan {
  registerCheckFunctions(db);
  switch (category) {
    case 'redundant-data':
      return planOrphans(db);
    case 'index-error':
      return planIndex(db);
    case 'page-error':
      return planRenumber(db);
    case 'page-count':
      return planPageCount(db, options);
    default:
      throw notFixable(category);
  }
}

export interface AppliedFix {
  readonly plan: FixPlan;
  /** The audit record that holds the before-image; `undoFix(seq)` restores it. Null when nothing changed. */
  readonly auditSeq: number | null;
}

/** Plans and applies a fix in one transaction with its audit record. */
export function applyFix(
  db: Database,
  audit: AuditLog,
  category: string,
  actor: Actor,
  options: FixOptions = {},
): AppliedFix {
  if (category === 'page-count' && reasonOf(options) === null) {
    throw new DomainError(
      'fix.reason-required',
      text('更正页数须说明原因（--reason）', 'Correcting a page count needs a reason (--reason)'),
    );
  }
  registerCheckFunctions(db);
  return db
    .transaction((): AppliedFix => {
      const plan = planFix(db, category, options);
      if (plan.changes.length === 0) return { plan, auditSeq: null };
      const touched = uniqueTargets(plan.changes);
      const before = touched.map((t) => image(db, t.table, t.id));
      write(db, plan);
      const after = touched.map((t) => image(db, t.table, t.id));
      const record = audit.append({
        ...actorFields(actor),
        action: 'fix.apply',
        objectType: 'check-category',
        objectId: category,
        outcome: 'ok',
        details: {
          category,
          reason: options.reason ?? null,
          changes: plan.changes.map((c) => ({
            table: c.table,
            id: c.id,
            action: c.action,
            columns: Object.fromEntries(Object.entries(c.columns).map(([k, v]) => [k, [...v]])),
          })),
          before: before.map(toJson),
          after: after.map(toJson),
        },
      });
      return { plan, auditSeq: record.seq };
    })
    .immediate();
}

export interface UndoneFix {
  readonly undoes: number;
  readonly rows: number;
  readonly auditSeq: number;
}

/** One row an undo puts back: its state now (the fix's after-image) and the state it returns to. */
export interface UndoRow {
  readonly table: Table;
  readonly id: number;
  readonly now: Row | null;
  readonly restored: Row | null;
}

export interface UndoPlan {
  readonly undoes: number;
  readonly category: string;
  readonly rows: readonly UndoRow[];
}

interface FixRecord {
  readonly category: string;
  readonly before: Image[];
  readonly after: Image[];
}

/** The fix record `seq`, refused when it is not one, or was already undone. */
function fixRecord(db: Database, seq: number): FixRecord {
  const record = db.prepare('SELECT action, object_id, details FROM audit_log WHERE seq = ?').get(seq) as
    | { action: string; object_id: string | null; details: string }
    | undefined;
  if (record === undefined) {
    throw new DomainError(
      'fix.undo-unknown',
      text(`没有审计记录 ${seq}：无此修正记录`, `No audit record ${seq}: no such fix record`),
      { seq },
    );
  }
  if (record.action !== 'fix.apply') {
    throw new DomainError(
      'fix.undo-not-fix',
      text(`审计记录 ${seq} 不是一次自动修正`, `Audit record ${seq} is not an automatic fix`),
      { seq },
    );
  }
  const undone = db
    .prepare("SELECT seq FROM audit_log WHERE action = 'fix.undo' AND object_id = ?")
    .pluck()
    .get(String(seq)) as number | undefined;
  if (undone !== undefined) {
    throw new DomainError(
      'fix.undo-done',
      text(
        `修正 ${seq} 已于审计记录 ${undone} 撤销`,
        `Fix ${seq} was already undone (audit record ${undone})`,
      ),
      { seq, undone },
    );
  }
  const details = JSON.parse(record.details) as { before: Image[]; after: Image[] };
  return { category: record.object_id ?? '', before: details.before, after: details.after };
}

/** Refuses when a row the fix wrote has changed since (undoing would lose that edit). */
function refuseStale(db: Database, seq: number, fix: FixRecord): void {
  const stale = fix.after.filter(
    (a) => canonicalJson(image(db, checkTable(a.table), a.id).row) !== canonicalJson(a.row),
  );
  if (stale.length > 0) {
    throw new DomainError(
      'fix.undo-stale',
      text(
        `修正后这些记录又被修改过，不能撤销：${stale.map((s) => `${s.table} ${s.id}`).join('、')}`,
        `These rows changed after the fix, so it cannot be undone: ${stale.map((s) => `${s.table} ${s.id}`).join(', ')}`,
      ),
      { seq, stale: stale.map((s) => ({ table: s.table, id: s.id })) },
    );
  }
}

/** What `undoFix(seq)` would restore, refused for the same reasons. Reads only. */
export function planUndo(db: Database, seq: number): UndoPlan {
  const fix = fixRecord(db, seq);
  refuseStale(db, seq, fix);
  const after = new Map(fix.after.map((a) => [`${a.table}:${a.id}`, a.row]));
  return {
    undoes: seq,
    category: fix.category,
    rows: fix.before.map((b) => ({
      table: checkTable(b.table),
      id: b.id,
      now: after.get(`${b.table}:${b.id}`) ?? null,
      restored: b.row,
    })),
  };
}

/**
 * Restores the before-image kept in a fix's audit record. Refused when the rows have changed since
 * (someone edited them: undoing would lose that edit) or when the fix was already undone.
 * Foreign keys are off while restoring, because the before-image may be the orphan rows the fix removed.
 */
export function undoFix(db: Database, audit: AuditLog, seq: number, actor: Actor): UndoneFix {
  const details = fixRecord(db, seq);
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
  db.pragma('foreign_keys = OFF'); // not changeable inside a transaction
  try {
    return db
      .transaction((): UndoneFix => {
        refuseStale(db, seq, details);
        // Delete what the fix left, then put the before-image back: rows keep their ids, and unique
        // positions (pages) never collide halfway.
        const after = new Map<Table, number[]>();
        for (const a of details.after) {
          const table = checkTable(a.table);
          after.set(table, [...(after.get(table) ?? []), a.id]);
        }
        for (const [table, ids] of after) deleteRows(db, table, ids);
        insertRows(
          db,
          details.before.map((b) => ({ ...b, table: checkTable(b.table) })),
        );
        const rec = audit.append({
          ...actorFields(actor),
          action: 'fix.undo',
          objectType: 'audit',
          objectId: seq,
          outcome: 'ok',
          details: { undoes: seq, rows: details.before.length },
        });
        return { undoes: seq, rows: details.before.length, auditSeq: rec.seq };
      })
      .immediate();
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`);
  }
}

function checkTable(name: string): Table {
  if (!(TABLES as readonly string[]).includes(name))
    throw new Error(`fix record names a foreign table: ${name}`);
  return name as Table;
}

function image(db: Database, table: Table, id: number): Image {
  const row = db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  return { table, id, row: row ?? null };
}

function toJson(i: Image): Json {
  return { table: i.table, id: i.id, row: i.row };
}

function uniqueTargets(changes: readonly Change[]): { table: Table; id: number }[] {
  const seen = new Set<string>();
  const out: { table: Table; id: number }[] = [];
  for (const c of changes) {
    const key = `${c.table}:${c.id}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ table: c.table, id: c.id });
    }
  }
  return out;
}

/** Applies a plan's changes. Page positions move through an offset first (unique live positions). */
function write(db: Database, plan: FixPlan): void {
  const seqMoves = plan.changes.filter((c) => c.table === 'pages' && 'seq' in c.columns);
  if (seqMoves.length > 0) {
    db.prepare('UPDATE pages SET seq = seq + 1000000000 WHERE id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(seqMoves.map((c) => c.id)),
    );
  }
  // One statement per table and kind of change, in the plan's order (a page's transforms go first).
  const groups = new Map<string, Change[]>();
  for (const c of plan.changes) {
    const key = `${c.table} ${c.action} ${Object.keys(c.columns).join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [, changes] of groups) {
    const { table, action, columns } = changes[0] as Change;
    if (action === 'delete') {
      deleteRows(
        db,
        table,
        changes.map((c) => c.id),
      );
      continue;
    }
    const cols = Object.keys(columns);
    const rows = changes.map((c) => ({
      id: c.id,
      ...Object.fromEntries(cols.map((k) => [k, c.columns[k]?.[1] ?? null])),
    }));
    db.prepare(
      `UPDATE ${table} SET ${cols.map((k) => `"${k}" = j.value ->> '$.${k}'`).join(', ')}
       FROM json_each(?) j WHERE ${table}.id = j.value ->> '$.id'`,
    ).run(JSON.stringify(rows));
  }
}

function deleteRows(db: Database, table: Table, ids: readonly number[]): void {
  db.prepare(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids));
}

/** Puts rows back as they were (ids included), one statement per table. */
function insertRows(db: Database, images: readonly Image[]): void {
  const byTable = new Map<Table, Row[]>();
  for (const i of images) if (i.row !== null) byTable.set(i.table, [...(byTable.get(i.table) ?? []), i.row]);
  for (const [table, rows] of byTable) {
    const cols = Object.keys(rows[0] ?? {});
    db.prepare(
      `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')})
       SELECT ${cols.map((c) => `j.value ->> '$.${c}'`).join(', ')} FROM json_each(?) j`,
    ).run(JSON.stringify(rows));
  }
}

// --- the plans -----------------------------------------------------------------------------------

function planOrphans(db: Database): FixPlan {
  const changes: Change[] = [];
  const skipped: Skipped[] = [];
  const del = (table: Table, id: number, zh: string, en: string): Change => ({
    table,
    id,
    action: 'delete',
    columns: {},
    description: text(zh, en),
  });
  // Transforms of orphan pages go with them; other rows that refer to an orphan page keep it (manual).
  const pageChildren = childTables(db, 'pages').filter((c) => c.table !== 'page_transforms');
  const blocked = pageChildren.length
    ? pageChildren
        .map((c) => `EXISTS (SELECT 1 FROM "${c.table}" x WHERE x."${c.column}" = p.id)`)
        .join(' OR ')
    : '0';
  const pages = db
    .prepare(
      `SELECT p.id, p.volume_id, ${blocked} AS blocked FROM pages p
       WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = p.volume_id) ORDER BY p.id`,
    )
    .all() as { id: number; volume_id: number; blocked: number }[];
  const removable = pages.filter((p) => p.blocked === 0).map((p) => p.id);
  for (const p of pages.filter((x) => x.blocked !== 0)) {
    skipped.push({
      table: 'pages',
      id: p.id,
      reason: text('仍有其他记录引用此页，请人工处理', 'Other rows still refer to this page: fix by hand'),
    });
  }
  const transforms = db
    .prepare(
      `SELECT t.id, t.page_id FROM page_transforms t
       WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.id = t.page_id) OR t.page_id IN (SELECT value FROM json_each(?))
       ORDER BY t.id`,
    )
    .all(JSON.stringify(removable)) as { id: number; page_id: number }[];
  for (const t of transforms) {
    changes.push(
      del('page_transforms', t.id, `删除孤立的页面处理记录 ${t.id}`, `Delete orphan page transform ${t.id}`),
    );
  }
  const docs = db
    .prepare(
      'SELECT id, volume_id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = d.volume_id) ORDER BY id',
    )
    .all() as { id: number; volume_id: number }[];
  const orphans: [Table, { zh: string; en: string }, { id: number; volume_id: number }[]][] = [
    ['pages', { zh: '页面', en: 'page' }, pages.filter((x) => x.blocked === 0)],
    ['documents', { zh: '文件', en: 'document' }, docs],
  ];
  for (const [table, noun, rows] of orphans) {
    for (const r of rows) {
      changes.push(
        del(
          table,
          r.id,
          `删除孤立${noun.zh} ${r.id}（案卷 ${r.volume_id} 不存在）`,
          `Delete orphan ${noun.en} ${r.id} (volume ${r.volume_id} does not exist)`,
        ),
      );
    }
  }
  const volumes = db
    .prepare(
      'SELECT id FROM volumes v WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = v.enterprise_id)',
    )
    .pluck()
    .all() as number[];
  for (const id of volumes) {
    skipped.push({
      table: 'volumes',
      id,
      reason: text(
        '无所属企业的案卷含有档案内容，须人工指定企业',
        'A volume without its enterprise holds archive content: assign it by hand',
      ),
    });
  }
  return { category: 'redundant-data', changes, skipped };
}

function childTables(db: Database, parent: string): { table: string; column: string }[] {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  return tables.flatMap((table) =>
    (
      db.prepare('SELECT "table" AS parent, "from" AS col FROM pragma_foreign_key_list(?)').all(table) as {
        parent: string;
        col: string;
      }[]
    )
      .filter((fk) => fk.parent === parent)
      .map((fk) => ({ table, column: fk.col })),
  );
}

const TEXT_FIELDS: readonly { table: Table; column: string; zh: string; max: number }[] = [
  { table: 'enterprises', column: 'name', zh: '企业名称', max: 200 },
  { table: 'documents', column: 'title', zh: '题名', max: 500 },
  { table: 'documents', column: 'responsible', zh: '责任者', max: 200 },
  { table: 'volumes', column: 'page_count_reason', zh: '页数更正原因', max: 500 },
];

function planIndex(db: Database): FixPlan {
  const changes: Change[] = [];
  const skipped: Skipped[] = [];
  for (const f of TEXT_FIELDS) {
    const rows = db
      .prepare(
        `SELECT id, "${f.column}" AS value, substr(dangan_norm_text("${f.column}"), 1, ${f.max}) AS fixed FROM ${f.table}
         WHERE "${f.column}" IS NOT NULL AND dangan_norm_text("${f.column}") <> ''
           AND substr(dangan_norm_text("${f.column}"), 1, ${f.max}) <> "${f.column}" ORDER BY id`,
      )
      .all() as { id: number; value: string; fixed: string }[];
    for (const r of rows) {
      const cut = codePointLength(r.value) > f.max;
      changes.push({
        table: f.table,
        id: r.id,
        action: 'update',
        columns: { [f.column]: [r.value, r.fixed] },
        description: cut
          ? text(
              `${f.zh}截断到 ${f.max} 字并清理不可见字符`,
              `${f.column}: cleaned and cut to ${f.max} characters`,
            )
          : text(
              `${f.zh}清除控制字符、不可见字符和多余空格`,
              `${f.column}: control/invisible characters and extra spaces removed`,
            ),
      });
    }
  }
  const codes: { table: Table; column: string; zh: string }[] = [
    { table: 'enterprises', column: 'uscc', zh: '统一社会信用代码' },
    { table: 'enterprises', column: 'reg_no', zh: '注册号' },
    { table: 'volumes', column: 'archive_no', zh: '档号' },
  ];
  for (const c of codes) {
    const rows = db
      .prepare(
        `SELECT t.id, t."${c.column}" AS value, dangan_norm_code(t."${c.column}") AS fixed,
                EXISTS (SELECT 1 FROM ${c.table} o WHERE o."${c.column}" = dangan_norm_code(t."${c.column}")) AS taken
         FROM ${c.table} t WHERE t."${c.column}" IS NOT NULL AND dangan_norm_code(t."${c.column}") <> t."${c.column}" ORDER BY t.id`,
      )
      .all() as { id: number; value: string; fixed: string; taken: number }[];
    const planned = new Set<string>();
    for (const r of rows) {
      if (r.taken !== 0 || planned.has(r.fixed)) {
        skipped.push({
          table: c.table,
          id: r.id,
          reason: text(
            `规范化后的${c.zh} ${r.fixed} 已被其他记录使用：属重复，须人工合并`,
            `The normalised ${c.column} ${r.fixed} is already used by another row: a duplicate to merge by hand`,
          ),
        });
        continue;
      }
      planned.add(r.fixed);
      changes.push({
        table: c.table,
        id: r.id,
        action: 'update',
        columns: { [c.column]: [r.value, r.fixed] },
        description: text(
          `${c.zh}全角转半角、去除不可见字符：${r.fixed}`,
          `${c.column} normalised to ${r.fixed}`,
        ),
      });
    }
  }
  return { category: 'index-error', changes, skipped };
}

function planRenumber(db: Database): FixPlan {
  // Volumes whose live positions are not exactly 1..n; new positions keep the order (ties by id).
  const rows = db
    .prepare(
      `WITH bad AS (
         SELECT volume_id FROM pages WHERE deleted_at IS NULL GROUP BY volume_id
         HAVING count(*) <> max(seq) OR count(DISTINCT seq) <> count(*)),
       renum AS (
         SELECT p.id, p.volume_id, p.seq AS old_seq,
                row_number() OVER (PARTITION BY p.volume_id ORDER BY p.seq, p.id) AS new_seq
         FROM pages p JOIN bad b ON b.volume_id = p.volume_id WHERE p.deleted_at IS NULL)
       SELECT id, volume_id, old_seq, new_seq FROM renum WHERE old_seq <> new_seq ORDER BY volume_id, new_seq`,
    )
    .all() as { id: number; volume_id: number; old_seq: number; new_seq: number }[];
  const changes: Change[] = [];
  const skipped: Skipped[] = [];
  const volumes = [...new Set(rows.map((r) => r.volume_id))];
  // Document ranges follow their pages: first page → the first live page at or after it, last page →
  // the last live page at or before it. A document left with no page makes the volume a manual case.
  const docs = db
    .prepare(
      `WITH renum AS (
         SELECT p.volume_id, p.seq AS old_seq, row_number() OVER (PARTITION BY p.volume_id ORDER BY p.seq, p.id) AS new_seq
         FROM pages p WHERE p.deleted_at IS NULL AND p.volume_id IN (SELECT value FROM json_each(@volumes)))
       SELECT d.id, d.volume_id, d.first_page, d.last_page,
              (SELECT min(new_seq) FROM renum r WHERE r.volume_id = d.volume_id AND r.old_seq >= d.first_page) AS new_first,
              (SELECT max(new_seq) FROM renum r WHERE r.volume_id = d.volume_id AND r.old_seq <= d.last_page) AS new_last
       FROM documents d WHERE d.volume_id IN (SELECT value FROM json_each(@volumes)) ORDER BY d.id`,
    )
    .all({ volumes: JSON.stringify(volumes) }) as {
    id: number;
    volume_id: number;
    first_page: number;
    last_page: number;
    new_first: number | null;
    new_last: number | null;
  }[];
  const manual = new Map<number, Text>();
  for (const d of docs) {
    if (d.new_first === null || d.new_last === null || d.new_last < d.new_first) {
      manual.set(
        d.volume_id,
        text(
          '某件的页码范围内已没有页面，须人工重新著录',
          'A document has no page left in its range: re-catalogue by hand',
        ),
      );
    }
  }
  // Ranges keep the very pages they held, so a page in no document stays in none: whether it belongs
  // to the document before or after it is a person's call, and renumbering first would hide where it was.
  const uncovered = db
    .prepare(
      `SELECT p.volume_id, json_group_array(p.seq) AS seqs FROM pages p
       WHERE p.deleted_at IS NULL AND p.volume_id IN (SELECT value FROM json_each(?))
         AND EXISTS (SELECT 1 FROM documents d WHERE d.volume_id = p.volume_id)
         AND NOT EXISTS (SELECT 1 FROM documents d
                         WHERE d.volume_id = p.volume_id AND p.seq BETWEEN d.first_page AND d.last_page)
       GROUP BY p.volume_id`,
    )
    .all(JSON.stringify(volumes)) as { volume_id: number; seqs: string }[];
  for (const u of uncovered) {
    if (manual.has(u.volume_id)) continue;
    const seqs = (JSON.parse(u.seqs) as number[]).sort((a, b) => a - b);
    manual.set(
      u.volume_id,
      text(
        `第 ${seqs.join('、')} 页不属于任何文件，须人工著录后再重新编页`,
        `${seqs.length === 1 ? 'Page' : 'Pages'} ${seqs.join(', ')} ${seqs.length === 1 ? 'belongs' : 'belong'} to no document: catalogue by hand, then renumber`,
      ),
    );
  }
  for (const [v, reason] of [...manual].sort((a, b) => a[0] - b[0])) {
    skipped.push({ table: 'volumes', id: v, reason });
  }
  for (const r of rows.filter((x) => !manual.has(x.volume_id))) {
    changes.push({
      table: 'pages',
      id: r.id,
      action: 'update',
      columns: { seq: [r.old_seq, r.new_seq] },
      description: text(
        `案卷 ${r.volume_id}：第 ${r.old_seq} 页改为第 ${r.new_seq} 页`,
        `Volume ${r.volume_id}: page ${r.old_seq} becomes ${r.new_seq}`,
      ),
    });
  }
  for (const d of docs.filter((x) => !manual.has(x.volume_id))) {
    if (d.new_first === d.first_page && d.new_last === d.last_page) continue;
    changes.push({
      table: 'documents',
      id: d.id,
      action: 'update',
      columns: { first_page: [d.first_page, d.new_first], last_page: [d.last_page, d.new_last] },
      description: text(
        `文件 ${d.id} 页码 ${d.first_page}–${d.last_page} 改为 ${d.new_first ?? ''}–${d.new_last ?? ''}`,
        `Document ${d.id} pages ${d.first_page}–${d.last_page} become ${d.new_first ?? ''}–${d.new_last ?? ''}`,
      ),
    });
  }
  return { category: 'page-error', changes, skipped };
}

function reasonOf(options: FixOptions): string | null {
  const reason = normalizeText(options.reason ?? '');
  return reason === '' ? null : reason;
}

/** A preview shows the changes without a reason (it changes nothing); applying them needs one. */
function planPageCount(db: Database, options: FixOptions): FixPlan {
  const reason = reasonOf(options);
  const why =
    reason === null ? text('原因待填写', 'reason to be given') : text(`原因：${reason}`, `reason: ${reason}`);
  const rows = db
    .prepare(
      `SELECT v.id, v.archive_no, v.declared_pages, v.page_count_reason, count(p.id) AS counted
       FROM volumes v LEFT JOIN pages p ON p.volume_id = v.id AND p.deleted_at IS NULL
       WHERE v.deleted_at IS NULL AND v.state NOT IN ('registered', 'scanning', 'withdrawn') AND v.declared_pages IS NOT NULL
       GROUP BY v.id HAVING count(p.id) <> v.declared_pages ORDER BY v.id`,
    )
    .all() as {
    id: number;
    archive_no: string;
    declared_pages: number;
    page_count_reason: string | null;
    counted: number;
  }[];
  return {
    category: 'page-count',
    skipped: [],
    changes: rows.map((r) => ({
      table: 'volumes',
      id: r.id,
      action: 'update',
      columns: {
        declared_pages: [r.declared_pages, r.counted],
        page_count_reason: [r.page_count_reason, reason],
      },
      description: text(
        `案卷 ${r.archive_no} 页数 ${r.declared_pages} 改为 ${r.counted}（${why.zh}）`,
        `Volume ${r.archive_no}: page count ${r.declared_pages} becomes ${r.counted} (${why.en})`,
      ),
    })),
  };
}
