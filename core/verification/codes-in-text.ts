import { regNoCheckDigit } from '../codes';
import { USCC_CHARSET, usccCheckChar } from '../codes/uscc';

/**
 * Finding an enterprise's codes in OCR text. OCR reads letters that a USCC cannot contain in place of
 * the digits they resemble (I for 1, O for 0, Z for 2, S for 5) and sometimes inserts a character; the
 * check character (GB 32100) tells which reading is a real code. Nothing here corrects stored data.
 */

/** Letters outside the USCC charset and the characters OCR mistakes them for. */
const CONFUSIONS: Readonly<Record<string, string>> = { I: '1', O: '0', Z: '2', S: '5', V: 'U' };

export function foldOcrCode(s: string): string {
  return Array.from(s.normalize('NFKC').toUpperCase())
    .map((c) => CONFUSIONS[c] ?? c)
    .join('');
}

function validUscc(code: string): boolean {
  if (code.length !== 18) return false;
  for (const c of code) if (!USCC_CHARSET.includes(c)) return false;
  return usccCheckChar(code.slice(0, 17)) === code.charAt(17);
}

/** Runs of code-like characters, spaces inside a run removed (OCR splits long numbers). */
function runs(text: string): string[] {
  const joined = text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/(?<=[0-9A-Z])[ \t]+(?=[0-9A-Z])/gu, '');
  return joined.match(/[0-9A-Z]{15,24}/gu) ?? [];
}

export interface UsccReading {
  /** Codes read exactly: an isolated 18-character run that passes the check once confusions are folded. */
  readonly exact: readonly string[];
  /** Whether `expected` is in the text, allowing folded confusions and one extra character. */
  readonly matches: boolean;
}

/**
 * Looks for USCCs in `text`. `matches` tells whether `expected` is there; `exact` lists the codes read
 * unambiguously, so that a different enterprise's code on the form can be reported with confidence
 * (windows of longer runs pass the mod-31 check by chance one time in 31, so they only confirm).
 */
export function readUscc(text: string, expected: string | null): UsccReading {
  const exact = new Set<string>();
  let matches = false;
  for (const run of runs(text)) {
    const folded = foldOcrCode(run);
    if (folded.length === 18 && validUscc(folded)) exact.add(folded);
    if (expected === null || matches) continue;
    for (let i = 0; i + 18 <= folded.length && !matches; i++) {
      if (folded.slice(i, i + 18) === expected) matches = true;
    }
    for (let i = 0; i + 19 <= folded.length && !matches; i++) {
      const window = folded.slice(i, i + 19);
      for (let d = 0; d < 19 && !matches; d++) {
        if (window.slice(0, d) + window.slice(d + 1) === expected) matches = true;
      }
    }
  }
  return { exact: [...exact].sort(), matches };
}

/**
 * 15-digit 注册号 in the text that pass their ISO 7064 check (confusions folded). A run that is a valid
 * USCC is not searched: one in ten 15-digit windows of its digits passes the check by chance, which
 * would read a licence's USCC as another enterprise's 注册号.
 */
export function readRegNos(text: string): string[] {
  const found = new Set<string>();
  for (const run of runs(text)) {
    const folded = foldOcrCode(run);
    if (validUscc(folded)) continue;
    for (const m of folded.match(/\d{15,}/gu) ?? []) {
      for (let i = 0; i + 15 <= m.length; i++) {
        const c = m.slice(i, i + 15);
        if (regNoCheckDigit(c.slice(0, 14)) === c.charAt(14)) found.add(c);
      }
    }
  }
  return [...found].sort();
}

/** Valid USCC characters OCR takes for each other (8/B, 0/D …): only the check character can decide. */
const LOOKALIKES: readonly string[] = ['0DQ', '8B', '6G', 'CG', '1LT', '7T', 'EF', 'PR', 'UW', 'MN', 'HN'];

function lookalike(a: string, b: string): boolean {
  return LOOKALIKES.some((g) => g.includes(a) && g.includes(b));
}

export interface UsccCellReading {
  /** The code as read, when it is one valid code (confusions folded, nothing else changed). */
  readonly code: string | null;
  /** Whether the cell holds `expected`: read exactly, with folded confusions, one extra character, or
   * one look-alike character (the expected code's check character confirms the reading). */
  readonly matches: boolean;
}

/**
 * Reads a cell (or line) that holds one USCC: the readings of its passes (e.g. plain and with a
 * whitelist) are tried in turn. A different valid code is returned only as read, never after a repair.
 */
export function readUsccCell(readings: readonly string[], expected: string | null): UsccCellReading {
  let code: string | null = null;
  let matches = false;
  for (const reading of readings) {
    const r = readUscc(reading, expected);
    if (r.matches) matches = true;
    code ??= r.exact.find((c) => c === expected) ?? r.exact[0] ?? null;
    if (expected === null || matches) continue;
    for (const run of runs(reading)) {
      const folded = foldOcrCode(run);
      if (folded.length !== 18) continue;
      const diff = Array.from(folded).flatMap((c, i) => (c === expected.charAt(i) ? [] : [i]));
      const at = diff[0];
      if (diff.length === 1 && at !== undefined && lookalike(folded.charAt(at), expected.charAt(at)))
        matches = true;
    }
  }
  if (matches && expected !== null) code = expected;
  return { code, matches };
}

export interface RegNoCellReading {
  /** The 注册号 as read, when the cell holds one valid 15-digit number (confusions folded) and nothing more. */
  readonly code: string | null;
  /** Whether the cell holds `expected`: read exactly, with folded confusions, or with one extra character. */
  readonly matches: boolean;
}

/**
 * Reads a cell (or line) that holds one 注册号 (the 15-digit registration number of forms before the
 * USCC), each pass's reading in turn. The MOD 11,10 check digit catches any one wrong digit, so only an
 * isolated valid number is taken for another enterprise's; an extra character OCR inserted is allowed
 * for the expected one, as for the USCC.
 */
export function readRegNoCell(readings: readonly string[], expected: string | null): RegNoCellReading {
  let code: string | null = null;
  let matches = false;
  for (const reading of readings) {
    if (expected !== null && !matches) matches = readRegNos(reading).includes(expected);
    for (const run of runs(reading)) {
      const folded = foldOcrCode(run);
      if (code === null && /^\d{15}$/u.test(folded) && readRegNos(folded).length === 1) code = folded;
      // One character OCR inserted: the expected number once it is taken out.
      for (let d = 0; expected !== null && !matches && folded.length === 16 && d < 16; d++) {
        if (folded.slice(0, d) + folded.slice(d + 1) === expected) matches = true;
      }
    }
  }
  if (matches && expected !== null) code = expected;
  return { code, matches };
}
