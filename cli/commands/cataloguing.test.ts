import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { runCli as run } from '../../tests/support/cli';

/** Adds `n` pages (distinct digests, 300 dpi) with the title-zone text OCR would have stored. */
function addPages(dir: string, volumeId: number, titles: readonly string[]): void {
  const data = openDataDir(dir);
  try {
    const repos = createRepos(data.db);
    const ocr = new PageOcrRepo(data.db);
    titles.forEach((title, i) => {
      const put = data.blobs.put(Buffer.from(`page ${i} of volume ${volumeId}`));
      const page = repos.pages.addCaptured({
        volumeId,
        blob: { sha256: put.sha256, size: put.size, mediaType: 'image/png' },
        dpiX: 300,
        dpiY: 300,
      });
      ocr.saveDone({
        pageId: page.id,
        zone: 'title',
        blobSha256: put.sha256,
        text: title,
        words: [],
        confidence: 90,
        engine: 'stored',
        attempts: 1,
      });
    });
  } finally {
    data.close();
  }
}

describe('dangan enterprise / volume / catalogue / verify', () => {
  it('registers, guards against digitizing twice, suggests, saves a catalogue and verifies', async () => {
    const dir = tempDir();
    const d = ['--data', dir, '--as', 'op-wang'];
    expect(
      (
        await run(
          'enterprise',
          'create',
          '--uscc',
          '91350200776049653A',
          '--name',
          '厦门测试有限公司',
          '--bureau',
          '350200',
          ...d,
        )
      ).code,
    ).toBe(0);
    const bad = await run(
      'enterprise',
      'create',
      '--uscc',
      '91350200776049653B',
      '--name',
      'x',
      '--bureau',
      '350200',
      ...d,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('enterprise.invalid-code');
    const found = await run('enterprise', 'find', '厦门侧试', '--data', dir, '--json');
    expect(JSON.parse(found.out)).toEqual([expect.objectContaining({ match: 'fuzzy' })]);

    const create = [
      'volume',
      'create',
      '--enterprise',
      '91350200776049653A',
      '--type',
      'SL',
      '--year',
      '2026',
      // no --bureau: the volume belongs to the enterprise's bureau (350200)
      '--pages',
      '3',
      ...d,
    ];
    const first = await run(...create, '--json');
    expect(first.code).toBe(0);
    expect((JSON.parse(first.out) as { volume: { archiveNo: string } }).volume.archiveNo).toBe(
      '350200-2026-SL-000001',
    );
    const dup = await run(...create);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('350200-2026-SL-000001');
    expect((await run(...create, '--reason', '首次扫描图像丢失，重新数字化')).out).toContain(
      '350200-2026-SL-000002',
    );

    addPages(dir, 1, [
      '公司设立登记申请书',
      '申请人对所提交材料的真实性负责，特此声明并签字确认如下。',
      '公司章程',
    ]);
    const suggest = await run(
      'catalogue',
      'suggest',
      '350200-2026-SL-000001',
      '--no-ocr',
      '--json',
      '--data',
      dir,
    );
    expect(
      (
        JSON.parse(suggest.out) as { documents: { typeCode: string; firstPage: number; lastPage: number }[] }
      ).documents.map((x) => [x.typeCode, x.firstPage, x.lastPage]),
    ).toEqual([
      ['APP', 1, 2],
      ['AOA', 3, 3],
    ]);

    const file = path.join(dir, 'catalogue.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 2 },
      ]),
    );
    const refused = await run('catalogue', 'set', '1', '--file', file, ...d);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('第 3 页不属于任何一件 / Page 3 belongs to no document');
    expect((await run('verify', '1', '--data', dir)).code).toBe(1); // nothing catalogued yet

    fs.writeFileSync(
      file,
      JSON.stringify({
        documents: [
          { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 2 },
          { typeCode: 'AOA', title: '公司章程', docDate: '20260301', firstPage: 3, lastPage: 3 },
        ],
      }),
    );
    expect((await run('catalogue', 'set', '1', '--file', file, ...d)).code).toBe(0);
    const verify = await run('verify', '1', '--json', '--data', dir);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ passed: true, volume: '350200-2026-SL-000001' });
    expect((await run('verify', 'no-such', '--data', dir)).err).toContain('案卷不存在：no-such');
    fs.writeFileSync(file, '{"documents": [{"typeCode": 1}]}');
    expect((await run('catalogue', 'set', '1', '--file', file, ...d)).err).toContain(
      'invalid catalogue file',
    );
  }, 30_000);
});
