import fc from 'fast-check';
import { domainError } from '../tests/support/domain-error';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ARCHIVE_NUMBER_PATTERN,
  formatArchiveNumber,
  normalizeArchiveNumber,
  parseArchiveNumber,
  parsePattern,
} from './archive-number';
import type { ArchiveNumberParts } from './archive-number';
import { DomainError } from './errors';
import { VOLUME_TYPES } from './vocabulary';

const P = DEFAULT_ARCHIVE_NUMBER_PATTERN;

describe('parsePattern', () => {
  it('reads the default pattern', () => {
    const p = parsePattern(P);
    expect(p.tokens).toEqual(['bureau', 'year', 'type', 'serial']);
    expect(p.serialWidth).toBe(6);
    expect(p.elements.flatMap((e) => (e.kind === 'literal' ? [e.text] : []))).toEqual(['-', '-', '-']);
  });

  it('accepts other shapes', () => {
    expect(parsePattern('{serial:1}').tokens).toEqual(['serial']);
    expect(parsePattern('{year}/{bureau}._{serial:10}').tokens).toEqual(['year', 'bureau', 'serial']);
  });

  it.each([
    ['', 'serial'],
    ['{bureau}-{year}', 'serial'],
    ['{bureau}{serial:6}', 'separator'],
    ['{bureau}-{serial:6}-{bureau}', 'twice'],
    ['{bureau}-{serial}', 'unknown token'],
    ['{bureau}-{serial:0}', '1–10'],
    ['{bureau}-{serial:11}', '1–10'],
    ['{bureau}-{serial:123}', 'unknown token'],
    ['{Bureau}-{serial:6}', 'unknown token'],
    ['{bureau} {serial:6}', 'not allowed'],
    ['DA-{serial:6}', 'not allowed'],
    ['{bureau}—{serial:6}', 'not allowed'],
    ['-{serial:6}', 'start'],
    ['{serial:6}-', 'end'],
    ['{bureau}-{serial:6', 'unclosed'],
  ])('refuses %j', (pattern, why) => {
    const e = domainError(() => parsePattern(pattern));
    expect(e.code).toBe('archive-number.pattern');
    expect(e.text.en).toContain(why);
  });
});

describe('formatArchiveNumber', () => {
  const parts = { bureau: '350200', year: 2024, type: 'SL', serial: 123 };

  it('pads the serial', () => {
    expect(formatArchiveNumber(P, parts)).toBe('350200-2024-SL-000123');
    expect(formatArchiveNumber('{year}/{serial:3}', parts)).toBe('2024/123');
  });

  it.each<[Partial<ArchiveNumberParts>, string]>([
    [{ year: 1948 }, 'year'],
    [{ year: 2101 }, 'year'],
    [{ year: 2024.5 }, 'year'],
    [{ serial: 0 }, 'serial'],
    [{ serial: 1_000_000 }, 'serial'],
    [{ serial: 1.5 }, 'serial'],
    [{ serial: -3 }, 'serial'],
    [{ type: 'XX' }, 'type'],
    [{ type: 'sl' }, 'type'],
    [{ bureau: 'fz' }, 'bureau'],
    [{ bureau: '' }, 'bureau'],
    [{ bureau: '1234567890123' }, 'bureau'],
    [{ bureau: '福州' }, 'bureau'],
  ])('refuses %j', (bad, part) => {
    const e = domainError(() => formatArchiveNumber(P, { ...parts, ...bad }));
    expect(e.code).toBe('archive-number.invalid');
    expect(e.details['part']).toBe(part);
  });

  it('requires the parts the pattern uses', () => {
    expect(
      domainError(() => formatArchiveNumber(P, { serial: 1, year: 2024, type: 'SL' })).details['part'],
    ).toBe('bureau');
    expect(formatArchiveNumber('{bureau}-{serial:4}', { bureau: 'FZ', serial: 7 })).toBe('FZ-0007');
  });
});

describe('parseArchiveNumber', () => {
  it('reads the canonical form', () => {
    expect(parseArchiveNumber(P, '350200-2024-SL-000123')).toEqual({
      bureau: '350200',
      year: 2024,
      type: 'SL',
      serial: 123,
    });
    expect(parseArchiveNumber('{bureau}-{serial:4}', 'FZ-0007')).toEqual({ bureau: 'FZ', serial: 7 });
  });

  it.each([
    ['350200-2024-SL-123', 'serial'],
    ['350200-2024-SL-0000123', 'serial'],
    ['350200-2024-SL-000000', 'serial'],
    ['350200-2024-sl-000123', 'type'],
    ['350200-2024-XX-000123', 'type'],
    ['350200-1900-SL-000123', 'year'],
    ['350200-24-SL-000123', 'year'],
    ['fz-2024-SL-000123', 'bureau'],
    ['-2024-SL-000123', 'bureau'],
    ['350200-2024-SL-', 'serial'],
  ])('says which part of %j is wrong', (input, part) => {
    const e = domainError(() => parseArchiveNumber(P, input));
    expect(e.code).toBe('archive-number.invalid');
    expect(e.details['part']).toBe(part);
    expect(e.text.zh).toContain(input);
  });

  it.each([
    '350200-2024-SL',
    '350200-2024-SL-000123-1',
    '350200_2024_SL_000123',
    '',
    ' 350200-2024-SL-000123',
  ])('refuses the shape of %j', (input) => {
    expect(domainError(() => parseArchiveNumber(P, input)).code).toBe('archive-number.invalid');
  });
});

