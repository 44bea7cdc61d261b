import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { tempDir } from '../../tests/support/temp-dir';
import { runCli as run } from '../../tests/support/cli';

interface JsonReport {
  categories: {
    id: string;
    name: string;
    severity: string;
    count: number;
    findings: { kind: string; entityId: string }[];
  }[];
}

describe('dangan check', () => {
  it('--json prints every category with counts and findings and exits 1 on errors', async () => {
    const cat = faultyCatalogue({ realTime: true });
    const rosterFile = path.join(tempDir(), 'roster.json');
    fs.writeFileSync(rosterFile, JSON.stringify(cat.roster));
    cat.db.close();
    const r = await run(
      'check',
      '--data',
      cat.dir,
      '--roster',
      rosterFile,
      '--json',
      '--fixity-runs',
      '1',
      '--no-decode',
    ); // the fixture's JPEGs are marker-framed noise
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as JsonReport;
    expect(report.categories).toHaveLength(14);
    for (const c of report.categories) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'name', 'severity', 'count', 'findings']));
      expect(c.findings.map((f) => `${f.kind} ${f.entityId}`).sort()).toEqual(
        cat.expected.get(c.id as never) ?? [],
      );
    }
  });

  it('exits 0 when only warnings are found, and prints Chinese first', async () => {
    const cat = faultyCatalogue();
    cat.db.close();
    const r = await run('check', '--data', cat.dir, '--only', 'page-count,no-opening');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/档案页数不一致的档案卷 page-count: 1/);
    expect(r.out).toMatch(/著录 5 页，实有 2 页 \/ Volume .* declares 5 pages, 2 counted/);
    expect(r.out).toMatch(/结论：无错误/);
  });

  it('--xlsx writes a summary sheet and one sheet per category with Chinese headers', async () => {
    const cat = faultyCatalogue();
    cat.db.close();
    const file = path.join(tempDir(), 'report.xlsx');
    const r = await run('check', '--data', cat.dir, '--xlsx', file, '--only', 'index-error,page-error');
    expect(r.code).toBe(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['汇总', '档案索引错误的档案卷', '页级别错误的档案卷']);
    const summary = wb.getWorksheet('汇总');
    expect(summary?.getRow(1).values).toEqual(expect.arrayContaining(['类别代码', '检错类别', '问题数']));
    expect(summary?.getRow(2).getCell(4).value).toBe(cat.expected.get('index-error')?.length);
    const pages = wb.getWorksheet('页级别错误的档案卷');
    expect(pages?.rowCount).toBe(1 + (cat.expected.get('page-error')?.length ?? 0));
    expect(pages?.getRow(1).getCell(5).value).toBe('问题描述');
  });

  it('an image finding names the volume and page using the image, in the text and in the workbook', async () => {
    const cat = faultyCatalogue();
    const sha = cat.expected
      .get('image-wrong')
      ?.find((e) => e.startsWith('image-wrong.size-mismatch '))
      ?.split(' ')[1];
    const used = cat.db
      .prepare(
        `SELECT v.archive_no AS archiveNo, p.seq FROM pages p JOIN volumes v ON v.id = p.volume_id
         WHERE p.blob_sha256 = ? AND p.deleted_at IS NULL ORDER BY p.volume_id, p.seq LIMIT 1`,
      )
      .get(sha) as { archiveNo: string; seq: number } | undefined;
    cat.db.close();
    if (sha === undefined || used === undefined) throw new Error('no planted size mismatch on a page');
    const file = path.join(tempDir(), 'images.xlsx');
    const r = await run(
      'check',
      '--data',
      cat.dir,
      '--only',
      'image-wrong',
      '--fixity-runs',
      '0',
      '--xlsx',
      file,
    );
    const at = `${used.archiveNo} 第 ${used.seq} 页`;
    expect(r.out).toContain(`用于 ${at}`);
    expect(r.out).toContain(`used by ${used.archiveNo} page ${used.seq}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.worksheets[1];
    const header = (sheet?.getRow(1).values ?? []) as unknown[];
    const row = [...Array(sheet?.rowCount ?? 0).keys()]
      .map((i) => (sheet?.getRow(i + 1).values ?? []) as unknown[])
      .find((v) => v.includes('图像大小不符'));
    if (!row) throw new Error('no readable kind name in the workbook');
    const cell = (name: string) => {
      const v = row[header.indexOf(name)];
      return typeof v === 'string' ? v : '';
    };
    expect(cell('使用此图像的页面')).toContain(at);
    expect(cell('问题代码')).toBe('image-wrong.size-mismatch');
    expect(cell('详情')).toMatch(/^SHA-256：[0-9a-f]{64}；/);
    expect(cell('详情')).not.toContain('{');
  });

  it('refuses a malformed roster, an unknown category, both outputs, and a missing database', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const bad = path.join(tempDir(), 'roster.csv');
    fs.writeFileSync(bad, 'code,status\n123,active\n');
    const r1 = await run('check', '--data', cat.dir, '--roster', bad);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/名录文件无效.*\/ Invalid roster.*line 2/);
    const r2 = await run('check', '--data', cat.dir, '--only', 'nope');
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/未知的检错类别/);
    expect((await run('check', '--data', cat.dir, '--json', '--xlsx', 'x.xlsx')).code).toBe(2);
    const r3 = await run('check', '--data', tempDir());
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/找不到数据库/);
    const r4 = await run('check', '--store-data', cat.dir); // a workstation folder has no store.db
    expect(r4.code).toBe(1);
    expect(r4.err).toMatch(/找不到档案库数据库.*No store database/);
    const r5 = await run('check', '--data', cat.dir, '--store-data', cat.dir);
    expect(r5.code).toBe(1);
    expect(r5.err).toMatch(/只指定.*Give only one/);
  });

  it('without --data checks the default data folder ($DANGAN_DATA), like the other commands', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const before = process.env['DANGAN_DATA'];
    process.env['DANGAN_DATA'] = cat.dir;
    try {
      const r = await run('check', '--json', '--no-decode'); // the fixture's JPEGs are marker-framed noise
      expect(r.code).toBe(0);
      expect((JSON.parse(r.out) as { dataDir: string }).dataDir).toBe(cat.dir);
    } finally {
      if (before === undefined) delete process.env['DANGAN_DATA'];
      else process.env['DANGAN_DATA'] = before;
    }
  });

  it('the fixity summary counts only the problems of the categories shown', async () => {
    const cat = faultyCatalogue({ realTime: true });
    const digests = cat.db.prepare('SELECT sha256 FROM blobs').pluck().all() as string[];
    const missing = digests.filter((d) => !fs.existsSync(cat.blobs.pathOf(d))).length;
    cat.db.close();
    expect(missing).toBeGreaterThan(0);
    const problems = async (only: string) => {
      const r = await run('check', '--data', cat.dir, '--only', only, '--fixity-runs', '1', '--no-decode');
      const m = /本次复核 \d+ 个图像，问题 (\d+) \//.exec(r.out);
      return Number(m?.[1]);
    };
    const wrong = await problems('image-wrong');
    expect(wrong).toBeGreaterThanOrEqual(cat.corrupted.length);
    expect(await problems('image-wrong,image-missing')).toBe(wrong + missing);
  });
});
