import { DomainError } from './errors';
import { text } from './text';
import type { Text } from './text';
import { VOLUME_TYPES, volumeTypeByCode } from './vocabulary';

/**
 * 档号 (archive number) of a volume, built from a configurable pattern such as the default
 * `{bureau}-{year}-{type}-{serial:6}` → `350200-2024-SL-000123`.
 *
 * Tokens: `{bureau}` bureau code ([0-9A-Z]{1,12}), `{year}` 4-digit year, `{type}` volume type code,
 * `{serial:N}` serial zero-padded to N digits (1–10). Between tokens there must be a literal made of
 * `- _ . /` only; no token value contains those characters, so splitting is unambiguous.
 *
 * The normal form (normalizeArchiveNumber) is what must be unique province-wide.
 */

export const DEFAULT_ARCHIVE_NUMBER_PATTERN = '{bureau}-{year}-{type}-{serial:6}';

export const ARCHIVE_NUMBER_YEAR_MIN = 1949;
export const ARCHIVE_NUMBER_YEAR_MAX = 2100;
export const SERIAL_WIDTH_MAX = 10;

/** What a bureau code may look like wherever it is used in a 档号. */
export const BUREAU_CODE_RE = /^[0-9A-Z]{1,12}$/;

export type ArchiveNumberToken = 'bureau' | 'year' | 'type' | 'serial';

export type PatternElement =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'token'; readonly token: 'bureau' | 'year' | 'type' }
  | { readonly kind: 'token'; readonly token: 'serial'; readonly width: number };

export interface ArchiveNumberPattern {
  readonly source: string;
  readonly elements: readonly PatternElement[];
  /** The tokens in the order they appear. */
  readonly tokens: readonly ArchiveNumberToken[];
  readonly serialWidth: number;
}

/**
 * The parts of a 档号. Parts whose token the pattern lacks are absent after parsing and ignored when
 * formatting; a part the pattern needs must be present.
 */
export interface ArchiveNumberParts {
  readonly bureau?: string;
  readonly year?: number;
  readonly type?: string;
  readonly serial: number;
}

const SEPARATOR_CHARS = '-_./';
const PART_NAMES: Readonly<Record<ArchiveNumberToken, Text>> = {
  bureau: text('机构代码', 'bureau code'),
  year: text('年度', 'year'),
  type: text('案卷类型', 'volume type'),
  serial: text('流水号', 'serial number'),
};

function patternError(pattern: string, why: Text): DomainError {
  return new DomainError(
    'archive-number.pattern',
    text(`档号模式“${pattern}”无效：${why.zh}`, `Invalid archive-number pattern "${pattern}": ${why.en}`),
    { pattern },
  );
}

export function parsePattern(pattern: string): ArchiveNumberPattern {
  const elements: PatternElement[] = [];
  const seen = new Set<ArchiveNumberToken>();
  let serialWidth = 0;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0)
        throw patternError(pattern, text(`第 ${i + 1} 个字符处的“{”未闭合`, `unclosed "{" at ${i + 1}`));
      const inner = pattern.slice(i + 1, end);
      const serial = /^serial:(\d{1,2})$/.exec(inner);
      let element: PatternElement;
      if (inner === 'bureau' || inner === 'year' || inner === 'type') {
        element = { kind: 'token', token: inner };
      } else if (serial) {
        const width = Number(serial[1]);
        if (width < 1 || width > SERIAL_WIDTH_MAX) {
          throw patternError(
            pattern,
            text(`流水号位数须为 1–${SERIAL_WIDTH_MAX}`, `serial width must be 1–${SERIAL_WIDTH_MAX}`),
          );
        }
        element = { kind: 'token', token: 'serial', width };
        serialWidth = width;
      } else {
        throw patternError(
          pattern,
          text(
            `未知的占位符“{${inner}}”（可用：{bureau} {year} {type} {serial:N}）`,
            `unknown token "{${inner}}" (known: {bureau} {year} {type} {serial:N})`,
          ),
        );
      }
      if (seen.has(element.token)) {
        throw patternError(pattern, text(`“{${inner}}”重复出现`, `"{${inner}}" appears twice`));
      }
      if (elements.at(-1)?.kind === 'token') {
        throw patternError(
          pattern,
          text(`“{${inner}}”与前一占位符之间缺少分隔符`, `"{${inner}}" needs a separator before it`),
        );
      }
      seen.add(element.token);
      elements.push(element);
      i = end + 1;
    } else if (SEPARATOR_CHARS.includes(c)) {
      const last = elements.at(-1);
      if (last === undefined) {
        throw patternError(pattern, text('不能以分隔符开头', 'must not start with a separator'));
      }
      if (last.kind === 'literal') elements[elements.length - 1] = { kind: 'literal', text: last.text + c };
      else elements.push({ kind: 'literal', text: c });
      i += 1;
    } else {
      throw patternError(
        pattern,
        text(
          `第 ${i + 1} 个字符“${c}”不允许：占位符之外只能用分隔符 - _ . /`,
          `character "${c}" at ${i + 1} is not allowed: outside tokens only the separators - _ . / may appear`,
        ),
      );
    }
  }
  if (!seen.has('serial')) {
    throw patternError(
      pattern,
      text('缺少流水号占位符 {serial:N}', 'the serial token {serial:N} is required'),
    );
  }
  if (elements.at(-1)?.kind === 'literal') {
    throw patternError(pattern, text('不能以分隔符结尾', 'must not end with a separator'));
  }
  const tokens = elements.flatMap((e) => (e.kind === 'token' ? [e.token] : []));
  return Object.freeze({
    source: pattern,
    elements: Object.freeze(elements),
    tokens: Object.freeze(tokens),
    serialWidth,
  });
}

