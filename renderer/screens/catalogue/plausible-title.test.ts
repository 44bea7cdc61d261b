import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plausibleTitle } from './plausible-title';

describe('plausibleTitle', () => {
  it('keeps the titles registration documents carry, spaces between Chinese characters removed', () => {
    expect(plausibleTitle('公司设立登记申请书')).toBe('公司设立登记申请书');
    expect(plausibleTitle(' 章 程 ')).toBe('章程');
    expect(plausibleTitle('三明湄洲盛世科技有限公司章程')).toBe('三明湄洲盛世科技有限公司章程');
    expect(plausibleTitle('ABC（厦门）有限公司股东会决议')).toBe('ABC（厦门）有限公司股东会决议');
    expect(plausibleTitle('2021年度清算报告')).toBe('2021年度清算报告');
    expect(plausibleTitle('《营业执照》')).toBe('《营业执照》');
  });

  it('drops what OCR makes of rules, stamps and specks', () => {
    expect(plausibleTitle('二z—C>>B')).toBeNull(); // seen on the demo application form
    expect(plausibleTitle('| 一 二 丨')).toBeNull();
    expect(plausibleTitle('一二十')).toBeNull(); // strokes only
    expect(plausibleTitle('公司z章程')).toBeNull(); // a lone letter between Chinese characters
    expect(plausibleTitle('Ee 3 ai')).toBeNull(); // no Chinese to speak of
    expect(plausibleTitle('章')).toBeNull(); // one character says nothing
    expect(plausibleTitle('')).toBeNull();
    expect(plausibleTitle(null)).toBeNull();
  });

  it('never passes a line holding a mark no title has', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...Array.from('公司章程申请书决议营业执照ABC12（）')) }),
        fc.constantFrom(...Array.from('<>|~^_=—\\/[]{}@#$%&*+')),
        fc.string({ unit: fc.constantFrom(...Array.from('公司章程申请书决议营业执照ABC12（）')) }),
        (a, junk, b) => plausibleTitle(`${a}${junk}${b}`) === null,
      ),
    );
  });
});
