import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../codes';
import {
  runMachineChecks,
  type CodeHolder,
  type FormReadingInput,
  type VerificationInput,
} from './machine-checks';
import { readRegNos } from './codes-in-text';
import { regionsAgree } from './uscc-of-regno-enterprise';

/** A 厦门 (350200) 注册号 and the USCC the enterprise was given there in 2015. */
const REG_NO = `35020010000001${regNoCheckDigit('35020010000001')}`;
const USCC = '91350200776049653A';
/** A 泉州 (350500) code: another region than the 注册号's. */
const QUANZHOU_USCC = '91350500798359476R';
const NAME = '厦门老字号贸易有限公司';

const held =
  (codes: Readonly<Record<string, CodeHolder>>) =>
  (code: string): CodeHolder =>
    codes[code] ?? { kind: 'none' };

/** A volume of an enterprise known only by its 注册号: an application form (page 1), a licence (page 2). */
function check(
  forms: Readonly<Record<number, { code: string; name: string }>>,
  over: Partial<VerificationInput> = {},
) {
  const formReadings = new Map<number, FormReadingInput>(
    Object.entries(forms).map(([p, f]) => [
      Number(p),
      { layout: 'table', codeReadings: [f.code, f.code], nameText: f.name },
    ]),
  );
  return runMachineChecks({
    volume: {
      uid: 'u',
      archiveNo: '350200-2016-BG-000001',
      volumeType: 'BG',
      declaredPages: 2,
      pageCountReason: null,
    },
    enterprise: { uscc: null, regNo: REG_NO, name: NAME },
    pages: [1, 2].map((seq) => ({
      seq,
      isBlank: false,
      isSeparator: false,
      dpiX: 300,
      dpiY: 300,
      sha256: String(seq).padStart(64, '0'),
      labelFound: null,
    })),
    documents: [
      {
        typeCode: 'APP',
        title: '变更登记申请书',
        docDate: '20160301',
        responsible: null,
        firstPage: 1,
        lastPage: 1,
      },
      {
        typeCode: 'LIC',
        title: '营业执照',
        docDate: '20160301',
        responsible: '厦门市市场监督管理局',
        firstPage: 2,
        lastPage: 2,
      },
    ],
    ocrText: new Map(),
    formReadings,
    ...over,
  }).find((c) => c.id === 'enterprise-codes');
}

const codesOf = (c: ReturnType<typeof check>) => c?.issues.map((i) => [i.severity, i.code, i.page]);

