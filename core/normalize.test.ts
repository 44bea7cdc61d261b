import fc from 'fast-check';
import { domainError } from '../tests/support/domain-error';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import type { FieldSpec } from './normalize';
import { FIELD_LIMITS, codePointLength, normalizeCode, normalizeField, normalizeText } from './normalize';
import { text } from './text';

const INVISIBLES = [
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];

describe('normalizeCode', () => {
  it('folds full-width ASCII and the ideographic space, and upper-cases', () => {
    expect(normalizeCode('９１３５０２００ｍａ２ｙｊ１ｘｒ９ｇ')).toBe('91350200MA2YJ1XR9G');
    expect(normalizeCode('9135\u30000200MA2YJ1XR9G')).toBe('91350200MA2YJ1XR9G');
    expect(normalizeCode('ＦＪ－２０２４－Ｗ１－０００００１')).toBe('FJ-2024-W1-000001');
  });

  it('removes whitespace, control and invisible characters', () => {
    for (const ch of [
      ...INVISIBLES,
      ' ',
      '\t',
      '\n',
      '\r',
      '\u00A0',
      '\u2003',
      '\u0000',
      '\u001F',
      '\u007F',
      '\u0085',
    ]) {
      expect(normalizeCode(`9135${ch}0200`), `U+${ch.charCodeAt(0).toString(16)}`).toBe('91350200');
    }
  });

  it('never turns a letter into a digit or back', () => {
    expect(normalizeCode('O0o Il1 Ｏ０ｏ')).toBe('O0OIL1O0O');
    expect(normalizeCode('SZ5 2')).toBe('SZ52');
  });

  it('applies NFC and leaves non-ASCII letters for the validator to reject', () => {
    expect(normalizeCode('e\u0301')).toBe('\u00E9'); // é stays é, not E
    expect(normalizeCode('ß')).toBe('ß'); // no toUpperCase() expansion to SS
  });

  it('is idempotent and leaves no whitespace, control or format characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const n = normalizeCode(s);
        expect(normalizeCode(n)).toBe(n);
        expect(n).not.toMatch(/[\s\p{Cc}\p{Cf}a-z]/u);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the sequence of digits and of letters of any ASCII input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (s) => {
        const n = normalizeCode(s);
        expect(n.replace(/\D/g, '')).toBe(s.replace(/\D/g, ''));
        expect(n.replace(/[^A-Z]/g, '')).toBe(s.toUpperCase().replace(/[^A-Z]/g, ''));
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalizeText', () => {
  it('keeps full-width digits and letters in free text', () => {
    expect(normalizeText('第１卷 ＡＢＣ有限公司')).toBe('第１卷 ＡＢＣ有限公司');
  });

  it('collapses runs of spaces (incl. ideographic and no-break) and trims', () => {
    expect(normalizeText('  厦门\u3000\u3000某某   有限公司\u00A0 ')).toBe('厦门 某某 有限公司');
  });

  it('removes invisible and control characters', () => {
    expect(normalizeText(`厦门${INVISIBLES.join('')}某某\u0000\u0007有限公司`)).toBe('厦门某某有限公司');
  });

  it('turns line breaks and tabs into spaces in a single-line field', () => {
    expect(normalizeText('Xiamen\r\nTrading\tCo.\n')).toBe('Xiamen Trading Co.');
  });

  it('keeps \\n and \\t in multiline text, unifies line ends, strips trailing spaces', () => {
    expect(normalizeText('第一行  \r\n\t第二行\r第三行\u2028第四行 \n', { multiline: true })).toBe(
      '第一行\n\t第二行\n第三行\n第四行',
    );
  });

  it('applies NFC', () => {
    expect(normalizeText('Cafe\u0301')).toBe('Caf\u00E9');
  });

  it('replaces a lone surrogate with U+FFFD instead of storing broken UTF-16', () => {
    expect(normalizeText('a\uD800b')).toBe('a\uFFFDb');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.boolean(), (s, multiline) => {
        const n = normalizeText(s, { multiline });
        expect(normalizeText(n, { multiline })).toBe(n);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalizeField', () => {
  const name: FieldSpec = FIELD_LIMITS.enterpriseName;

  it('exports the common limits', () => {
    expect(FIELD_LIMITS.enterpriseName.maxLength).toBe(200);
    expect(FIELD_LIMITS.title.maxLength).toBe(500);
    expect(FIELD_LIMITS.responsibleParty.maxLength).toBe(200);
    expect(FIELD_LIMITS.archiveNumber.maxLength).toBe(64);
    expect(FIELD_LIMITS.remarks.maxLength).toBe(2000);
    expect(FIELD_LIMITS.code.maxLength).toBe(32);
    for (const [key, spec] of Object.entries(FIELD_LIMITS)) expect(spec.name).toBe(key);
  });

  it('normalises by kind', () => {
    expect(normalizeField(name, '  厦门　某某 有限公司 ')).toBe('厦门 某某 有限公司');
    expect(normalizeField(FIELD_LIMITS.code, ' ９１１１ ０００ ')).toBe('9111000');
    expect(normalizeField(FIELD_LIMITS.remarks, 'a\r\nb ')).toBe('a\nb');
  });

  it('counts code points: 200 CJK ext-B characters (400 UTF-16 units) fit in 200', () => {
    const extB = '𠀀'.repeat(200);
    expect(extB.length).toBe(400);
    expect(normalizeField(name, extB)).toBe(extB);
    expect(normalizeField(name, '😀'.repeat(200))).toHaveLength(400);
  });

  it('throws field.too-long naming the field, the limit and the actual length', () => {
    const e = domainError(() => normalizeField(name, '𠀀'.repeat(150) + '😀'.repeat(51)));
    expect(e.code).toBe('field.too-long');
    expect(e.text.zh).toContain('企业名称');
    expect(e.text.zh).toContain('最多 200 个字符，实际 201 个');
    expect(e.text.en).toContain('Enterprise name');
    expect(e.text.en).toContain('at most 200 characters, got 201');
    expect(e.details).toEqual({ field: 'enterpriseName', maxLength: 200, length: 201 });
  });

  it('measures the length after normalisation', () => {
    expect(normalizeField(name, `  ${'某'.repeat(200)}\u200B\u200B  `)).toHaveLength(200);
  });

  it('throws field.required when empty after normalisation, and allows empty optional fields', () => {
    const required: FieldSpec = { ...FIELD_LIMITS.title, required: true };
    const e = domainError(() => normalizeField(required, ' \u200B\u3000 '));
    expect(e.code).toBe('field.required');
    expect(e.text.zh).toContain('题名');
    expect(e.text.en).toContain('Title');
    expect(normalizeField(FIELD_LIMITS.title, '  ')).toBe('');
  });

  it('works for custom specs', () => {
    const spec: FieldSpec = { name: 'x', label: text('测试', 'Test'), maxLength: 3, kind: 'code' };
    expect(normalizeField(spec, 'a b c')).toBe('ABC');
    expect(() => normalizeField(spec, 'abcd')).toThrow(DomainError);
  });

  it('codePointLength agrees with spreading the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(codePointLength(s)).toBe(Array.from(s).length);
      }),
    );
  });
});