describe('normalizeArchiveNumber', () => {
  it.each([
    ['350200-2024-sl-123', '350200-2024-SL-000123'],
    ['  350200-2024-SL-000123\n', '350200-2024-SL-000123'],
    ['３５０２００－２０２４－ＳＬ－１２３', '350200-2024-SL-000123'],
    ['350200—2024–SL‐123', '350200-2024-SL-000123'],
    ['350200−2024－sl﹣0123', '350200-2024-SL-000123'],
    ['350200／2024．SL。123', '350200-2024-SL-000123'],
    ['350200 - 2024 - SL - 123', '350200-2024-SL-000123'],
    ['\u200B350200-20\u200D24-SL-\uFEFF123\u00AD', '350200-2024-SL-000123'],
    ['350200-2024-SL-0000123', '350200-2024-SL-000123'],
    ['350200-2024-SL-123.', '350200-2024-SL-000123'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeArchiveNumber(P, input)).toBe(expected);
  });

  it('uses the pattern’s own separators', () => {
    expect(normalizeArchiveNumber('{bureau}/{year}.{serial:4}', 'fz-2024-7')).toBe('FZ/2024.0007');
  });

  it.each([
    ['3502 00-2024-SL-123', undefined],
    ['3502002024SL000123', undefined],
    ['350200-2024-SL-0', 'serial'],
    ['350200-2024-SL-1234567', 'serial'],
    ['350200-2024-ß-123', 'type'],
    ['350200-2O24-SL-123', 'year'],
    ['', undefined],
  ])('refuses %j', (input, part) => {
    const e = domainError(() => normalizeArchiveNumber(P, input));
    expect(e.code).toBe('archive-number.invalid');
    expect(e.details['part']).toBe(part);
  });
});

// Random valid patterns: a subset of the optional tokens plus the serial, in any order, joined by
// separator runs.
const separatorArb = fc.string({ unit: fc.constantFrom('-', '_', '.', '/'), minLength: 1, maxLength: 3 });
const patternArb = fc
  .tuple(
    fc.subarray(['bureau', 'year', 'type'] as const),
    fc.integer({ min: 1, max: 10 }),
    fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    fc.array(separatorArb, { minLength: 3, maxLength: 3 }),
  )
  .map(([optional, width, keys, seps]) => {
    const tokens = [...optional.map((t) => `{${t}}`), `{serial:${width}}`];
    const order = tokens
      .map((t, i) => ({ t, k: keys[i] ?? 0 }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.t);
    return { pattern: order.map((t, i) => (i === 0 ? t : `${seps[i - 1] ?? '-'}${t}`)).join(''), width };
  });

const partsArb = (width: number) =>
  fc.record({
    bureau: fc.string({
      unit: fc.constantFrom(...Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')),
      minLength: 1,
      maxLength: 12,
    }),
    year: fc.integer({ min: 1949, max: 2100 }),
    type: fc.constantFrom(...VOLUME_TYPES.map((t) => t.code)),
    serial: fc.integer({ min: 1, max: 10 ** width - 1 }),
  });

const caseArb = patternArb.chain(({ pattern, width }) => fc.tuple(fc.constant(pattern), partsArb(width)));

function only(parts: ArchiveNumberParts, pattern: string): ArchiveNumberParts {
  const tokens = parsePattern(pattern).tokens;
  return Object.fromEntries(
    Object.entries(parts).filter(([k]) => (tokens as readonly string[]).includes(k)),
  ) as unknown as ArchiveNumberParts;
}

describe('archive number properties', () => {
  it('format → parse round-trips for random parts and patterns', () => {
    fc.assert(
      fc.property(caseArb, ([pattern, parts]) => {
        expect(parseArchiveNumber(pattern, formatArchiveNumber(pattern, parts))).toEqual(
          only(parts, pattern),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('normalize(format(x)) = format(x)', () => {
    fc.assert(
      fc.property(caseArb, ([pattern, parts]) => {
        const formatted = formatArchiveNumber(pattern, parts);
        expect(normalizeArchiveNumber(pattern, formatted)).toBe(formatted);
      }),
      { numRuns: 500 },
    );
  });

  it('normalisation undoes typing noise', () => {
    const noise = fc.record({
      lower: fc.boolean(),
      fullWidth: fc.boolean(),
      unpad: fc.boolean(),
      dash: fc.constantFrom('-', '－', '—', '–', '‐', '−', ' - ', '/', '．', '_'),
      pad: fc.constantFrom('', ' ', '\u3000', '\t', '\u200B'),
    });
    fc.assert(
      fc.property(partsArb(6), noise, (parts, n) => {
        const canonical = formatArchiveNumber(P, parts);
        const serial = n.unpad ? String(parts.serial) : String(parts.serial).padStart(6, '0');
        let typed = [parts.bureau, String(parts.year), parts.type, serial].join(n.dash);
        if (n.lower) typed = typed.toLowerCase();
        if (n.fullWidth)
          typed = typed.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(normalizeArchiveNumber(P, `${n.pad}${typed}${n.pad}`)).toBe(canonical);
      }),
      { numRuns: 500 },
    );
  });

  it('normalize is idempotent on anything it accepts', () => {
    const chars = fc.constantFrom(...Array.from('0123456789ABCSLZXQTBGabcslzx-－—_./ ．\u200B２０ｓ'));
    const inputArb = fc.oneof(
      fc.string({ unit: chars, maxLength: 30 }),
      fc.string(),
      fc
        .tuple(
          fc.string({ unit: chars, maxLength: 8 }),
          fc.constantFrom('-2024-sl-', '-1999-ZX-'),
          fc.string({ unit: chars, maxLength: 8 }),
        )
        .map((t) => t.join('')),
    );
    fc.assert(
      fc.property(inputArb, (input) => {
        let once: string;
        try {
          once = normalizeArchiveNumber(P, input);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          return;
        }
        expect(normalizeArchiveNumber(P, once)).toBe(once);
        expect(formatArchiveNumber(P, parseArchiveNumber(P, once))).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});
