import { checkCode } from '../codes/check-code';
import { DomainError } from '../errors';
import { normalizeCode } from '../normalize';
import { text, type Text } from '../text';

/**
 * The registration system's roster (名录): the codes it knows and their status. It arrives as a JSON
 * array `[{code, status}]` (or `{entries: [...]}`) or as CSV with a header naming a code column and a
 * status column (English or Chinese headers). Status words are folded to active/deleted.
 */
export type RosterStatus = 'active' | 'deleted';

export interface RosterEntry {
  readonly code: string;
  readonly status: RosterStatus;
}

/** A roster line (CSV) or item (JSON) that could not be used: reported, the rest is still checked. */
export interface RosterProblem {
  /** The CSV line number (the header is line 1), or the JSON item number (from 1). */
  readonly line: number;
  /** The code cell as given ('' when there is none). */
  readonly code: string;
  readonly problem: Text;
}

export interface Roster {
  readonly entries: RosterEntry[];
  readonly problems: RosterProblem[];
}

const ACTIVE = ['active', '存续', '在业', '开业', '正常', '迁出', '吊销'];
const DELETED = ['deleted', '注销', '已注销', '已删除', '删除', 'cancelled', 'removed'];

/** Folds a status word; null when unknown. */
function foldStatus(s: string): RosterStatus | null {
  const v = s.trim().toLowerCase();
  if (ACTIVE.includes(v)) return 'active';
  if (DELETED.includes(v)) return 'deleted';
  return null;
}

/** A USCC (18 characters) or 注册号 (15) in normal form; null when it is neither. */
function foldCode(s: string): string | null {
  const code = normalizeCode(s);
  return /^[0-9A-Z]{15}$|^[0-9A-Z]{18}$/.test(code) ? code : null;
}

/** One entry from its raw cells, or what is wrong with it (said in both languages). */
function entry(code: unknown, status: unknown, where: Text): RosterEntry | Text {
  const c = typeof code === 'string' ? foldCode(code) : null;
  const s = typeof status === 'string' ? foldStatus(status) : null;
  const shown = (v: unknown): string => (typeof v === 'string' ? `"${v.slice(0, 40)}"` : JSON.stringify(v));
  const problems: Text[] = [];
  const invalid = c === null ? undefined : checkCode(c).errors[0];
  if (code === undefined || code === '') problems.push(text('缺少代码', 'no code'));
  else if (c === null)
    problems.push(
      text(
        `代码 ${shown(code)} 不是 18 位统一社会信用代码或 15 位注册号`,
        `code ${shown(code)} is not an 18-character USCC or a 15-digit registration number`,
      ),
    );
  else if (invalid !== undefined)
    // Well formed but not a real code (a wrong check character, say): never "unknown here".
    problems.push(
      text(
        `代码 ${shown(code)} 无效：${invalid.message.zh}`,
        `code ${shown(code)} is invalid: ${invalid.message.en}`,
      ),
    );
  if (status === undefined || status === '') problems.push(text('缺少状态', 'no status'));
  else if (s === null)
    problems.push(
      text(
        `状态 ${shown(status)} 无法识别（可用：${[...ACTIVE, ...DELETED].join('、')}）`,
        `unknown status ${shown(status)} (known: ${[...ACTIVE, ...DELETED].join(', ')})`,
      ),
    );
  if (c !== null && invalid === undefined && s !== null) return { code: c, status: s };
  return text(
    `${where.zh}：${problems.map((p) => p.zh).join('；')}`,
    `${where.en}: ${problems.map((p) => p.en).join(', ')}`,
  );
}

function rosterError(where: Text, problems: readonly Text[]): DomainError {
  const more = problems.length > 10 ? problems.length - 10 : 0;
  const shown = (l: 'zh' | 'en', sep: string) =>
    problems
      .slice(0, 10)
      .map((p) => p[l])
      .join(sep) + (more > 0 ? (l === 'zh' ? ` ……（另有 ${more} 处）` : ` … (+${more})`) : '');
  return new DomainError(
    'roster.invalid',
    text(
      `名录文件无效（${where.zh}）：${shown('zh', '；')}`,
      `Invalid roster (${where.en}): ${shown('en', '; ')}`,
    ),
    { problems: problems.map((p) => p.en) },
  );
}

const JSON_WHERE = text('JSON', 'JSON');
const CSV_WHERE = text('CSV', 'CSV');

/**
 * Parses a roster file's text; `format` follows the file name (`.json` / `.csv`). Lines that cannot be
 * used (a bad code or status, a code given two statuses) are returned as problems and the rest is
 * checked: one bad row of a province's monthly file must not stop the check. A file that is not a
 * roster at all (not JSON, no code and status columns) or holds no usable entry is refused: checked
 * against an empty roster, every enterprise would look deleted upstream.
 */
