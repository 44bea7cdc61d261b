import { describe, expect, it } from 'vitest';
import { documentDate, findDates } from './dates';

const page = (...texts: string[]) => texts.map((text) => ({ text }));

describe('dates printed on a document', () => {
  it('reads Arabic, Chinese-numeral and dashed dates, spaced the way tesseract spaces them', () => {
    expect(
      findDates([page('2026年3月5日', '二〇二六年三月十五日', '2026-03-05', '2018 年 7 月 27 日')]).map(
        (d) => d.date,
      ),
    ).toEqual(['20260305', '20260315', '20260305', '20180727']);
    expect(findDates([page('二O一九年十二月三十一日')]).map((d) => d.date)).toEqual(['20191231']);
  });

  it('leaves out unreal dates, birth dates, terms and ranges, and dates after the limit', () => {
    const found = findDates(
      [
        page(
          '2026年2月30日',
          '出生 1971 年 12 月 18 日',
          '有效期限 2015.05.12-2035.05.12',
          '营业期限 2018 年 7 月 27 日至长期',
          '周振宇60货币2041年12月31日',
        ),
      ],
      { notAfter: '20270101' },
    );
    expect(found).toEqual([]);
  });

  it('prefers a labelled date or one alone on its line, and a date read twice', () => {
    expect(
      documentDate([page('会议时间：2020年9月5日。会议地点：福州市', '一、同意于2020年10月1日开业')])?.date,
    ).toBe('20200905');
    expect(
      documentDate([
        page('第十三条公司自2019年1月1日起施行本章程'),
        page('全体股东签字：', '2018 年 7 月 27 日'),
      ]),
    ).toMatchObject({ date: '20180727', page: 1, line: 1, text: '2018 年 7 月 27 日' });
    expect(documentDate([page('身份证明', '公民身份号码 350701197112182029')])).toBeNull();
  });
});
