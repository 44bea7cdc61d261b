import { z } from 'zod';
import { DomainError } from '../errors';
import { normalizeCode } from '../normalize';
import { text } from '../text';

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

const ACTIVE = ['active', '存续', '在业', '开业', '正常', '迁出', '吊销'];
const DELETED = ['deleted', '注销', '已注销', '已删除', '删除', 'cancelled', 'removed'];

const Status = z
  .string()
  .trim()
  .transform((s, ctx): RosterStatus => {
    const v = s.toLowerCase();
    if (ACTIVE.includes(v)) return 'active';
    if (DELETED.includes(v)) return 'deleted';
    ctx.addIssue({
      code: 'custom',
      message: `unknown status "${s}" (known: ${[...ACTIVE, ...DELETED].join(', ')})`,
    });
    return z.NEVER;
  });

const Code = z
  .string()
  .transform((s) => normalizeCode(s))
  .refine((s) => /^[0-9A-Z]{15}$|^[0-9A-Z]{18}$/.test(s), {
    message: 'a code is an 18-character USCC or a 15-digit 注册号',
  });

const Entry = z.object({ code: Code, status: Status });
const RosterJson = z.union([
  z.array(Entry),
  z.object({ entries: z.array(Entry) }).transform((r) => r.entries),
]);

function rosterError(where: string, problems: readonly string[]): DomainError {
  const shown =
    problems.slice(0, 10).join('; ') + (problems.length > 10 ? ` … (+${problems.length - 10})` : '');
  return new DomainError(
    'roster.invalid',
    text(`名录文件无效（${where}）：${shown}`, `Invalid roster (${where}): ${shown}`),
    { problems: [...problems] },
  );
}

/** Parses a roster file's text; `format` follows the file name (`.json` / `.csv`). */
export function parseRoster(content: string, format: 'json' | 'csv'): RosterEntry[] {
  const entries = format === 'json' ? parseJson(content) : parseCsv(content);
  const seen = new Map<string, RosterStatus>();
  const conflicts: string[] = [];
  for (const e of entries) {
    const before = seen.get(e.code);
    if (before !== undefined && before !== e.status) conflicts.push(`${e.code}: ${before} / ${e.status}`);
    seen.set(e.code, e.status);
  }
  if (conflicts.length > 0) throw rosterError('conflicting status', conflicts);
  return [...seen].map(([code, status]) => ({ code, status }));
}

function parseJson(content: string): RosterEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw rosterError('JSON', [e instanceof Error ? e.message : String(e)]);
  }
  const r = RosterJson.safeParse(data);
  if (!r.success) {
    throw rosterError(
      'JSON',
      r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
    );
  }
  return r.data;
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

function parseCsv(content: string): RosterEntry[] {
  const rows = csvRows(content.replace(/^\uFEFF/, ''));
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  if (header === undefined) throw rosterError('CSV', ['the file is empty']);
  const codeAt = header.findIndex((h) => CODE_HEADERS.includes(h));
  const statusAt = header.findIndex((h) => STATUS_HEADERS.includes(h));
  if (codeAt < 0 || statusAt < 0) {
    throw rosterError('CSV', [
      `the header needs a code column (${CODE_HEADERS.join('/')}) and a status column (${STATUS_HEADERS.join('/')}); found: ${header.join(', ')}`,
    ]);
  }
  const problems: string[] = [];
  const entries: RosterEntry[] = [];
  rows.forEach((row, i) => {
    if (row.every((cell) => cell.trim() === '')) return;
    const r = Entry.safeParse({ code: row[codeAt] ?? '', status: row[statusAt] ?? '' });
    if (r.success) entries.push(r.data);
    else
      problems.push(
        `line ${i + 2}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join(', ')}`,
      );
  });
  if (problems.length > 0) throw rosterError('CSV', problems);
  return entries;
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
  if (quoted) throw rosterError('CSV', ['a quoted field is not closed']);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