export function parseRoster(content: string, format: 'json' | 'csv'): Roster {
  const { entries, problems } = format === 'json' ? parseJson(content) : parseCsv(content);
  if (entries.length === 0) {
    throw rosterError(format === 'json' ? JSON_WHERE : CSV_WHERE, [
      text(
        '没有任何可用的企业记录（对照空名录，所有企业都会被当作已注销）',
        'it holds no usable entries (against an empty roster every enterprise would look deleted)',
      ),
      ...problems.map((p) => p.problem),
    ]);
  }
  const seen = new Map<string, { status: RosterStatus; line: number }>();
  const conflicting = new Set<string>();
  for (const e of entries) {
    const before = seen.get(e.code);
    if (before !== undefined && before.status !== e.status) {
      conflicting.add(e.code);
      problems.push({
        line: e.line,
        code: e.code,
        problem: text(
          `第 ${e.line} 行：代码 ${e.code} 的状态与第 ${before.line} 行矛盾（${STATUS_ZH[before.status]} / ${STATUS_ZH[e.status]}），本代码不作对照`,
          `line ${e.line}: code ${e.code} has another status than on line ${before.line} (${before.status} / ${e.status}); the code is not compared`,
        ),
      });
    }
    if (before === undefined) seen.set(e.code, { status: e.status, line: e.line });
  }
  return {
    entries: [...seen]
      .filter(([code]) => !conflicting.has(code))
      .map(([code, { status }]) => ({ code, status })),
    problems: problems.sort((a, b) => a.line - b.line),
  };
}

const STATUS_ZH: Readonly<Record<RosterStatus, string>> = { active: '存续', deleted: '注销' };

interface Parsed {
  readonly entries: (RosterEntry & { readonly line: number })[];
  readonly problems: RosterProblem[];
}

function parseJson(content: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw rosterError(JSON_WHERE, [text(`不是有效的 JSON（${why}）`, `not valid JSON (${why})`)]);
  }
  const list = Array.isArray(data)
    ? data
    : typeof data === 'object' && data !== null && Array.isArray((data as { entries?: unknown }).entries)
      ? (data as { entries: unknown[] }).entries
      : null;
  if (list === null) {
    throw rosterError(JSON_WHERE, [
      text(
        '格式应为 [{"code": …, "status": …}, …] 或 {"entries": [ … ]}',
        'expected [{"code": …, "status": …}, …] or {"entries": [ … ]}',
      ),
    ]);
  }
  const out: Parsed = { entries: [], problems: [] };
  list.forEach((item, i) => {
    const o = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    add(out, i + 1, o['code'], o['status'], text(`第 ${i + 1} 项`, `item ${i + 1}`));
  });
  return out;
}

function add(out: Parsed, line: number, code: unknown, status: unknown, where: Text): void {
  const r = entry(code, status, where);
  if ('code' in r) out.entries.push({ ...r, line });
  else out.problems.push({ line, code: typeof code === 'string' ? code : '', problem: r });
}

const CODE_HEADERS = [
  'code',
  'uscc',
  'reg_no',
  '统一社会信用代码',
  '注册号',
  '代码',
  '统一社会信用代码/注册号',
];
const STATUS_HEADERS = ['status', 'state', '状态', '登记状态'];

function parseCsv(content: string): Parsed {
  const rows = csvRows(content.replace(/^\uFEFF/, ''));
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  if (header === undefined) throw rosterError(CSV_WHERE, [text('文件是空的', 'the file is empty')]);
  const codeAt = header.findIndex((h) => CODE_HEADERS.includes(h));
  const statusAt = header.findIndex((h) => STATUS_HEADERS.includes(h));
  if (codeAt < 0 || statusAt < 0) {
    throw rosterError(CSV_WHERE, [
      text(
        `首行须有代码列（${CODE_HEADERS.join('、')}）和状态列（${STATUS_HEADERS.join('、')}）；实际为：${header.join('、')}`,
        `the header needs a code column (${CODE_HEADERS.join('/')}) and a status column (${STATUS_HEADERS.join('/')}); found: ${header.join(', ')}`,
      ),
    ]);
  }
  const out: Parsed = { entries: [], problems: [] };
  rows.forEach((row, i) => {
    if (row.every((cell) => cell.trim() === '')) return;
    add(out, i + 2, row[codeAt] ?? '', row[statusAt] ?? '', text(`第 ${i + 2} 行`, `line ${i + 2}`));
  });
  return out;
}

/**
 * RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. Hand-written because it is
 * thirty lines and core/ takes no CSV dependency.
 */
export function csvRows(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const c = content.charAt(i);
    if (quoted) {
      if (c === '"' && content.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content.charAt(i + 1) === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw rosterError(CSV_WHERE, [text('有引号未闭合的字段', 'a quoted field is not closed')]);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
