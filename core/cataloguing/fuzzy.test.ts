import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedEdits, approxFind } from './fuzzy';

const chars = (s: string) => Array.from(s);

describe('approximate keyword search', () => {
  it('finds a keyword through one misread, missing or extra character', () => {
    expect(approxFind(chars('股东会决议'), chars('股东会讲议'), 1)).toEqual({ start: 0, end: 5, edits: 1 });
    expect(approxFind(chars('营业执照'), chars('-营业执“照'), 1)).toEqual({ start: 1, end: 6, edits: 1 });
    expect(approxFind(chars('公司章程'), chars('南平鸭岛瑞丰贸易有限公司节程'), 1)).toEqual({
      start: 10,
      end: 14,
      edits: 1,
    });
    expect(approxFind(chars('营业执照'), chars('营执照'), 1)).toMatchObject({ edits: 1 });
  });

  it('refuses a match needing more edits than allowed', () => {
    expect(approxFind(chars('股东会决议'), chars('股东大会讲话'), 1)).toBeNull();
    expect(approxFind(chars('章程'), chars('草稿'), 0)).toBeNull();
    expect(approxFind([], chars('任何'), 1)).toBeNull();
  });

  it('allows more edits for longer keywords and none for short ones', () => {
    expect([2, 3, 4, 7, 8, 12].map(allowedEdits)).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('finds any needle inside any text with one character changed within one edit (property)', () => {
    const cjk = fc.constantFrom(...chars('营业执照股东会决议章程申请书住所证明身份'));
    fc.assert(
      fc.property(
        fc.array(cjk, { minLength: 4, maxLength: 10 }),
        fc.array(cjk, { maxLength: 8 }),
        fc.array(cjk, { maxLength: 8 }),
        fc.nat(),
        cjk,
        (needle, before, after, at, ch) => {
          const misread = [...needle];
          misread[at % needle.length] = ch;
          const found = approxFind(needle, [...before, ...misread, ...after], 1);
          expect(found).not.toBeNull();
          expect(found?.edits).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
