import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../codes';
import { readRegNoCell, readRegNos, readUscc, readUsccCell } from './codes-in-text';
import { runMachineChecks, type VerificationInput, type VerificationPage } from './machine-checks';
import { checkSamplingRule, DEFAULT_SAMPLING, samplePages } from './review-rules';

const USCC = '91350200776049653A';
const OTHER_USCC = '91350500798359476R';
const REG_NO = '110108000000016';

function pages(spec: string, over: Partial<VerificationPage> = {}): VerificationPage[] {
  return Array.from(spec).map((c, i) => ({
    seq: i + 1,
    isBlank: c === 'b',
    isSeparator: c === 's',
    dpiX: 300,
    dpiY: 300,
    sha256: String(i).padStart(64, '0'),
    labelFound: null,
    ...over,
  }));
}

/** A catalogued document dated 2026-03-01 over pages `firstPage`–`lastPage`. */
function doc(typeCode: string, title: string, firstPage: number, lastPage: number) {
  return { typeCode, title, docDate: '20260301', responsible: null, firstPage, lastPage };
}

function input(over: Partial<VerificationInput> = {}): VerificationInput {
  return {
    volume: {
      uid: 'u-1',
      archiveNo: '350200-2026-SL-000001',
      volumeType: 'SL',
      declaredPages: 3,
      pageCountReason: null,
    },
    enterprise: { uscc: USCC, regNo: null, name: '厦门测试有限公司' },
    pages: pages('ccc'),
    documents: [doc('APP', '公司设立登记申请书', 1, 2), doc('AOA', '公司章程', 3, 3)],
    ocrText: new Map([[1, `公司设立登记申请书\n统一社会信用代码：${USCC}\n名称：厦门测试有限公司`]]),
    ...over,
  };
}

const status = (i: VerificationInput) => Object.fromEntries(runMachineChecks(i).map((c) => [c.id, c.status]));

describe('reading codes from OCR text', () => {
  it('sees through I/O/Z/S confusions and one inserted character, using the check character', () => {
    expect(readUscc(`代码:${USCC.replace(/1/g, 'I').replace(/0/g, 'O')}`, USCC)).toEqual({
      exact: [USCC],
      matches: true,
    });
    expect(readUscc('统一社会信用代码:913502007760496534A', USCC).matches).toBe(true); // measured OCR output
    expect(readUscc('9135 0200 7760 4965 3A', USCC).matches).toBe(true);
    expect(readUscc(`代码 ${OTHER_USCC}`, USCC)).toEqual({ exact: [OTHER_USCC], matches: false });
    expect(readUscc('91350200776049653B', USCC)).toEqual({ exact: [], matches: false });
  });

  it('finds 注册号 by their check digit', () => {
    expect(readRegNos(`注册号：${REG_NO.replace(/0/g, 'O')}`)).toEqual([REG_NO]);
    expect(readRegNos('注册号：110108000000017')).toEqual([]);
  });

  it('property: a valid USCC with any one character inserted is still matched', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 18 }),
        fc.constantFrom(...Array.from('0123456789ABC')),
        (at, c) => {
          const noisy = USCC.slice(0, at) + c + USCC.slice(at);
          expect(readUscc(`代码：${noisy}`, USCC).matches).toBe(true);
        },
      ),
    );
  });
});

