import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { normalizeCode } from '../normalize';
import {
  DEFAULT_PILOT_ALLOW_LIST,
  USCC_CHARSET,
  USCC_WEIGHTS,
  suggestUscc,
  usccCheckChar,
  validateUscc,
} from './uscc';

const VALID = [
  '91110000600037341L',
  '91350200776049653A',
  '91350500798359476R',
  '913505007821784439',
  '913502000728319549',
  '91350200MA2YJ1XR9G',
  '91350503MA31DKY80A',
  '91350200MA31E12PXF',
  '9135021359498494XQ',
  '91350213678251743X',
  '91350128MA327RP99H',
  '91350128315352588H',
  '123502001549897397',
];

/** Fujian pilot codes with the check character GB 32100 would call for. */
const PILOT: readonly (readonly [string, string])[] = [
  ['91350203M0001QAY9B', '9'],
  ['91350100M0001TGQXM', '1'],
  ['91350211M0000XUF46', 'R'],
  ['91350203M0001FUE2P', 'J'],
  ['91350128M00000019A', 'F'],
  ['91350200M000000510', 'D'],
];

const codes = (issues: readonly { code: string }[]): string[] => issues.map((i) => i.code);
const withCheck = (first17: string): string => first17 + usccCheckChar(first17);
const NO_PILOTS = { pilotAllowList: [] } as const;

/** 17 random characters (positions 3–8 digits, as GB 32100 requires) plus the computed check. */
const charsetChar = fc.constantFrom(...Array.from(USCC_CHARSET));
const digit = fc.constantFrom(...Array.from('0123456789'));
const validUscc = fc
  .tuple(
    fc.array(charsetChar, { minLength: 2, maxLength: 2 }),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
    fc.array(charsetChar, { minLength: 9, maxLength: 9 }),
  )
  .map(([head, division, org]) => withCheck([...head, ...division, ...org].join('')));

