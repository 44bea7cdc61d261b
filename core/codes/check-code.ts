import type { Issue } from '../errors';
import { codePointLength, normalizeCode } from '../normalize';
import { text } from '../text';
import { validateRegNo } from './regno';
import type { RegNoParts } from './regno';
import { validateUscc } from './uscc';
import type { UsccOptions, UsccParts } from './uscc';

export type CodeKind = 'uscc' | 'regno' | 'unknown';

export interface CodeCheck {
  /** As typed or scanned. */
  readonly input: string;
  /** After `normalizeCode`: the form to store and compare. */
  readonly normalized: string;
  readonly kind: CodeKind;
  readonly valid: boolean;
  readonly errors: Issue[];
  readonly warnings: Issue[];
  readonly parts: UsccParts | RegNoParts | null;
}

/**
 * Which kind of code the operator most likely meant, from the normalised length: 18 → USCC, 15 → 注册号;
 * one character short or long (17/19, or 14/16 digits) is taken as a typo of the nearer kind so the
 * message says what is wrong with it rather than "unknown".
 */
function guessKind(normalized: string): CodeKind {
  const n = codePointLength(normalized);
  const digits = /^\d*$/.test(normalized);
  if (n === 18 || n === 17 || n === 19) return 'uscc';
  // A 15-character string with a letter is still nearest to a 注册号 (an OCR'd O for 0, say): the
  // charset error names the character.
  if (n === 15) return 'regno';
  if ((n === 14 || n === 16) && digits) return 'regno';
  return 'unknown';
}

/** Normalise and validate a USCC or a 15-digit 注册号, whichever the input looks like. */
export function checkCode(input: string, options: UsccOptions = {}): CodeCheck {
  const normalized = normalizeCode(input);
  const kind = guessKind(normalized);

  if (kind === 'uscc') {
    const r = validateUscc(normalized, options);
    return {
      input,
      normalized,
      kind,
      valid: r.valid,
      errors: r.errors,
      warnings: r.warnings,
      parts: r.parts,
    };
  }
  if (kind === 'regno') {
    const r = validateRegNo(normalized);
    return {
      input,
      normalized,
      kind,
      valid: r.valid,
      errors: r.errors,
      warnings: r.warnings,
      parts: r.parts,
    };
  }
  const n = codePointLength(normalized);
  return {
    input,
    normalized,
    kind,
    valid: false,
    errors: [
      {
        code: 'code.unknown',
        message: text(
          `不是统一社会信用代码（18位）或注册号（15位）：实际 ${n} 位`,
          `Neither a unified social credit code (18 characters) nor a registration number (15 digits): found ${n} characters`,
        ),
      },
    ],
    warnings: [],
    parts: null,
  };
}
