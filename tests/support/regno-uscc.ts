import { regNoCheckDigit } from '../../core/codes';
import type { Input } from '../../core/contracts';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { scannedVolume } from './engine-fixture';
import { saveFormReading } from './form-readings';
import { OPERATOR } from './repos';
import type { TestWorkstation } from './transfer-fixtures';

/** An enterprise registered before 2015, known here only by its 注册号 (厦门). */
export const OLD_REG_NO = `35020010000001${regNoCheckDigit('35020010000001')}`;
export const OLD_NAME = '厦门老字号贸易有限公司';
/** The USCC it was given in 2015 (厦门, like its 注册号); not recorded here yet. */
export const NEW_USCC = '913502000728319549';

/**
 * The 注册号-only enterprise with a volume of 2 pages whose application form (page 1) prints its new
 * USCC (a stored form reading), catalogued through `finish` (the engine's `catalogue.finish` as an
 * operator): 图文校核 finds `verify.uscc-unrecorded` on page 1.
 */
export async function regNoVolumeShowingUscc(
  w: TestWorkstation,
  finish: (input: Input<'catalogue.finish'>) => Promise<unknown>,
): Promise<{ enterpriseId: number; volumeId: number }> {
  const own = w.repos.enterprises.create(
    { regNo: OLD_REG_NO, name: OLD_NAME, bureauCode: '350200' },
    OPERATOR,
  );
  const { volumeId, pageIds } = await scannedVolume(w, 2, { enterpriseId: own.id });
  const forms = new FormReadingsRepo(w.data.db);
  saveFormReading(w.repos, forms, w.repos.pages.get(pageIds[0] ?? 0), { code: NEW_USCC, name: OLD_NAME });
  const doc = (typeCode: string, title: string, page: number) => ({
    typeCode,
    title,
    docDate: '20160301',
    responsible: null,
    firstPage: page,
    lastPage: page,
  });
  await finish({ volumeId, documents: [doc('APP', '公司变更登记申请书', 1), doc('AOA', '公司章程', 2)] });
  return { enterpriseId: own.id, volumeId };
}