describe('constants', () => {
  it('has the 31-symbol charset without I, O, Z, S, V', () => {
    expect(USCC_CHARSET).toHaveLength(31);
    expect(new Set(USCC_CHARSET).size).toBe(31);
    for (const c of 'IOZSV') expect(USCC_CHARSET).not.toContain(c);
  });

  it('uses weights 3^(i−1) mod 31', () => {
    expect(USCC_WEIGHTS).toEqual([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
  });
});

describe('validateUscc: research vectors', () => {
  it.each(VALID)('%s is valid, without warnings', (code) => {
    const r = validateUscc(code);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.expectedCheckChar).toBe(code.charAt(17));
    expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('splits a code into its parts', () => {
    expect(validateUscc('91350200MA2YJ1XR9G').parts).toEqual({
      authority: {
        code: '9',
        name: { zh: '市场监管（工商）', en: 'Market regulation (industry and commerce)' },
      },
      category: { code: '1', name: { zh: '企业', en: 'Enterprise' } },
      division: '350200',
      organizationCode: 'MA2YJ1XR9',
      checkChar: 'G',
    });
    const organ = validateUscc('123502001549897397').parts;
    expect(organ?.authority.name?.zh).toBe('机构编制');
    expect(organ?.category).toEqual({ code: '2', name: null });
    expect(organ?.division).toBe('350200');
  });

  it('names the categories of authority 5 (民政)', () => {
    const r = validateUscc(withCheck('53350200MA2YJ1XR9'));
    expect(r.parts?.authority.name?.zh).toBe('民政');
    expect(r.parts?.category.name).toEqual({ zh: '基金会', en: 'Foundation' });
  });

  it('91110000600037341N fails the check: expected L, found N', () => {
    const r = validateUscc('91110000600037341N');
    expect(r.valid).toBe(false);
    expect(codes(r.errors)).toEqual(['uscc.check']);
    expect(r.expectedCheckChar).toBe('L');
    expect(r.parts?.checkChar).toBe('N');
    const m = r.errors[0]!.message;
    expect(m.zh).toContain('第 18 位应为“L”');
    expect(m.zh).toContain('实际为“N”');
    expect(m.en).toContain('position 18 should be "L"');
    expect(m.en).toContain('found "N"');
  });

  it('9111000060003IOZSV: names every bad character and its position', () => {
    const r = validateUscc('9111000060003IOZSV');
    expect(r.valid).toBe(false);
    expect(codes(r.errors)).toEqual(['uscc.charset']);
    expect(r.parts).toBeNull();
    expect(r.expectedCheckChar).toBeUndefined();
    const m = r.errors[0]!.message;
    expect(m.zh).toContain('第 14 位“I”、第 15 位“O”、第 16 位“Z”、第 17 位“S”、第 18 位“V”');
    expect(m.zh).toContain('I、O、Z、S、V');
    expect(m.en).toContain('"I" at position 14, "O" at position 15, "Z" at position 16');
    expect(m.en).toContain('"V" at position 18');
    expect(m.en).toContain('never I, O, Z, S or V');
  });

  it('12345: says 18 expected and 5 found', () => {
    const r = validateUscc('12345');
    expect(codes(r.errors)).toEqual(['uscc.length']);
    expect(r.errors[0]!.message.zh).toContain('应为 18 位，实际 5 位');
    expect(r.errors[0]!.message.en).toContain('a USCC has 18 characters, found 5');
    expect(r.parts).toBeNull();
  });

  it('counts length in code points and shows invisible or non-ASCII characters by code point', () => {
    const r = validateUscc('𠀀'.repeat(18));
    expect(codes(r.errors)).toEqual(['uscc.charset']);
    const bom = validateUscc('\uFEFF91110000600037341');
    expect(bom.errors[0]!.message.en).toContain('(U+FEFF) at position 1');
  });

  it('reports both length and bad characters when both are wrong', () => {
    expect(codes(validateUscc('9111O').errors)).toEqual(['uscc.length', 'uscc.charset']);
  });

  it('does not normalise: lower case is a charset error here (checkCode normalises)', () => {
    expect(codes(validateUscc('91110000600037341l').errors)).toEqual(['uscc.charset']);
  });
});

describe('validateUscc: Fujian pilot codes', () => {
  it.each(PILOT)('%s is valid only through the allow-list (GB 32100 says %s)', (code, calculated) => {
    const r = validateUscc(code);
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(codes(r.warnings)).toContain('uscc.pilot-code');
    expect(r.expectedCheckChar).toBe(calculated);
    expect(r.warnings.find((w) => w.code === 'uscc.pilot-code')!.message.zh).toContain(`应为“${calculated}”`);

    const strict = validateUscc(code, NO_PILOTS);
    expect(strict.valid).toBe(false);
    expect(codes(strict.errors)).toEqual(['uscc.check']);
    expect(strict.errors[0]!.message.en).toContain(`should be "${calculated}"`);
  });

  it('the default allow-list is the Fujian M000 pattern, and does not excuse other codes', () => {
    expect(DEFAULT_PILOT_ALLOW_LIST.map(String)).toEqual(['/^9[123]35\\d{4}M000/']);
    expect(validateUscc('91110000M0001QAY9B').valid).toBe(false); // Beijing, same tail
    expect(validateUscc('91350203MA001QAY9B').valid).toBe(false); // MA, not M000
  });

  it('a code that passes the check is not reported as a pilot code', () => {
    const r = validateUscc(withCheck('91350203M0001QAY9'));
    expect(r.valid).toBe(true);
    expect(codes(r.warnings)).not.toContain('uscc.pilot-code');
  });

  it('a configured /g pattern does not become stateful', () => {
    const options = { pilotAllowList: [/^9135\d{4}M000/g] };
    for (let i = 0; i < 3; i++) expect(validateUscc('91350203M0001QAY9B', options).valid).toBe(true);
  });
});

describe('validateUscc: structure rules', () => {
  it('accepts letter authorities (A, N, Y), unlike python-stdnum', () => {
    for (const authority of 'ANY') {
      const r = validateUscc(withCheck(`${authority}1350200MA2YJ1XR9`));
      expect(r.valid).toBe(true);
      expect(r.warnings).toEqual([]);
      expect(r.parts?.authority.name).not.toBeNull();
    }
    expect(validateUscc(withCheck('A1350200MA2YJ1XR9')).parts?.authority.name?.zh).toBe(
      '中央军委改革和编制办公室',
    );
  });

  it('warns about an authority outside GB 32100', () => {
    const r = validateUscc(withCheck('B1350200MA2YJ1XR9'));
    expect(r.valid).toBe(true);
    expect(codes(r.warnings)).toEqual(['uscc.authority-unknown']);
    expect(r.warnings[0]!.message.zh).toContain('“B”');
    expect(r.parts?.authority).toEqual({ code: 'B', name: null });
  });

  it('rejects letters in the division code (positions 3–8)', () => {
    const r = validateUscc(withCheck('9135A200MA2YJ1XR9'));
    expect(r.valid).toBe(false);
    expect(codes(r.errors)).toEqual(['uscc.division']);
    expect(r.errors[0]!.message.zh).toContain('第 3–8 位');
    expect(r.errors[0]!.message.zh).toContain('“35A200”');
    expect(r.errors[0]!.message.en).toContain('Positions 3–8');
  });

  it('only warns when the organization code fails its GB 11714 check', () => {
    // MA2YJ1XR9 → MA2YJ1XR8: position 17 wrong for GB 11714, check char recomputed for GB 32100.
    const r = validateUscc(withCheck('91350200MA2YJ1XR8'));
    expect(r.valid).toBe(true);
    expect(codes(r.warnings)).toEqual(['uscc.org-check']);
    expect(r.warnings[0]!.message.zh).toContain('应为“9”，实际为“8”');
    expect(r.warnings[0]!.message.en).toContain('position 17 should be "9", found "8"');
  });

  it('maps GB 11714 check values 10 → X and 11 → 0', () => {
    expect(validateUscc('9135021359498494XQ').warnings).toEqual([]); // org check X
    expect(validateUscc('913502000728319549').warnings).toEqual([]);
    // Σ = 0 → C = 11 → '0'.
    expect(validateUscc(withCheck('91350200000000000')).warnings).toEqual([]);
    // Σ = 4·3 = 12 ≡ 1 → C = 10 → 'X'.
    expect(validateUscc(withCheck('9135020040000000X')).warnings).toEqual([]);
    const wrong = validateUscc(withCheck('91350200400000000'));
    expect(wrong.warnings[0]!.message.en).toContain('should be "X", found "0"');
  });
});

describe('usccCheckChar', () => {
  it('throws DomainError on a wrong length or a bad character', () => {
    expect(() => usccCheckChar('9111000060003734')).toThrow(DomainError);
    try {
      usccCheckChar('91110000600037I41');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('uscc.charset');
      expect((e as DomainError).text.zh).toContain('第 15 位“I”');
    }
    try {
      usccCheckChar('911');
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('uscc.length');
    }
  });
});

describe('properties', () => {
  it('every generated code validates and survives normalizeCode in any disguise', () => {
    const invisible = fc.constantFrom(
      ' ',
      '\u3000',
      '\u200B',
      '\u200C',
      '\u200D',
      '\uFEFF',
      '\u00AD',
      '\u200E',
      '\u202E',
      '\u2066',
      '\t',
      '\n',
      '\r',
    );
    fc.assert(
      fc.property(
        validUscc,
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(18), invisible), { maxLength: 6 }),
        (code, fullWidth, lower, inserts) => {
          const r = validateUscc(code, NO_PILOTS);
          expect(r.errors).toEqual([]);
          expect(r.valid).toBe(true);
          expect(normalizeCode(code)).toBe(code);

          let chars = Array.from(lower ? code.toLowerCase() : code);
          if (fullWidth) chars = chars.map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          for (const [at, ch] of inserts) chars.splice(at, 0, ch);
          expect(normalizeCode(chars.join(''))).toBe(code);
        },
      ),
      { numRuns: 500 },
    );
  });

  // The key guarantee (proof in uscc.ts): no single typo of a valid code passes the check.
  it('detects EVERY single-character substitution of a valid code (300 codes × 18 × 30)', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        for (let i = 0; i < 18; i++) {
          for (const c of USCC_CHARSET) {
            if (c === code.charAt(i)) continue;
            const typo = code.slice(0, i) + c + code.slice(i + 1);
            if (validateUscc(typo, NO_PILOTS).valid) return false;
            if (usccCheckChar(typo.slice(0, 17)) === typo.charAt(17)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('detects EVERY adjacent transposition of distinct characters (300 codes × 17)', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        for (let i = 0; i < 17; i++) {
          const a = code.charAt(i);
          const b = code.charAt(i + 1);
          if (a === b) continue;
          const swapped = code.slice(0, i) + b + a + code.slice(i + 2);
          if (validateUscc(swapped, NO_PILOTS).valid) return false;
          if (usccCheckChar(swapped.slice(0, 17)) === swapped.charAt(17)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  // The check is linear in the character values, so whether an error is caught depends only on the
  // position(s) and the two values, never on the rest of the code. Enumerating every (position, a, b)
  // over one background code is therefore a complete proof, not a sample.
  it('exhaustively: every (position, a, b) substitution and transposition is caught', () => {
    const background = '91350200MA2YJ1XR9';
    let cases = 0;
    for (let i = 0; i < 17; i++) {
      for (const a of USCC_CHARSET) {
        const code = withCheck(background.slice(0, i) + a + background.slice(i + 1));
        for (const b of USCC_CHARSET) {
          if (a === b) continue;
          const typo = code.slice(0, i) + b + code.slice(i + 1);
          expect(usccCheckChar(typo.slice(0, 17))).not.toBe(typo.charAt(17));
          cases++;
          if (i < 16) {
            const pair = code.slice(0, i) + a + b + code.slice(i + 2);
            const fixed = withCheck(pair.slice(0, 17));
            const swapped = fixed.slice(0, i) + b + a + fixed.slice(i + 2);
            expect(usccCheckChar(swapped.slice(0, 17))).not.toBe(swapped.charAt(17));
            cases++;
          }
        }
        // Positions 17 and 18: swap the last body character with the check character.
        if (i === 16 && a !== code.charAt(17)) {
          const swapped = code.slice(0, 16) + code.charAt(17) + a;
          expect(usccCheckChar(swapped.slice(0, 17))).not.toBe(swapped.charAt(17));
          cases++;
        }
      }
    }
    // The check character itself: any other character is wrong, as the expected one is unique.
    expect(cases).toBe(17 * 31 * 30 + 16 * 31 * 30 + 30);
  });
});

describe('suggestUscc', () => {
  it('offers the original for a wrong check character, among other candidates', () => {
    const s = suggestUscc('91110000600037341N');
    expect(s).toContain('91110000600037341L');
    expect(s.length).toBeGreaterThan(1); // which is why it never auto-corrects
    // The check character alone changed comes first: the commonest slip, and the only change that
    // keeps the organization code (and so its GB 11714 check) intact.
    expect(s[0]).toBe('91110000600037341L');
    for (const c of s) expect(validateUscc(c, NO_PILOTS).valid).toBe(true);
  });

  it('never suggests a code that breaks the structure (letters in the division digits)', () => {
    for (const c of suggestUscc('91350200776049653B')) expect(c.slice(2, 8)).toMatch(/^\d{6}$/);
    expect(suggestUscc('91350200776049653B')[0]).toBe('91350200776049653A');
  });

  it('offers nothing for a valid code (no single typo of a valid code is valid) or a wrong length', () => {
    for (const code of VALID) expect(suggestUscc(code)).toEqual([]);
    expect(suggestUscc('12345')).toEqual([]);
    expect(suggestUscc('')).toEqual([]);
  });

  it('offers the code with 0 for an OCR "O", and nothing when two characters are wrong', () => {
    expect(suggestUscc('911100006O0037341L')).toContain('91110000600037341L');
    expect(suggestUscc('911100006OO037341L')).toEqual([]);
  });

  it('includes the original for any single substitution or adjacent transposition', () => {
    fc.assert(
      fc.property(validUscc, fc.nat(17), fc.constantFrom(...Array.from(USCC_CHARSET)), (code, i, c) => {
        fc.pre(code.charAt(i) !== c);
        expect(suggestUscc(code.slice(0, i) + c + code.slice(i + 1))).toContain(code);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(validUscc, fc.nat(16), (code, i) => {
        fc.pre(code.charAt(i) !== code.charAt(i + 1));
        const swapped = code.slice(0, i) + code.charAt(i + 1) + code.charAt(i) + code.slice(i + 2);
        expect(suggestUscc(swapped)).toContain(code);
      }),
      { numRuns: 100 },
    );
  });
});
