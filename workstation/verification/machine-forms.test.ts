import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../../core/codes';
import { BlobStore } from '../../db/blob-store';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { wordsOf } from '../../tests/support/engine-fixture';
import { saveFormReading } from '../../tests/support/form-readings';
import { openTestRepos, OPERATOR } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { addDemoPages } from '../../tests/support/volume-pages';
import { currentImage } from '../ocr/page-image';
import { machineCheckVolume } from './machine';

const REG_NO = `35020010000001${regNoCheckDigit('35020010000001')}`;
const OTHER_REG_NO = `35020010000012${regNoCheckDigit('35020010000012')}`;

/**
 * The form-cell check before the volume is catalogued, for an enterprise known only by its 注册号: the
 * pages come from the suggestions (their title zones), the cells from the stored form readings (what
 * workstation/ocr/form-service.ts stores; real reading is tested in ../ocr/form-reading.test.ts).
 */
describe('form cells of pages not catalogued yet', () => {
  it('checks the pages the suggestions take for a form, by the 注册号, and no other page', async () => {
    const { db, repos, clock } = openTestRepos();
    const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
    const enterprise = repos.enterprises.create(
      { regNo: REG_NO, name: '厦门老字号贸易有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    const volume = repos.volumes.create(
      {
        enterpriseId: enterprise.id,
        archiveNo: '350200-2012-SL-000001',
        volumeType: 'SL',
        year: 2012,
        bureauCode: '350200',
      },
      OPERATOR,
    );
    const png = (n: number) =>
      sharp({ create: { width: 60 + n, height: 80, channels: 3, background: '#f4f4f0' } })
        .png()
        .toBuffer();
    const pages = addDemoPages(repos, blobs, volume.id, [
      { png: await png(1) },
      { png: await png(2) },
      { png: await png(3) },
    ]);
    const ocr = new PageOcrRepo(db, clock.now);
    const forms = new FormReadingsRepo(db, clock.now);
    const titles = ['公司登记（备案）申请书', '公司章程', '营业执照'];
    pages.forEach((p, i) => {
      const title = titles[i] ?? '';
      ocr.saveDone({
        pageId: p.id,
        zone: 'title',
        blobSha256: currentImage(repos, p),
        text: `${title}\n第一条 本页正文`,
        // The title printed large over a line of body text.
        words: [...wordsOf([[title]], 80), ...wordsOf([[], ['第一条', '本页正文']], 30)],
        confidence: 90,
        engine: 'fake',
        attempts: 1,
      });
    });
    const read = (i: number, code: string, name: string) => {
      const p = pages[i];
      if (p === undefined) throw new Error('no page');
      saveFormReading(repos, forms, p, { code, name, codeLabel: '注册号' });
    };
    read(0, REG_NO, '厦门老字号贸易有限公司');
    // The 章程 page is no form: whatever was read on it is not checked.
    read(1, OTHER_REG_NO, '泉州别家贸易有限公司');
    read(2, OTHER_REG_NO, '泉州别家贸易有限公司');
    expect(repos.documents.list(volume.id)).toEqual([]);

    const check = machineCheckVolume(repos, ocr, volume.id, { forms, decodeLabel: null }).checks.find(
      (c) => c.id === 'enterprise-codes',
    );
    expect(check?.readings?.map((r) => [r.page, r.code, r.codeMatches])).toEqual([
      [1, REG_NO, true],
      [3, OTHER_REG_NO, false],
    ]);
    expect(check?.status).toBe('fail');
    expect(check?.issues.map((i) => [i.code, i.page])).toEqual([['verify.form-regno-other', 3]]);
    // Without form readings nothing is suggested for (no OCR work for the check).
    const without = machineCheckVolume(repos, ocr, volume.id, { decodeLabel: null }).checks.find(
      (c) => c.id === 'enterprise-codes',
    );
    expect(without?.status).toBe('skipped');
  });
});
