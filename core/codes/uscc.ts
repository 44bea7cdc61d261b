import { DomainError } from '../errors';
import type { Issue } from '../errors';
import { normalizeCode } from '../normalize';
import { text } from '../text';
import type { Text } from '../text';

/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015).
 *
 * 18 characters: 1 registration authority, 2 category, 3–8 division code (GB/T 2260, of the registering
 * authority at issuance), 9–17 organization code (GB 11714, own check at 17), 18 check character.
 *
 * Why the check catches every single-character substitution and every adjacent transposition:
 * the code is valid iff Σ v_i·w_i + v_18 ≡ 0 (mod 31), with w_i = 3^(i−1) mod 31 and w_18 = 1.
 * 31 is prime, so ℤ/31 is a field and a product is 0 only if a factor is 0.
 *  - Substituting a for b at position i changes the sum by w_i·(a − b). w_i is a power of 3 (never 0),
 *    and 0 < |a − b| < 31, so the change is ≢ 0: detected.
 *  - Swapping a ≠ b at positions i, i+1 (i ≤ 16) changes the sum by (a − b)(w_i − w_{i+1})
 *    = (a − b)·w_i·(1 − 3) = −2·w_i·(a − b) ≢ 0: detected.
 *  - Swapping positions 17 and 18 changes it by (a − b)(w_17 − 1) = 27·(a − b) ≢ 0: detected.
 * The tests check this exhaustively and on random codes.
 */

/** The 31 symbols, in value order 0..30. I, O, Z, S and V are never used. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** w_i = 3^(i−1) mod 31 for positions 1..17. */
export const USCC_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/**
 * Fujian's early pilot codes (e.g. `91350203M0001QAY9B`) are legal and still in use, but fail the
 * check. They are accepted with a warning, never "corrected".
 */
export const DEFAULT_PILOT_ALLOW_LIST: readonly RegExp[] = [/^9[123]35\d{4}M000/];

export interface UsccOptions {
  /** Patterns of codes accepted despite a failing check (default `DEFAULT_PILOT_ALLOW_LIST`). */
  readonly pilotAllowList?: readonly RegExp[];
}

export interface UsccParts {
  readonly authority: { readonly code: string; readonly name: Text | null };
  readonly category: { readonly code: string; readonly name: Text | null };
  /** Positions 3–8: GB/T 2260 division of the registering authority when the code was issued. */
  readonly division: string;
  /** Positions 9–17: the GB 11714 organization code (its own check char at the end). */
  readonly organizationCode: string;
  readonly checkChar: string;
}

export interface UsccResult {
  readonly valid: boolean;
  readonly errors: Issue[];
  readonly warnings: Issue[];
  /** Present when the code has 18 characters from the charset (even if the check fails). */
  readonly parts: UsccParts | null;
  /** The check character the first 17 characters call for, when it can be computed. */
  readonly expectedCheckChar?: string;
}

const AUTHORITIES: Readonly<Record<string, Text>> = {
  '1': text('机构编制', 'Institutional establishment (organization staffing)'),
  '2': text('外交', 'Foreign affairs'),
  '3': text('司法行政', 'Judicial administration'),
  '4': text('文化', 'Culture'),
  '5': text('民政', 'Civil affairs'),
  '6': text('旅游', 'Tourism'),
  '7': text('宗教', 'Religious affairs'),
  '8': text('工会', 'Trade unions'),
  '9': text('市场监管（工商）', 'Market regulation (industry and commerce)'),
  A: text('中央军委改革和编制办公室', 'CMC Reform and Organization Office'),
  N: text('农业', 'Agriculture'),
  Y: text('其他', 'Other'),
};

const CATEGORIES: Readonly<Record<string, Readonly<Record<string, Text>>>> = {
  '9': {
    '1': text('企业', 'Enterprise'),
    '2': text('个体工商户', 'Individual business'),
    '3': text('农民专业合作社', "Farmers' specialized cooperative"),
  },
  '5': {
    '1': text('社会团体', 'Social organization'),
    '2': text('民办非企业单位', 'Private non-enterprise unit'),
    '3': text('基金会', 'Foundation'),
  },
};

const VALUE: ReadonlyMap<string, number> = new Map(Array.from(USCC_CHARSET).map((c, i) => [c, i]));