function toPattern(pattern: ArchiveNumberPattern | string): ArchiveNumberPattern {
  return typeof pattern === 'string' ? parsePattern(pattern) : pattern;
}

function partError(token: ArchiveNumberToken, value: unknown, why: Text, input?: string): DomainError {
  const name = PART_NAMES[token];
  const shown = String(value);
  const where = input === undefined ? { zh: '', en: '' } : { zh: `档号“${input}”中`, en: ` in "${input}"` };
  return new DomainError(
    'archive-number.invalid',
    text(
      `${where.zh}${name.zh}“${shown}”无效：${why.zh}`,
      `Invalid ${name.en} "${shown}"${where.en}: ${why.en}`,
    ),
    input === undefined ? { part: token, value } : { part: token, value, input },
  );
}

const YEAR_RULE = text(
  `应为 ${ARCHIVE_NUMBER_YEAR_MIN}–${ARCHIVE_NUMBER_YEAR_MAX} 之间的四位年份`,
  `expected a 4-digit year ${ARCHIVE_NUMBER_YEAR_MIN}–${ARCHIVE_NUMBER_YEAR_MAX}`,
);
const BUREAU_RULE = text('应为 1–12 位数字或大写字母', 'expected 1–12 digits or uppercase letters');
const TYPE_RULE = text(
  `应为案卷类型代码之一：${VOLUME_TYPES.map((t) => `${t.code}(${t.name})`).join(' ')}`,
  `expected a volume type code: ${VOLUME_TYPES.map((t) => `${t.code} (${t.nameEn})`).join(', ')}`,
);
const serialRule = (width: number) =>
  text(`应为 ${width} 位数字且不为 0`, `expected ${width} digits, not all zero`);

/** Format a 档号. Throws `archive-number.invalid` naming the part that is wrong. */
export function formatArchiveNumber(
  pattern: ArchiveNumberPattern | string,
  parts: ArchiveNumberParts,
): string {
  const p = toPattern(pattern);
  let out = '';
  for (const e of p.elements) {
    if (e.kind === 'literal') {
      out += e.text;
      continue;
    }
    switch (e.token) {
      case 'bureau': {
        const v = parts.bureau;
        if (typeof v !== 'string' || !BUREAU_CODE_RE.test(v)) throw partError('bureau', v, BUREAU_RULE);
        out += v;
        break;
      }
      case 'year': {
        const v = parts.year;
        if (
          !Number.isInteger(v) ||
          v === undefined ||
          v < ARCHIVE_NUMBER_YEAR_MIN ||
          v > ARCHIVE_NUMBER_YEAR_MAX
        ) {
          throw partError('year', v, YEAR_RULE);
        }
        out += String(v);
        break;
      }
      case 'type': {
        const v = parts.type;
        if (typeof v !== 'string' || volumeTypeByCode(v) === undefined) throw partError('type', v, TYPE_RULE);
        out += v;
        break;
      }
      case 'serial': {
        const v = parts.serial;
        if (!Number.isSafeInteger(v) || v < 1 || v >= 10 ** e.width) {
          throw partError('serial', v, serialRule(e.width));
        }
        out += String(v).padStart(e.width, '0');
        break;
      }
    }
  }
  return out;
}

// Reads the pieces of an archive number, one per token, into its parts. Lenient mode (used by
// normalisation) accepts an unpadded or over-padded serial.
function assemble(
  p: ArchiveNumberPattern,
  pieces: readonly string[],
  input: string,
  lenient: boolean,
): ArchiveNumberParts {
  const parts: { bureau?: string; year?: number; type?: string; serial?: number } = {};
  let i = 0;
  for (const e of p.elements) {
    if (e.kind === 'literal') continue;
    const value = pieces[i++] ?? '';
    switch (e.token) {
      case 'bureau':
        if (!BUREAU_CODE_RE.test(value)) throw partError('bureau', value, BUREAU_RULE, input);
        parts.bureau = value;
        break;
      case 'year': {
        const year = Number(value);
        if (!/^\d{4}$/.test(value) || year < ARCHIVE_NUMBER_YEAR_MIN || year > ARCHIVE_NUMBER_YEAR_MAX) {
          throw partError('year', value, YEAR_RULE, input);
        }
        parts.year = year;
        break;
      }
      case 'type':
        if (volumeTypeByCode(value) === undefined) throw partError('type', value, TYPE_RULE, input);
        parts.type = value;
        break;
      case 'serial': {
        const digits = lenient ? /^\d{1,20}$/.test(value) : value.length === e.width && /^\d+$/.test(value);
        const serial = Number(value);
        if (!digits || serial < 1 || serial >= 10 ** e.width) {
          throw partError('serial', value, serialRule(e.width), input);
        }
        parts.serial = serial;
        break;
      }
    }
  }
  // parsePattern guarantees a serial token, so this only guards against a hand-built pattern.
  if (parts.serial === undefined) throw patternError(p.source, text('缺少流水号', 'no serial token'));
  return { ...parts, serial: parts.serial };
}

