import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { regNoCheckDigit, validateRegNo } from './regno';

const codes = (issues: readonly { code: string }[]): string[] => issues.map((i) => i.code);
const withCheck = (first14: string): string => first14 + regNoCheckDigit(first14);
const swapAt = (s: string, i: number): string =>
  s.slice(0, i) + s.charAt(i + 1) + s.charAt(i) + s.slice(i + 2);
const cyclicNeighbours = (a: string, b: string): boolean => {
  const d = (Number(a) - Number(b) + 10) % 10;
  return d === 1 || d === 9;
};

const validRegNo = fc
  .array(fc.constantFrom(...Array.from('0123456789')), { minLength: 14, maxLength: 14 })
  .map((ds) => withCheck(ds.join('')));

describe('validateRegNo', () => {
  it('110108000000016 is valid', () => {
    const r = validateRegNo('110108000000016');
    expect(r).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      parts: { division: '110108', checkDigit: '6' },
      expectedCheckDigit: '6',
    });
    expect(regNoCheckDigit('11010800000001')).toBe('6');
  });

  it('110108000000017 fails the check: expected 6, found 7', () => {
    const r = validateRegNo('110108000000017');
    expect(r.valid).toBe(false);
    expect(codes(r.errors)).toEqual(['regno.check']);
    expect(r.expectedCheckDigit).toBe('6');
    expect(r.errors[0]!.message.zh).toContain('第 15 位应为“6”，实际为“7”');
    expect(r.errors[0]!.message.en).toContain('position 15 should be "6", found "7"');
  });

  it('reports the length, expected 15 and found n', () => {
    const r = validateRegNo('11010800000001');
    expect(codes(r.errors)).toEqual(['regno.length']);
    expect(r.errors[0]!.message.zh).toContain('应为 15 位，实际 14 位');
    expect(r.errors[0]!.message.en).toContain('15 digits, found 14');
    expect(r.parts).toBeNull();
  });

  it('names each non-digit and its position', () => {
    const r = validateRegNo('11010800000O01A');
    expect(codes(r.errors)).toEqual(['regno.charset']);
    expect(r.errors[0]!.message.zh).toContain('第 12 位“O”、第 15 位“A”');
    expect(r.errors[0]!.message.en).toContain('"O" at position 12, "A" at position 15');
    expect(r.errors[0]!.message.en).toContain('digits only');
    expect(codes(validateRegNo('１１０１０８０００００００１６').errors)).toEqual(['regno.charset']);
  });

  it('regNoCheckDigit throws DomainError on bad input', () => {
    expect(() => regNoCheckDigit('1101080000000')).toThrow(DomainError);
    expect(() => regNoCheckDigit('1101080000000X')).toThrow(/position 14/);
  });
});

describe('MOD 11,10 error detection', () => {
  it('random codes validate and every single-digit substitution is detected (300 codes × 15 × 9)', () => {
    fc.assert(
      fc.property(validRegNo, (code) => {
        if (!validateRegNo(code).valid) return false;
        for (let i = 0; i < 15; i++) {
          for (const d of '0123456789') {
            if (d === code.charAt(i)) continue;
            if (validateRegNo(code.slice(0, i) + d + code.slice(i + 1)).valid) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  // Whether an error is caught depends only on the running state before it and on the digits involved
  // (each step is a bijection of the state, and so is the state → check digit map). The digit just
  // before position i takes the state through all 10 values, so enumerating it with the changed digits
  // covers every case: these loops are complete, not samples.
  it('exhaustively: every single-digit substitution is detected, in every state', () => {
    let cases = 0;
    for (let i = 0; i < 14; i++) {
      for (const prev of i === 0 ? [''] : Array.from('0123456789')) {
        for (const a of '0123456789') {
          const code = withCheck(('0'.repeat(Math.max(0, i - 1)) + prev + a).padEnd(14, '0'));
          for (const b of '0123456789') {
            if (a === b) continue;
            expect(validateRegNo(code.slice(0, i) + b + code.slice(i + 1)).valid).toBe(false);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(90 + 13 * 10 * 90);
  });

  // Measured, not wished for: MOD 11,10 misses some adjacent transpositions.
  it('exhaustively: misses exactly 20 of 900 (state, a, b) adjacent transpositions, all of cyclic neighbours', () => {
    for (let i = 1; i < 13; i++) {
      const missed: string[] = [];
      for (const prev of '0123456789') {
        for (const a of '0123456789') {
          for (const b of '0123456789') {
            if (a === b) continue;
            const code = withCheck(('0'.repeat(i - 1) + prev + a + b).padEnd(14, '0'));
            if (validateRegNo(swapAt(code, i)).valid) missed.push(a + b);
          }
        }
      }
      expect(missed).toHaveLength(20);
      for (const ab of missed) expect(cyclicNeighbours(ab.charAt(0), ab.charAt(1))).toBe(true);
    }
    // From the start state (first two digits), only 5↔6 slips through.
    const first: string[] = [];
    for (const a of '0123456789') {
      for (const b of '0123456789') {
        if (a !== b && validateRegNo(swapAt(withCheck((a + b).padEnd(14, '0')), 0)).valid) first.push(a + b);
      }
    }
    expect(first).toEqual(['56', '65']);
  });

  it('exhaustively: misses 2 of 90 swaps of digit 14 with the check digit', () => {
    const missed: string[] = [];
    let cases = 0;
    for (const prev of '0123456789') {
      for (const a of '0123456789') {
        const code = withCheck('0'.repeat(12) + prev + a);
        if (code.charAt(13) === code.charAt(14)) continue;
        cases++;
        if (validateRegNo(swapAt(code, 13)).valid) missed.push(code);
      }
    }
    expect(cases).toBe(90);
    expect(missed).toEqual(['000000000000101', '000000000000110']);
  });

  it('a real-looking pair that the check cannot tell apart', () => {
    expect(validateRegNo('350200200000107').valid).toBe(true);
    expect(validateRegNo('350200200001007').valid).toBe(true); // positions 12/13 swapped
  });

  it('random codes: every undetected adjacent transposition swaps cyclic neighbour digits', () => {
    fc.assert(
      fc.property(validRegNo, (code) => {
        for (let i = 0; i < 14; i++) {
          const a = code.charAt(i);
          const b = code.charAt(i + 1);
          if (a === b) continue;
          if (validateRegNo(swapAt(code, i)).valid && !cyclicNeighbours(a, b)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