function sumMod31(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (VALUE.get(first17.charAt(i)) ?? 0) * (USCC_WEIGHTS[i] ?? 0);
  }
  return sum % 31;
}

/** Check character (position 18) for the first 17 characters. Throws on a wrong length or character. */
export function usccCheckChar(first17: string): string {
  const chars = Array.from(first17);
  if (chars.length !== 17) {
    throw new DomainError(
      'uscc.length',
      text(
        `计算校验码需要前 17 位，实际 ${chars.length} 位`,
        `The check character needs the first 17 characters, got ${chars.length}`,
      ),
      { expected: 17, found: chars.length },
    );
  }
  const bad = badChars(chars);
  if (bad.length > 0) throw new DomainError('uscc.charset', charsetMessage(bad), { bad });
  return USCC_CHARSET.charAt((31 - sumMod31(first17)) % 31);
}

/** Value of a character in the GB 11714 organization code: 0-9 → 0-9, A-Z → 10-35. */
function orgValue(c: string): number {
  const n = c.charCodeAt(0);
  return n <= 0x39 ? n - 0x30 : n - 0x41 + 10;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714 check character for the 8-character organization code body. */
function orgCheckChar(body8: string): string {
  let sum = 0;
  ORG_WEIGHTS.forEach((w, i) => {
    sum += orgValue(body8.charAt(i)) * w;
  });
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

interface BadChar {
  readonly char: string;
  /** 1-based, in code points. */
  readonly position: number;
}

function badChars(chars: readonly string[]): BadChar[] {
  const bad: BadChar[] = [];
  chars.forEach((char, i) => {
    if (!VALUE.has(char)) bad.push({ char, position: i + 1 });
  });
  return bad;
}

/** `"O"`, or `"ｏ" (U+FF4F)` when the character might not show or might be confused. */
export function describeChar(char: string): { zh: string; en: string } {
  const cp = char.codePointAt(0) ?? 0;
  if (cp >= 0x21 && cp <= 0x7e) return { zh: `“${char}”`, en: `"${char}"` };
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return { zh: `“${char}”（${hex}）`, en: `"${char}" (${hex})` };
}

function charsetMessage(bad: readonly BadChar[]): Text {
  const zh = bad.map((b) => `第 ${b.position} 位${describeChar(b.char).zh}`).join('、');
  const en = bad.map((b) => `${describeChar(b.char).en} at position ${b.position}`).join(', ');
  return text(
    `含有非法字符：${zh}。统一社会信用代码只使用数字 0-9 和大写字母（不使用 I、O、Z、S、V）`,
    `Invalid characters: ${en}. A USCC uses only digits 0-9 and capital letters (never I, O, Z, S or V)`,
  );
}

function issue(code: string, message: Text): Issue {
  return { code, message };
}

function matchesAllowList(code: string, allowList: readonly RegExp[]): boolean {
  // search() ignores lastIndex, so a /g or /y pattern from configuration cannot make this stateful.
  return allowList.some((re) => code.search(re) >= 0);
}

/**
 * Validate a USCC exactly as given (callers normalise first, see `checkCode`). Reports every problem
 * it can find, with stable codes; never rewrites the code.
 */
export function validateUscc(input: string, options: UsccOptions = {}): UsccResult {
  const allowList = options.pilotAllowList ?? DEFAULT_PILOT_ALLOW_LIST;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const chars = Array.from(input);

  if (chars.length !== 18) {
    errors.push(
      issue(
        'uscc.length',
        text(
          `长度错误：统一社会信用代码应为 18 位，实际 ${chars.length} 位`,
          `Wrong length: a USCC has 18 characters, found ${chars.length}`,
        ),
      ),
    );
  }
  const bad = badChars(chars);
  if (bad.length > 0) errors.push(issue('uscc.charset', charsetMessage(bad)));
  if (errors.length > 0) return { valid: false, errors, warnings, parts: null };

  const authority = input.charAt(0);
  const category = input.charAt(1);
  const division = input.slice(2, 8);
  const organizationCode = input.slice(8, 17);
  const checkChar = input.charAt(17);

  if (!/^\d{6}$/.test(division)) {
    errors.push(
      issue(
        'uscc.division',
        text(
          `第 3–8 位（登记管理机关行政区划码）应为 6 位数字，实际为“${division}”`,
          `Positions 3–8 (division code of the registering authority) must be 6 digits, found "${division}"`,
        ),
      ),
    );
  }

  const expected = usccCheckChar(input.slice(0, 17));
  if (expected !== checkChar) {
    if (matchesAllowList(input, allowList)) {
      warnings.push(
        issue(
          'uscc.pilot-code',
          text(
            `校验码不符（第 18 位按国标应为“${expected}”，实际为“${checkChar}”），但属于允许的早期试点代码，视为有效`,
            `Check character mismatch (position 18 should be "${expected}" by GB 32100, found "${checkChar}"), accepted as an allowed early pilot code`,
          ),
        ),
      );
    } else {
      errors.push(
        issue(
          'uscc.check',
          text(
            `校验码错误：第 18 位应为“${expected}”，实际为“${checkChar}”。请核对原件，系统不会自动更正`,
            `Check character mismatch: position 18 should be "${expected}", found "${checkChar}". Check the original; codes are never corrected automatically`,
          ),
        ),
      );
    }
  }

  const orgExpected = orgCheckChar(organizationCode.slice(0, 8));
  const orgFound = organizationCode.charAt(8);
  if (orgExpected !== orgFound) {
    warnings.push(
      issue(
        'uscc.org-check',
        text(
          `第 9–17 位组织机构代码的校验码（第 17 位）按 GB 11714 应为“${orgExpected}”，实际为“${orgFound}”（仅提示，部分合法代码不符合此规则）`,
          `The organization code (positions 9–17) fails its GB 11714 check: position 17 should be "${orgExpected}", found "${orgFound}" (warning only; some legal codes fail it)`,
        ),
      ),
    );
  }

  const authorityName = AUTHORITIES[authority] ?? null;
  if (authorityName === null) {
    warnings.push(
      issue(
        'uscc.authority-unknown',
        text(
          `第 1 位登记管理部门代码“${authority}”不在 GB 32100 列表中`,
          `Position 1, registration authority "${authority}", is not in the GB 32100 list`,
        ),
      ),
    );
  }

  return {
    valid: errors.length === 0,
    errors,
    warnings,
    parts: {
      authority: { code: authority, name: authorityName },
      category: { code: category, name: CATEGORIES[authority]?.[category] ?? null },
      division,
      organizationCode,
      checkChar,
    },
    expectedCheckChar: expected,
  };
}

function validByCheck(code: string): boolean {
  return validateUscc(code, { pilotAllowList: [] }).valid;
}

/**
 * Codes one typo away from `input` that pass every check: each single-character change (any position,
 * the check character included) and each swap of two adjacent characters. Sorted.
 *
 * For showing the operator candidates to compare with the paper original, never for correcting a
 * code automatically: several candidates usually exist, and the input may even be a legal pilot code.
 */
export function suggestUscc(input: string): string[] {
  const chars = Array.from(normalizeCode(input));
  if (chars.length !== 18) return [];
  const found = new Set<string>();

  for (let i = 0; i < 18; i++) {
    for (const c of USCC_CHARSET) {
      if (c === chars[i]) continue;
      const candidate = chars.slice();
      candidate[i] = c;
      const code = candidate.join('');
      if (validByCheck(code)) found.add(code);
    }
  }
  for (let i = 0; i < 17; i++) {
    const a = chars[i];
    const b = chars[i + 1];
    if (a === undefined || b === undefined || a === b) continue;
    const candidate = chars.slice();
    candidate[i] = b;
    candidate[i + 1] = a;
    const code = candidate.join('');
    if (validByCheck(code)) found.add(code);
  }
  // Most plausible first: drop candidates that break the code's structure (e.g. a letter in the
  // division digits), then those without warnings (known authority, GB 11714 check passing), then a
  // change of the check character alone (the commonest slip), then the rest in code order.
  const original = chars.join('');
  const ranked = [...found].flatMap((code) => {
    const r = validateUscc(code, { pilotAllowList: [] });
    if (!r.valid) return [];
    const checkCharOnly = code.slice(0, 17) === original.slice(0, 17) ? 0 : 1;
    return [{ code, key: [r.warnings.length, checkCharOnly] as const }];
  });
  ranked.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.code < b.code ? -1 : 1));
  return ranked.map((r) => r.code);
}
