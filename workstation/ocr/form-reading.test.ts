import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegNoCell, readUsccCell } from '../../core/verification/codes-in-text';
import { BlobStore } from '../../db/blob-store';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { demoRegNo, scanSheet, type Sheet } from '../../tests/support/near-duplicate-pages';
import { tempDir } from '../../tests/support/temp-dir';
import { processPage } from '../capture/process-page';
import { isCodeLabel, readFormLines, readFormTable } from './form-reading';
import { prepare } from './ocr-service';
import { tesseractForTests } from '../../tests/support/tesseract';

const DPI = 300;

/** A demo sheet scanned in grey at 300 dpi and put through the capture processing: its master. */
async function master(sheet: Sheet): Promise<Buffer> {
  const root = path.join(tempDir(), 'blobs');
  const blobs = new BlobStore(root);
  const { sha256 } = blobs.put(await scanSheet(sheet, { pass: sheet.enterprise, dpi: DPI, mode: 'gray' }));
  const out = await processPage({ blobRoot: root, sha256, mode: 'gray', dpi: DPI });
  return blobs.read(out.master.sha256);
}

/**
 * Forms printed before the USCC (2015) carry the 15-digit 注册号 where later ones print the USCC: the
 * demo application form and licence with that label and number, read by real tesseract (chi_sim).
 */
describe('reading the 注册号 on forms from before the USCC', () => {
  const pool = tesseractForTests(1);

  it('takes 注册号 for the code label, and not the name or the address', () => {
    expect(isCodeLabel('注册号')).toBe(true);
    expect(isCodeLabel('注 册 号')).toBe(true);
    expect(isCodeLabel('统一社会信用代码')).toBe(true);
    expect(isCodeLabel('名称')).toBe(false);
    expect(isCodeLabel('住所')).toBe(false);
  });

  it('reads the 注册号 cell of an old application form', async () => {
    const regNo = demoRegNo(2);
    const read = await readFormTable(
      await master({ enterprise: 2, kind: 'application', page: 0, oldCode: true }),
      pool(),
    );
    expect(read?.layout).toBe('table');
    expect(read?.codeLabel).toContain('注册');
    expect(readRegNoCell(read?.codeReadings ?? [], regNo).matches).toBe(true);
    // Not another enterprise's number, and not a USCC.
    expect(readRegNoCell(read?.codeReadings ?? [], demoRegNo(3)).matches).toBe(false);
    expect(readUsccCell(read?.codeReadings ?? [], demoEnterprise(seededRandom(2)).uscc).code).toBeNull();
  }, 120_000);

  it('reads the 注册号 line of an old business licence from its full reading', async () => {
    const regNo = demoRegNo(4);
    const bytes = await master({ enterprise: 4, kind: 'licence', page: 0, oldCode: true });
    const full = await pool().recognize(await prepare(bytes, 'full'));
    const read = await readFormLines(bytes, full.words, pool());
    expect(read.layout).toBe('lines');
    expect(read.codeLabel).toContain('注册号');
    expect(readRegNoCell(read.codeReadings, regNo)).toEqual({ code: regNo, matches: true });
  }, 180_000);
});
