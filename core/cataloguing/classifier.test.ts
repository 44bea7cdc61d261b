import { describe, expect, it } from 'vitest';
import { scoreSuggestions } from './accuracy';
import { foldTitle, judgePages, suggestDocuments, type ZonePage } from './classifier';

const BODY_H = 24;
function p(
  seq: number,
  lines: readonly (string | [string, number])[] | null,
  flags: Partial<ZonePage> = {},
): ZonePage {
  return {
    seq,
    isBlank: false,
    isSeparator: false,
    lines:
      lines === null
        ? null
        : lines.map((l) =>
            typeof l === 'string' ? { text: l, height: BODY_H } : { text: l[0], height: l[1] },
          ),
    ...flags,
  };
}

describe('title-keyword classifier', () => {
  it('folds parenthesis width and the brackets OCR confuses with them', () => {
    expect(foldTitle('公司登记〈备案）申请书')).toBe(foldTitle('公司登记（备案）申请书'));
    expect(foldTitle('股 东 会 决 议')).toBe('股东会决议');
  });

  it('starts documents at large titles, prefers the longest keyword, and ignores keywords in body text', () => {
    const pages = [
      p(1, [['公司登记（备案）申请书', 43], '统一社会信用代码：91350200776049653A']),
      p(2, ['依照公司章程的规定，股东会会议由执行董事召集和主持。', '以上事项经股东会决议通过，特此证明。']),
      p(3, null, { isBlank: true }),
      p(4, [['厦门测试有限公司章程修正案', 43], '根据《中华人民共和国公司法》及有关规定']),
      p(5, [['股东会决议', 44]]),
    ];
    expect(suggestDocuments(pages, 'BG')).toEqual([
      expect.objectContaining({
        typeCode: 'APP',
        title: '公司登记（备案）申请书',
        firstPage: 1,
        lastPage: 2,
        keyword: '公司登记（备案）申请书',
      }),
      expect.objectContaining({ typeCode: 'AOA', firstPage: 4, lastPage: 4, keyword: '章程修正案' }),
      expect.objectContaining({ typeCode: 'SHR', firstPage: 5, lastPage: 5 }),
    ]);
  });

  it('without line heights, takes a short keyword line at the top as a title and a long one as body', () => {
    const v = judgePages(
      [
        { seq: 1, isBlank: false, isSeparator: false, lines: [{ text: '营业执照' }] },
        {
          seq: 2,
          isBlank: false,
          isSeparator: false,
          lines: [{ text: '申请人已领取营业执照正本一份副本一份并核对无误签字确认如下' }],
        },
      ],
      'SL',
    );
    expect(v.map((x) => [x.startsDocument, x.typeCode])).toEqual([
      [true, 'LIC'],
      [false, 'LIC'],
    ]);
  });

  it('puts leading pages without a recognised title into an "other" document', () => {
    expect(
      suggestDocuments([p(1, ['看不清的文字']), p(2, [['营业执照', 44]])], 'SL').map((d) => [
        d.typeCode,
        d.firstPage,
        d.lastPage,
        d.keyword,
      ]),
    ).toEqual([
      ['OTH', 1, 1, null],
      ['LIC', 2, 2, '营业执照'],
    ]);
  });

  it('scores suggestions against the truth', () => {
    const truth = [
      { typeCode: 'APP', firstPage: 1, lastPage: 2 },
      { typeCode: 'AOA', firstPage: 3, lastPage: 4 },
    ];
    expect(scoreSuggestions(truth, truth)).toMatchObject({
      boundaryRecall: 1,
      boundaryPrecision: 1,
      documentsExact: 1,
      pageTypeAccuracy: 1,
    });
    expect(scoreSuggestions(truth, [{ typeCode: 'APP', firstPage: 1, lastPage: 4 }])).toEqual({
      documents: 2,
      boundaryRecall: 0.5,
      boundaryPrecision: 1,
      documentsExact: 0,
      pageTypeAccuracy: 0.5,
    });
  });
});