function wrongShape(p: ArchiveNumberPattern, input: string, found: number): DomainError {
  const n = p.tokens.length;
  const names = p.tokens.map((t) => PART_NAMES[t]);
  return new DomainError(
    'archive-number.invalid',
    text(
      `档号“${input}”应由 ${n} 部分组成（${names.map((x) => x.zh).join('、')}，格式 ${p.source}），实际为 ${found} 部分`,
      `Archive number "${input}" should have ${n} parts (${names.map((x) => x.en).join(', ')}; pattern ${p.source}), found ${found}`,
    ),
    { input, pattern: p.source },
  );
}

/**
 * Parse a 档号 written exactly in the pattern's canonical form (separators, upper case, zero padding).
 * Use normalizeArchiveNumber first for typed or scanned input.
 */
export function parseArchiveNumber(
  pattern: ArchiveNumberPattern | string,
  input: string,
): ArchiveNumberParts {
  const p = toPattern(pattern);
  const pieces: string[] = [];
  let pos = 0;
  p.elements.forEach((e, i) => {
    if (e.kind === 'literal') {
      if (!input.startsWith(e.text, pos)) throw wrongShape(p, input, pieces.length);
      pos += e.text.length;
      return;
    }
    // A token runs up to the next separator literal (tokens are never adjacent), the last one to the end.
    const next = p.elements[i + 1];
    const end = next?.kind === 'literal' ? input.indexOf(next.text, pos) : input.length;
    if (end < 0) throw wrongShape(p, input, pieces.length + 1);
    pieces.push(input.slice(pos, end));
    pos = end;
  });
  // The last token took the rest: a separator in it means the input has more parts than the pattern.
  const last = pieces.at(-1) ?? '';
  if (/[-_./]/.test(last)) {
    throw wrongShape(p, input, pieces.length - 1 + last.split(/[-_./]+/).length);
  }
  return assemble(p, pieces, input, false);
}

// Characters nobody can see: format characters (ZWSP, BOM, bidi marks, soft hyphen…) and controls
// other than whitespace.
const INVISIBLE = /(?![\t\n\v\f\r])[\p{Cc}\p{Cf}]/gu;
const FULLWIDTH_ASCII = /[\uFF01-\uFF5E]/gu;
// Separator look-alikes that IMEs, word processors and OCR produce: hyphens and dashes, the minus
// sign, small and full-width hyphen-minus, fraction and division slashes, the ideographic and
// half-width full stops, and middle dots (DA/T 13 joins class codes with ·). Whitespace inside also
// separates rather than joins, so `3502 00` can never silently become `350200`.
const SEPARATOR_RUN = /[\s\-_./\u2010-\u2015\u2043\u2212\uFE58\uFE63\u2215\u2044\u3002\uFF61\u00B7\u30FB]+/u;

/**
 * The canonical form of a typed, pasted or OCR'd 档号: NFC, full-width folded to half-width,
 * invisible characters removed, trimmed, ASCII letters upper-cased, any separator look-alike accepted
 * wherever the pattern has a separator, then re-formatted from its parts so that zero-padding and
 * separators are canonical (`350200-2024-sl-123` → `350200-2024-SL-000123`).
 * Throws `archive-number.invalid` when it cannot be read.
 */
export function normalizeArchiveNumber(pattern: ArchiveNumberPattern | string, input: string): string {
  const p = toPattern(pattern);
  const cleaned = input
    .normalize('NFC')
    .replace(FULLWIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(INVISIBLE, '')
    // Only ASCII letters: a Unicode upper-casing (ß → SS) could turn garbage into a valid-looking code.
    .replace(/[a-z]+/g, (s) => s.toUpperCase());
  const pieces = cleaned.split(SEPARATOR_RUN);
  // Leading or trailing separators (and whitespace) carry nothing.
  if (pieces[0] === '') pieces.shift();
  if (pieces.at(-1) === '') pieces.pop();
  if (pieces.length !== p.tokens.length) throw wrongShape(p, input, pieces.length);
  return formatArchiveNumber(p, assemble(p, pieces, input, true));
}
