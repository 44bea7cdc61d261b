import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../../core/codes';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { engineFixture, scannedVolume } from '../../tests/support/engine-fixture';
import { saveFormReading } from '../../tests/support/form-readings';
import { OPERATOR } from '../../tests/support/repos';

const REG_NO = `35020010000001${regNoCheckDigit('35020010000001')}`;
/** The USCC the enterprise was given in 2015 (厦门, like its 注册号); not recorded here yet. */
const NEW_USCC = '913502000728319549';
const OTHER_USCC = '91350200MA2YJ1XR9G';

/**
 * The form-cell check of 图文校核 through the engine (real SQLite data folder): a volume of an enterprise
 * known only by its 注册号 whose later application form prints its new USCC, and a page of another
 * enterprise here. The cells come from stored form readings (what workstation/ocr/form-service.ts
 * stores; real reading is tested in tests/verification/form-reading.test.ts).
 */
describe('a USCC on the forms of a 注册号-only enterprise, through qa.start', () => {
  it('proposes recording an unknown USCC, names the enterprise holding another, and is confirmed once recorded', async () => {
    const t = await engineFixture();
    const { repos, data, clock } = t.ws;
    const own = repos.enterprises.create(
      { regNo: REG_NO, name: '厦门老字号贸易有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    const other = repos.enterprises.create(
      { uscc: OTHER_USCC, name: '厦门别家贸易有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    const { volumeId, pageIds } = await scannedVolume(t.ws, 3, { enterpriseId: own.id });
    const forms = new FormReadingsRepo(data.db, clock.now);
    const read = (seq: number, code: string, name: string) => {
      saveFormReading(repos, forms, repos.pages.get(pageIds[seq - 1] ?? 0), { code, name });
    };
    read(1, NEW_USCC, '厦门老字号贸易有限公司');
    read(2, OTHER_USCC, '厦门别家贸易有限公司');
    const doc = (typeCode: string, title: string, page: number) => ({
      typeCode,
      title,
      docDate: '20160301',
      responsible: null,
      firstPage: page,
      lastPage: page,
    });
    await t.ok(
      'catalogue.finish',
      {
        volumeId,
        documents: [
          doc('APP', '公司变更登记申请书', 1),
          doc('APP', '公司变更登记申请书', 2),
          doc('AOA', '公司章程', 3),
        ],
      },
      t.op,
    );

    const codes = async () => {
      const r = await t.ok('qa.start', { volumeId }, t.qa);
      return r.machine.checks.find((c) => c.id === 'enterprise-codes');
    };
    const before = await codes();
    expect(before?.issues.map((i) => [i.severity, i.code, i.page])).toEqual([
      ['warning', 'verify.uscc-unrecorded', 1],
      ['error', 'verify.form-uscc-other', 2],
    ]);
    expect(before?.issues[0]?.message.zh).toContain(`可补录为本企业的统一社会信用代码`);
    expect(before?.issues[1]?.message.zh).toBe(
      `第 2 页的统一社会信用代码 ${OTHER_USCC} 属于本系统中的另一企业“厦门别家贸易有限公司”（记录 ${other.id}），不是本企业的（本企业注册号 ${REG_NO}）`,
    );

    // Recorded for the enterprise (as a code alias), the USCC confirms its page; the other stays an error.
    repos.enterprises.addAlias(own.id, { kind: 'uscc', value: NEW_USCC }, OPERATOR);
    const after = await codes();
    expect(after?.issues.map((i) => [i.severity, i.code, i.page])).toEqual([
      ['error', 'verify.form-uscc-other', 2],
    ]);
    expect(after?.readings?.find((r) => r.page === 1)).toMatchObject({ code: NEW_USCC, codeMatches: true });
  });
});