describe('machine checks', () => {
  it('passes a good volume and skips the label check when labels cannot be read', () => {
    expect(status(input())).toEqual({
      'page-count': 'pass',
      'pages-catalogued': 'pass',
      'blank-pages': 'pass',
      'enterprise-codes': 'pass',
      label: 'skipped',
      dpi: 'pass',
      'duplicate-images': 'pass',
    });
  });

  it('fails on page count without reason, uncatalogued pages, blank documents, low dpi and a repeated image', () => {
    const ps = pages('cccb');
    const low = ps.map((p) =>
      p.seq === 2 ? { ...p, dpiX: 150, dpiY: 150 } : p.seq === 3 ? { ...p, sha256: ps[0]?.sha256 ?? '' } : p,
    );
    const checks = runMachineChecks(
      input({
        volume: { uid: 'u-1', archiveNo: 'x', volumeType: 'SL', declaredPages: 5, pageCountReason: null },
        pages: low,
        documents: [doc('APP', '申请书', 1, 2), doc('OTH', '说明', 4, 4)],
      }),
    );
    const failed = checks
      .filter((c) => c.status === 'fail')
      .map((c) => [c.id, c.issues.map((i) => [i.code, i.page ?? i.document])]);
    expect(failed).toEqual([
      ['page-count', [['verify.page-count', undefined]]],
      ['pages-catalogued', [['catalogue.page-uncatalogued', 3]]],
      ['blank-pages', [['catalogue.blank-document', 4]]],
      ['dpi', [['verify.dpi-low', 2]]],
      ['duplicate-images', [['verify.duplicate-image', 3]]],
    ]);
  });

  it('warns about near-duplicate pages with both page numbers, and about pages not compared yet', () => {
    const near = (pairs: { first: number; second: number }[], unchecked: number[] = []) =>
      runMachineChecks(input({ nearDuplicates: { pairs, unchecked } })).find(
        (c) => c.id === 'duplicate-images',
      );
    expect(near([])?.status).toBe('pass');
    const found = near([{ first: 1, second: 3 }]);
    expect(found?.status).toBe('warning'); // a judgement from pixels: QA looks, the volume is not failed
    expect(found?.issues.map((i) => [i.code, i.page, i.message.zh])).toEqual([
      ['verify.near-duplicate-image', 3, '第 3 页与第 1 页疑似同一张纸重复扫描（图像近似）'],
    ]);
    expect(near([], [2, 3])?.issues.map((i) => i.message.en)).toEqual([
      '2 page(s) not yet compared for near duplicates (pages 2, 3)',
    ]);
    expect(status(input())['duplicate-images']).toBe('pass'); // without the comparison: exact digests only
  });

  it('fails when the form shows another enterprise’s code, warns when the code or name is not found', () => {
    expect(
      status(input({ ocrText: new Map([[2, `代码 ${OTHER_USCC} 名称 厦门测试有限公司`]]) }))[
        'enterprise-codes'
      ],
    ).toBe('fail');
    const weak = runMachineChecks(input({ ocrText: new Map([[1, '看不清']]) })).find(
      (c) => c.id === 'enterprise-codes',
    );
    expect(weak?.issues.map((i) => i.code)).toEqual(['verify.uscc-not-found', 'verify.name-not-found']);
    expect(status(input({ ocrText: new Map() }))['enterprise-codes']).toBe('skipped');
    const regOnly = input({
      enterprise: { uscc: null, regNo: REG_NO, name: '厦门测试有限公司' },
      ocrText: new Map([[1, `注册号 ${REG_NO} 厦门测试有限公司`]]),
    });
    expect(status(regOnly)['enterprise-codes']).toBe('pass');
  });

  it('checks that our label names this volume', () => {
    const decode = (payload: string) => (payload.startsWith('DG1:') ? { archiveNo: payload.slice(4) } : null);
    const withLabel = (payload: string | null) =>
      input({
        decodeLabel: decode,
        pages: pages('ccc').map((p) => (p.seq === 1 ? { ...p, labelFound: payload } : p)),
      });
    expect(status(withLabel('DG1:350200-2026-SL-000001')).label).toBe('pass');
    expect(status(withLabel('DG1:350200-2026-SL-000002')).label).toBe('fail');
    expect(status(withLabel('https://example.invalid/licence')).label).toBe('warning'); // a foreign code only
  });
});

