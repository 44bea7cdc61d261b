import { DomainError } from '../errors';
import type { Issue } from '../errors';
import { text } from '../text';
import type { Text } from '../text';
import { describeChar } from './uscc';

/**
 * 15-digit 工商注册号 (GS15-2006): 6-digit division + 8 digits + 1 check digit, ISO 7064 MOD 11,10.
 * Enterprises closed before the 2015 reform may have no USCC at all, only this number.
 *
 * MOD 11,10 keeps a running state p ∈ {1..10} (mod 11). For a fixed digit, the step p → next p is a
 * bijection, and the check digit is a bijection of the final state, so two digit strings with the same
 * prefix get the same check digit iff their states agree after the part that differs. A substitution
 * at one position always changes the state (detected: all single-digit errors); a swap of adjacent
 * digits can leave it unchanged — see the tests for the measured cases.
 */

export interface RegNoParts {
  /** First 6 digits: GB/T 2260 division of the registering authority. */
  readonly division: string;
  readonly checkDigit: string;
}

export interface RegNoResult {
  readonly valid: boolean;
  readonly errors: Issue[];
  readonly warnings: Issue[];
  readonly parts: RegNoParts | null;
  readonly expectedCheckDigit?: string;
}

function step(p: number, digit: number): number {
  const s = ((p % 11) + digit) % 10;
  return (s === 0 ? 10 : s) * 2;
}

function badDigits(chars: readonly string[]): { char: string; position: number }[] {
  const bad: { char: string; position: number }[] = [];
  chars.forEach((char, i) => {
    if (!/^[0-9]$/.test(char)) bad.push({ char, position: i + 1 });
  });
  return bad;
}

function charsetMessage(bad: readonly { char: string; position: number }[]): Text {
  const zh = bad.map((b) => `第 ${b.position} 位${describeChar(b.char).zh}`).join('、');
  const en = bad.map((b) => `${describeChar(b.char).en} at position ${b.position}`).join(', ');
  return text(
    `含有非法字符：${zh}。注册号只由数字组成`,
    `Invalid characters: ${en}. A registration number has digits only`,
  );
}

/** ISO 7064 MOD 11,10 check digit for the first 14 digits. Throws on a wrong length or a non-digit. */
export function regNoCheckDigit(first14: string): string {
  const chars = Array.from(first14);
  if (chars.length !== 14) {
    throw new DomainError(
      'regno.length',
      text(
        `计算校验位需要前 14 位，实际 ${chars.length} 位`,
        `The check digit needs the first 14 digits, got ${chars.length}`,
      ),
      { expected: 14, found: chars.length },
    );
  }
  const bad = badDigits(chars);
  if (bad.length > 0) throw new DomainError('regno.charset', charsetMessage(bad), { bad });
  let p = 10;
  for (const c of chars) p = step(p, Number(c));
  return String((11 - (p % 11)) % 10);
}

/** Validate a 15-digit 注册号 exactly as given (callers normalise first, see `checkCode`). */
export function validateRegNo(input: string): RegNoResult {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const chars = Array.from(input);

  if (chars.length !== 15) {
    errors.push({
      code: 'regno.length',
      message: text(
        `长度错误：注册号应为 15 位，实际 ${chars.length} 位`,
        `Wrong length: a registration number has 15 digits, found ${chars.length}`,
      ),
    });
  }
  const bad = badDigits(chars);
  if (bad.length > 0) errors.push({ code: 'regno.charset', message: charsetMessage(bad) });
  if (errors.length > 0) return { valid: false, errors, warnings, parts: null };

  const expected = regNoCheckDigit(input.slice(0, 14));
  const found = input.charAt(14);
  if (expected !== found) {
    errors.push({
      code: 'regno.check',
      message: text(
        `校验位错误：第 15 位应为“${expected}”，实际为“${found}”。请核对原件，系统不会自动更正`,
        `Check digit mismatch: position 15 should be "${expected}", found "${found}". Check the original; numbers are never corrected automatically`,
      ),
    });
  }

  return {
    valid: errors.length === 0,
    errors,
    warnings,
    parts: { division: input.slice(0, 6), checkDigit: found },
    expectedCheckDigit: expected,
  };
}