describe('a USCC on the forms of an enterprise known only by its 注册号', () => {
  it('is a code to record, not another enterprise’s, when no enterprise here holds it', () => {
    const c = check({ 1: { code: USCC, name: NAME } }, { codeHolder: held({}) });
    expect(codesOf(c)).toEqual([['warning', 'verify.uscc-unrecorded', 1]]);
    expect(c?.status).toBe('warning');
    expect(c?.issues[0]?.message.zh).toBe(
      `第 1 页印有统一社会信用代码 ${USCC}，本企业只登记了注册号 ${REG_NO}，本系统中也无其他企业使用该代码：` +
        `可补录为本企业的统一社会信用代码（代码的登记管理机关区划 350200 与注册号的 350200 相符）`,
    );
    expect(c?.readings?.[0]).toMatchObject({ page: 1, code: USCC, codeMatches: false, nameMatches: true });
    // Without a lookup (nothing known but the enterprise's own codes) it is the same notice.
    expect(codesOf(check({ 1: { code: USCC, name: NAME } }))).toEqual([
      ['warning', 'verify.uscc-unrecorded', 1],
    ]);
  });

  it('stays an error naming the page when another enterprise here holds the USCC', () => {
    const c = check(
      { 1: { code: USCC, name: NAME } },
      { codeHolder: held({ [USCC]: { kind: 'other', id: 7, name: '厦门别家有限公司' } }) },
    );
    expect(codesOf(c)).toEqual([['error', 'verify.form-uscc-other', 1]]);
    expect(c?.status).toBe('fail');
    expect(c?.issues[0]?.message.zh).toBe(
      `第 1 页的统一社会信用代码 ${USCC} 属于本系统中的另一企业“厦门别家有限公司”（记录 7），不是本企业的（本企业注册号 ${REG_NO}）`,
    );
  });

  it('confirms the page once the USCC is recorded for the enterprise (an alias or a merged record)', () => {
    const c = check({ 1: { code: USCC, name: NAME } }, { codeHolder: held({ [USCC]: { kind: 'self' } }) });
    expect(c?.status).toBe('pass');
    expect(c?.readings?.[0]).toMatchObject({ code: USCC, codeMatches: true });
  });

  it('says when the code’s region differs from the 注册号’s (a hint: the enterprise may have moved)', () => {
    const c = check({ 1: { code: QUANZHOU_USCC, name: NAME } });
    expect(codesOf(c)).toEqual([['warning', 'verify.uscc-unrecorded', 1]]);
    expect(c?.issues[0]?.message.zh).toContain('但代码的登记管理机关区划 350500 与注册号的 350200 不符');
    expect(c?.issues[0]?.message.en).toContain("differs from the registration number's 350200");
  });

  it('does not propose the code of a page that names another firm, nor of a page with neither code nor name', () => {
    expect(codesOf(check({ 1: { code: USCC, name: '泉州别家贸易有限公司' } }))).toEqual([
      ['error', 'verify.form-name-other', 1],
    ]);
    expect(codesOf(check({ 1: { code: USCC, name: '' } }))).toEqual([
      ['warning', 'verify.uscc-unconfirmed', 1],
    ]);
  });

  it('a page with the enterprise’s 注册号 and another enterprise’s USCC asks to link the two records', () => {
    const c = check(
      { 1: { code: `${REG_NO}\n${USCC}`, name: NAME } },
      { codeHolder: held({ [USCC]: { kind: 'other', id: 3, name: NAME } }) },
    );
    expect(codesOf(c)).toEqual([['warning', 'verify.form-uscc-held', 1]]);
    expect(c?.readings?.[0]).toMatchObject({ codeMatches: true });
  });

  it('reads the licence’s full-page text the same way, by document', () => {
    const licence = new Map([[2, `营业执照\n统一社会信用代码 ${USCC}\n名称 ${NAME}`]]);
    const unheld = check({}, { ocrText: licence });
    expect(codesOf(unheld)).toEqual([['warning', 'verify.uscc-unrecorded', 2]]);
    expect(unheld?.issues[0]?.document).toBe(2);
    expect(unheld?.issues[0]?.message.zh).toMatch(/^第 2 件印有统一社会信用代码/u);
    const other = check(
      {},
      { ocrText: licence, codeHolder: held({ [USCC]: { kind: 'other', id: 7, name: '厦门别家有限公司' } }) },
    );
    expect(codesOf(other)).toEqual([['error', 'verify.uscc-mismatch', 2]]);
    // Once recorded, the licence confirms the enterprise: nothing to say.
    expect(check({}, { ocrText: licence, codeHolder: held({ [USCC]: { kind: 'self' } }) })?.status).toBe(
      'pass',
    );
  });
});

describe('regionsAgree', () => {
  it('takes the same division, city or the province’s own bureau as agreeing', () => {
    expect(regionsAgree(USCC, REG_NO)).toBe(true);
    expect(regionsAgree('91350203MA2YJ1XR9G', REG_NO)).toBe(true); // a district of 厦门
    expect(regionsAgree('91350000MA2YJ1XR9G', REG_NO)).toBe(true); // the province's bureau
    expect(regionsAgree('91350112MA2YJ1XR9G', `350182${REG_NO.slice(6)}`)).toBe(true); // 长乐市 → 长乐区
    expect(regionsAgree(QUANZHOU_USCC, REG_NO)).toBe(false);
    expect(regionsAgree('91440000MA2YJ1XR9G', `350000${REG_NO.slice(6)}`)).toBe(false); // another province
  });
});

describe('readRegNos on a licence’s USCC', () => {
  it('does not take 15 of its digits for a 注册号 (one window in ten passes the check by chance)', () => {
    const digits = QUANZHOU_USCC.slice(0, 17);
    const windows = [0, 1, 2].map((i) => digits.slice(i, i + 15));
    expect(windows.some((w) => regNoCheckDigit(w.slice(0, 14)) === w.charAt(14))).toBe(true);
    expect(readRegNos(`统一社会信用代码 ${QUANZHOU_USCC}`)).toEqual([]);
    expect(readRegNos(`注册号 ${REG_NO}\n统一社会信用代码 ${QUANZHOU_USCC}`)).toEqual([REG_NO]);
  });
});