describe('form cells read by OCR', () => {
  it('a code cell matches exactly, through folded confusions, an extra character or one look-alike', () => {
    expect(readUsccCell([USCC], USCC)).toEqual({ code: USCC, matches: true });
    expect(readUsccCell(['9I35O2OO776O49653A'], USCC).matches).toBe(true);
    expect(readUsccCell([`${USCC.slice(0, 17)}F${USCC.slice(17)}`], USCC).matches).toBe(true);
    // D for 0: the reading fails the check character, the enterprise's code passes it.
    expect(readUsccCell([USCC.replace('0200', '02D0')], USCC).matches).toBe(true);
    // Another valid code is returned as read, and never repaired into the enterprise's.
    expect(readUsccCell(['garbage', OTHER_USCC], USCC)).toEqual({ code: OTHER_USCC, matches: false });
    expect(readUsccCell(['9135', ''], USCC)).toEqual({ code: null, matches: false });
    // Two substitutions are not a look-alike reading.
    expect(readUsccCell([USCC.replace('0200', 'D2D0')], USCC).matches).toBe(false);
  });

  const forms = (readings: [number, string[], string][]) =>
    new Map(
      readings.map(([p, codeReadings, nameText]) => [
        p,
        { layout: 'table' as const, codeReadings, nameText },
      ]),
    );
  const withForms = (readings: [number, string[], string][], ocrText = new Map<number, string>()) =>
    runMachineChecks(
      input({
        pages: pages('cccc'),
        declaredPages: 4,
        documents: [doc('APP', '申请书', 1, 2), doc('APP', '申请书', 3, 4)],
        ocrText,
        formReadings: forms(readings),
      } as Partial<VerificationInput>),
    ).find((c) => c.id === 'enterprise-codes');

  it('a page whose cell holds another valid code is an error naming the page and the code', () => {
    const check = withForms([
      [1, [USCC], '厦门测试有限公司'],
      [3, [OTHER_USCC], '泉州别家贸易有限公司'],
    ]);
    expect(check?.status).toBe('fail');
    expect(check?.issues.map((i) => [i.severity, i.code, i.page])).toEqual([
      ['error', 'verify.form-uscc-other', 3],
    ]);
    expect(check?.issues[0]?.message.zh).toBe(
      `第 3 页的统一社会信用代码 ${OTHER_USCC} 不是本企业的（本企业 ${USCC}）`,
    );
    expect(check?.readings).toEqual([
      {
        page: 1,
        layout: 'table',
        code: USCC,
        codeMatches: true,
        name: '厦门测试有限公司',
        nameMatches: true,
      },
      {
        page: 3,
        layout: 'table',
        code: OTHER_USCC,
        codeMatches: false,
        name: '泉州别家贸易有限公司',
        nameMatches: false,
      },
    ]);
  });

  it('a name that clearly differs is an error without a matching code, a warning with one (a former name)', () => {
    const unreadable = withForms([[1, ['9135??'], '泉州别家贸易有限公司']]);
    expect(unreadable?.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.page])).toEqual([
      ['verify.form-name-other', 1],
    ]);
    const former = withForms([[1, [USCC], '厦门旧名称贸易商行']]);
    expect(former?.issues.map((i) => [i.severity, i.code])).toEqual([['warning', 'verify.form-name-other']]);
    // A name read with a wrong character is not another enterprise's.
    expect(withForms([[1, [USCC], '厦门测试有限公可']])?.status).toBe('pass');
  });

  const OTHER_REG_NO = `35020010000012${regNoCheckDigit('35020010000012')}`;

  it('a 注册号 cell matches exactly, through folded confusions or an extra character; another is returned as read', () => {
    expect(readRegNoCell([REG_NO], REG_NO)).toEqual({ code: REG_NO, matches: true });
    expect(readRegNoCell([REG_NO.replace(/0/gu, 'O').replace(/1/gu, 'I')], REG_NO).matches).toBe(true);
    expect(readRegNoCell([`${REG_NO.slice(0, 9)}7${REG_NO.slice(9)}`, ''], REG_NO).matches).toBe(true);
    expect(readRegNoCell(['garbage', OTHER_REG_NO], REG_NO)).toEqual({ code: OTHER_REG_NO, matches: false });
    // One wrong digit fails the MOD 11,10 check: neither the enterprise's nor another's.
    expect(readRegNoCell([`${REG_NO.slice(0, 14)}9`], REG_NO)).toEqual({ code: null, matches: false });
  });

  it('checks the cells of an enterprise known only by its 注册号, and an old form of a USCC enterprise', () => {
    const regOnly = (readings: [number, string[], string][]) =>
      runMachineChecks(
        input({
          enterprise: { uscc: null, regNo: REG_NO, name: '厦门测试有限公司' },
          documents: [doc('APP', '申请书', 1, 2)],
          // No page text: a USCC printed there would be proposed for recording (uscc-of-regno-enterprise.test.ts).
          ocrText: new Map(),
          formReadings: forms(readings),
        }),
      ).find((c) => c.id === 'enterprise-codes');
    const own = regOnly([[1, [`${REG_NO} |`, REG_NO], '厦门测试有限公司']]);
    expect(own?.status).toBe('pass');
    expect(own?.readings).toEqual([
      {
        page: 1,
        layout: 'table',
        code: REG_NO,
        codeMatches: true,
        name: '厦门测试有限公司',
        nameMatches: true,
      },
    ]);
    const other = regOnly([[2, [OTHER_REG_NO], '泉州别家贸易有限公司']]);
    expect(other?.status).toBe('fail');
    expect(other?.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.page])).toEqual([
      ['verify.form-regno-other', 2],
      ['verify.regno-mismatch', 1],
    ]);
    expect(other?.issues[0]?.message.zh).toBe(
      `第 2 页的注册号 ${OTHER_REG_NO} 不是本企业的（本企业 ${REG_NO}）`,
    );
    // A USCC enterprise's form from before 2015 shows its 注册号: that confirms the page too.
    const both = runMachineChecks(
      input({
        enterprise: { uscc: USCC, regNo: REG_NO, name: '厦门测试有限公司' },
        formReadings: forms([[1, [REG_NO], '泉州别家贸易有限公司']]),
      }),
    ).find((c) => c.id === 'enterprise-codes');
    expect(both?.readings?.[0]).toMatchObject({ code: REG_NO, codeMatches: true });
    // The code matches, so another name is a former name: a warning, not an error.
    expect(both?.issues.map((i) => [i.severity, i.code])).toEqual([['warning', 'verify.form-name-other']]);
  });

  it('checks pages not catalogued yet that the suggestions take for a form, page by page', () => {
    const uncatalogued = (likely: number[]) =>
      runMachineChecks(
        input({
          pages: pages('cccc'),
          declaredPages: 4,
          documents: [],
          formReadings: forms([
            [2, [OTHER_USCC], '泉州别家贸易有限公司'],
            [4, [USCC], '厦门测试有限公司'],
          ]),
          likelyFormPages: new Set(likely),
        } as Partial<VerificationInput>),
      ).find((c) => c.id === 'enterprise-codes');
    expect(uncatalogued([])?.status).toBe('skipped');
    const check = uncatalogued([4, 2]);
    expect(check?.status).toBe('fail');
    expect(check?.issues.map((i) => [i.code, i.page])).toEqual([['verify.form-uscc-other', 2]]);
    expect(check?.readings?.map((r) => [r.page, r.codeMatches])).toEqual([
      [2, false],
      [4, true],
    ]);
  });

  it('nothing readable stays a warning, as without form readings', () => {
    const check = withForms([[1, ['', ''], '']]);
    expect(check?.status).toBe('warning');
    expect(check?.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['verify.uscc-not-found']));
    expect(check?.issues.some((i) => i.severity === 'error')).toBe(false);
  });
});

describe('QA sampling', () => {
  it('draws at least 5 % of content pages, at least one, reproducibly', () => {
    const content = Array.from({ length: 41 }, (_, i) => i + 1);
    const a = samplePages(content, DEFAULT_SAMPLING, 7);
    expect(a).toHaveLength(3);
    expect(samplePages(content, DEFAULT_SAMPLING, 7)).toEqual(a);
    expect(new Set(a).size).toBe(3);
    expect(samplePages([4], DEFAULT_SAMPLING, 1)).toEqual([4]);
    expect(samplePages(content, { ...DEFAULT_SAMPLING, manualPagePercent: 100 }, 3)).toEqual(content);
  });

  it('refuses a rule below DA/T 31', () => {
    expect(() => checkSamplingRule({ ...DEFAULT_SAMPLING, manualPagePercent: 2 })).toThrow(/DA\/T 31/);
    expect(() => checkSamplingRule({ ...DEFAULT_SAMPLING, cataloguePercent: 50 })).toThrow(/DA\/T 31/);
    expect(checkSamplingRule({ ...DEFAULT_SAMPLING, manualPagePercent: 10 }).manualPagePercent).toBe(10);
  });
});
