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

  it('reads titles through OCR errors and spells them as the vocabulary does', () => {
    const docs = suggestDocuments(
      [
        p(1, [
          ['南平刺桐鑫源科技有限公司', 33],
          ['股东会讲议', 60],
        ]),
        p(2, [['住所(经营场所)使用证明', 38], '市场主体名称']),
        p(3, [['营业执“照', 72], '(副本)']),
        p(4, [['南平訾岛瑞丰贸易有限公司节程', 38], '第一章总则']),
      ],
      { volumeType: 'SL', enterpriseName: '南平鹭岛瑞丰贸易有限公司' },
    );
    expect(docs.map((d) => [d.typeCode, d.title, d.firstPage])).toEqual([
      ['SHR', '股东会决议', 1],
      ['ADR', '住所（经营场所）使用证明', 2],
      ['LIC', '营业执照', 3],
      ['AOA', '南平鹭岛瑞丰贸易有限公司章程', 4],
    ]);
  });

  it('takes a title the title zone missed from the top of the full page, never from lower down', () => {
    const page = (seq: number, full: [string, number, number][]): ZonePage => ({
      seq,
      isBlank: false,
      isSeparator: false,
      lines: [{ text: '8内眺|', height: 215 }],
      fullLines: full.map(([text, height, top]) => ({ text, height, top })),
    });
    const body = ['第一条为规范公司的组织和行为，保护公司、股东和债权人的合法权益', 42, 0.5] as [
      string,
      number,
      number,
    ];
    const docs = suggestDocuments(
      [
        page(1, [['营业执照', 140, 0.2], ['(副本)', 50, 0.25], body]),
        page(2, [body, ['股东会决议', 90, 0.6]]),
        page(3, [['公司章程（续）', 80, 0.05], body]),
      ],
      'SL',
    );
    expect(docs.map((d) => [d.typeCode, d.firstPage, d.lastPage])).toEqual([['LIC', 1, 3]]);
  });

  it('dates a document by what it prints, else by the registration date, flagged', () => {
    const docs = suggestDocuments(
      [
        p(1, [['公司设立登记申请书', 64], '申请日期:2021年12月26日']),
        p(2, [['法定代表人身份证明', 38], '出生 1971 年 12 月 18 日']),
        {
          ...p(3, [['股东会决议', 60]]),
          fullLines: [
            { text: '股东会决议' },
            { text: '三明湾洲盛世科技有限公司' },
            { text: '2021 年 12 月 26 日' },
          ],
        },
      ],
      {
        volumeType: 'SL',
        registrationDate: '20220105',
        enterpriseName: '三明渭洲盛世科技有限公司',
        authority: '三明市市场监督管理局',
      },
    );
    expect(docs.map((d) => [d.typeCode, d.docDate, d.dateSource, d.datePage])).toEqual([
      ['APP', '20211226', 'document', 1],
      ['IDP', '20220105', 'registration', null],
      ['SHR', '20211226', 'document', 3],
    ]);
    expect(docs[2]).toMatchObject({
      responsible: '三明渭洲盛世科技有限公司股东会',
      responsibleSource: 'document',
    });
    expect(docs[0]?.responsible).toBeNull();
    expect(suggestDocuments([p(1, [['营业执照', 72], '(副本)'])], 'SL')[0]).toMatchObject({
      typeCode: 'LIC',
      docDate: null,
      dateSource: 'none',
      responsible: null,
    });
    // A licence's issuer: read on it, else the volume's registering bureau (flagged as such).
    const licence = (second: string) =>
      suggestDocuments([p(1, [['营业执照', 72], second])], {
        volumeType: 'SL',
        authority: '厦门市市场监督管理局',
      })[0];
    expect(licence('登记机关 南平市市场监督管理局')).toMatchObject({
      responsible: '南平市市场监督管理局',
      responsibleSource: 'document',
    });
    expect(licence('(副本)')).toMatchObject({
      responsible: '厦门市市场监督管理局',
      responsibleSource: 'volume',
    });
  });
});
