import { DomainError } from './errors';
import { text } from './text';
import type { Text } from './text';

/**
 * Field normalisation: what is typed, pasted or OCR'd becomes the one canonical string we store, compare
 * and index. Codes (USCC, 注册号, 档号) are folded hard to ASCII; free text keeps its characters and only
 * loses what nobody can see.
 */

// Invisible characters that sneak in through copy-paste from web pages, Word and PDF viewers.
// Zero-width space/non-joiner/joiner, word joiner and invisible operators, BOM, soft hyphen,
// Mongolian vowel separator, and the bidi marks, embeddings and isolates.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

// A lone surrogate cannot be stored as UTF-8; make the damage visible instead of silently dropping it.
const LONE_SURROGATE = /\p{Cs}/gu;
const REPLACEMENT_CHAR = '\uFFFD';

const FULLWIDTH_ASCII = /[\uFF01-\uFF5E]/gu;
const FULLWIDTH_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = '\u3000';

/**
 * Canonical form of an identifier code: NFC; full-width ASCII and the ideographic space folded to
 * half-width; all whitespace, control and format (invisible) characters removed; ASCII letters
 * upper-cased.
 *
 * Deliberately never turns a letter into a digit or back (no O→0, I→1 "correction"): such a guess
 * could make a wrong code pass its check and be filed under another enterprise. The validator
 * reports the bad character instead.
 */
export function normalizeCode(raw: string): string {
  return (
    raw
      .replace(LONE_SURROGATE, REPLACEMENT_CHAR)
      .normalize('NFC')
      .replace(FULLWIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - FULLWIDTH_OFFSET))
      .replaceAll(IDEOGRAPHIC_SPACE, ' ')
      // A code is ASCII: every format character (\p{Cf}, a superset of INVISIBLE) is noise in it.
      .replace(/[\s\p{Cc}\p{Cf}]/gu, '')
      .replace(/[a-z]+/g, (s) => s.toUpperCase())
  );
}

export interface NormalizeTextOptions {
  /** Keep line breaks (as `\n`) and tabs; otherwise they become spaces. */
  readonly multiline?: boolean;
}

// Line terminators other than \n: CRLF, CR, NEL, LS, PS, and vertical tab / form feed.
const LINE_BREAKS = /\r\n|[\r\u0085\u2028\u2029\v\f]/gu;
const ANY_BREAK_OR_TAB = /\r\n|[\r\n\t\u0085\u2028\u2029\v\f]/gu;

/**
 * Canonical form of free text (names, titles, remarks): NFC; control and invisible characters
 * removed; runs of spaces (any Unicode space, incl. the ideographic space) collapsed to one ASCII
 * space; trimmed.
 *
 * Full-width digits and letters are kept: Chinese text legitimately uses them (e.g. 第１卷), and
 * only codes are folded to half-width.
 *
 * Without `multiline`, line breaks and tabs count as whitespace (a name pasted across two lines keeps
 * its word boundary) rather than being deleted outright.
 */
export function normalizeText(raw: string, options: NormalizeTextOptions = {}): string {
  const multiline = options.multiline === true;
  let s = raw.replace(LONE_SURROGATE, REPLACEMENT_CHAR).normalize('NFC');
  s = multiline ? s.replace(LINE_BREAKS, '\n') : s.replace(ANY_BREAK_OR_TAB, ' ');
  s = s
    .replace(INVISIBLE, '')
    .replace(/\p{Cc}/gu, (c) => (multiline && (c === '\n' || c === '\t') ? c : ''))
    .replace(/\p{Zs}+/gu, ' ');
  if (multiline) {
    // Trailing spaces on a line are invisible and make equal remarks compare unequal.
    s = s.replace(/[ \t]+\n/g, '\n');
  }
  return s.trim();
}

export interface FieldSpec {
  /** Stable machine name (`enterpriseName`), used in error details. */
  readonly name: string;
  /** What the operator sees on the form. */
  readonly label: Text;
  /** Maximum length in Unicode code points (not UTF-16 units: 𠀀 or an emoji counts 1). */
  readonly maxLength: number;
  readonly kind: 'code' | 'text' | 'multiline';
  readonly required?: boolean;
}

/** Length as a person counts characters: code points, so astral CJK (ext. B+) counts 1, not 2. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Normalise a field value according to its kind, then enforce `required` and `maxLength`.
 * Throws `DomainError('field.required' | 'field.too-long')` naming the field.
 */
export function normalizeField(field: FieldSpec, raw: string): string {
  const value =
    field.kind === 'code'
      ? normalizeCode(raw)
      : normalizeText(raw, { multiline: field.kind === 'multiline' });

  if (value === '' && field.required === true) {
    throw new DomainError(
      'field.required',
      text(`“${field.label.zh}”不能为空`, `Field "${field.label.en}" is required`),
      { field: field.name },
    );
  }

  const length = codePointLength(value);
  if (length > field.maxLength) {
    throw new DomainError(
      'field.too-long',
      text(
        `“${field.label.zh}”过长：最多 ${field.maxLength} 个字符，实际 ${length} 个`,
        `Field "${field.label.en}" is too long: at most ${field.maxLength} characters, got ${length}`,
      ),
      { field: field.name, maxLength: field.maxLength, length },
    );
  }
  return value;
}

/**
 * Limits of the common catalogue fields. Whether a field is required depends on the form (a draft may
 * be incomplete), so callers add it: `{ ...FIELD_LIMITS.title, required: true }`.
 */
export const FIELD_LIMITS = {
  enterpriseName: {
    name: 'enterpriseName',
    label: text('企业名称', 'Enterprise name'),
    maxLength: 200,
    kind: 'text',
  },
  title: { name: 'title', label: text('题名', 'Title'), maxLength: 500, kind: 'text' },
  responsibleParty: {
    name: 'responsibleParty',
    label: text('责任者', 'Responsible party'),
    maxLength: 200,
    kind: 'text',
  },
  // 档号 is a code: its canonical form must be unique province-wide, so it is folded like one.
  archiveNumber: {
    name: 'archiveNumber',
    label: text('档号', 'Archive number'),
    maxLength: 64,
    kind: 'code',
  },
  remarks: { name: 'remarks', label: text('备注', 'Remarks'), maxLength: 2000, kind: 'multiline' },
  code: {
    name: 'code',
    label: text('统一社会信用代码/注册号', 'USCC / registration number'),
    maxLength: 32,
    kind: 'code',
  },
} as const satisfies Record<string, FieldSpec>;
