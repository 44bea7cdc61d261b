import { describe, expect, it } from 'vitest';
import { bigrams, coverage, dice, foldForMatch, subsequenceShare } from './similarity';

describe('similarity', () => {
  it('folds parenthesis width, full-width letters and spaces', () => {
    expect(foldForMatch('厦门（思明）ＡＢＣ 有限公司')).toBe('厦门(思明)abc有限公司');
  });

  it('scores equal names 1, one wrong character high, unrelated names low', () => {
    expect(dice('厦门测试有限公司', '厦门测试有限公司')).toBe(1);
    expect(dice('厦门测试有限公司', '厦门侧试有限公司')).toBeGreaterThan(0.7);
    expect(dice('厦门测试有限公司', '泉州石材贸易行')).toBe(0);
    expect(bigrams('厦门')).toEqual(['厦门']);
  });

  it('measures how much of a name a page of text holds', () => {
    const page = '名 称 厦门测试有限公司\n类 型 有限责任公司';
    expect(coverage('厦门测试有限公司', page)).toBe(1);
    expect(coverage('福州另一家公司', page)).toBeLessThan(0.5);
  });
});

describe('subsequenceShare', () => {
  it('counts the query characters found in order', () => {
    expect(subsequenceShare('厦门侧试', '厦门测试有限公司')).toBe(0.75);
    expect(subsequenceShare('试测', '测试')).toBe(0.5);
    expect(subsequenceShare('', '测试')).toBe(0);
  });
});
