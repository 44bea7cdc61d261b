import ExcelJS from 'exceljs';
import fs from 'node:fs';
import { monthlyStats } from '../../db/stats/monthly';
import { statsWorkbook } from '../../workstation/stats/workbook';
import { openDataFolder } from './data-folder';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { MONTHLY_SHEETS, readWorkbook } from '../../tests/support/stats-workbook';
import { tempDir } from '../../tests/support/temp-dir';
import { runCli as run } from '../../tests/support/cli';

describe('dangan report monthly', () => {
  it('writes one sheet per topic with Chinese headers, and the same data as JSON', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 }); // pages captured 2026-03-01
    cat.db.close();
    const file = path.join(tempDir(), 'monthly.xlsx');
    const r = await run('report', 'monthly', '--month', '2026-03', '--data', cat.dir, '--xlsx', file);
    expect(r.code).toBe(0);
    const sheets = await readWorkbook(file);
    expect([...sheets.keys()]).toEqual(MONTHLY_SHEETS);
    expect(sheets.get('按案卷类型的数字化量')).toEqual([
      ['登记机关', '登记机关名称', '类型代码', '案卷类型', '案卷数', '页数'],
      ['350200', '厦门市', 'BG', '变更', 2, 6],
      ['350200', '厦门市', 'SL', '设立', 2, 6],
    ]);
    expect(sheets.get('检错结果趋势')?.[0]).toEqual(['月份', '检查时间（北京时间）', '错误数', '问题总数']);
    // A pass rate is a number shown as a percentage (1 reads 100.0%).
    const data = openDataFolder(cat.dir, { readonly: true });
    const qa = monthlyStats(data.db, '2026-03');
    data.close();
    const withQa = {
      ...qa,
      topics: qa.topics.map((t) => (t.id === 'qa' ? { ...t, rows: [{ bureau: '350200', passRate: 1 }] } : t)),
    };
    const wb = new ExcelJS.Workbook();
    const qaFile = path.join(tempDir(), 'qa.xlsx');
    fs.writeFileSync(qaFile, await statsWorkbook(withQa));
    await wb.xlsx.readFile(qaFile);
    const cell = wb.getWorksheet('质检通过率')?.getRow(2).getCell(6);
    expect([cell?.value, cell?.numFmt]).toEqual([1, '0.0%']);
    expect(sheets.get('退回原因')?.[0]).toEqual(['原因代码', '原因', '次数']);

    const json = await run('report', 'monthly', '--month', '2026-03', '--data', cat.dir, '--json');
    const stats = JSON.parse(json.out) as { topics: { id: string; rows: unknown[] }[] };
    expect(stats.topics.find((t) => t.id === 'by-type')?.rows).toHaveLength(2);
  });

  it.each(['2026-13', '26-10', '2026-3', '', '2026-10-01'])(
    'refuses --month %j with a bilingual usage error and writes nothing',
    async (month) => {
      const cat = faultyCatalogue({ faults: false, clean: 1 });
      cat.db.close();
      const file = path.join(tempDir(), 'monthly.xlsx');
      const r = await run('report', 'monthly', '--month', month, '--data', cat.dir, '--xlsx', file);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`月份应写作 YYYY-MM，例如 2026-10：${month}`);
      expect(r.err).toContain(`The month must be written YYYY-MM, e.g. 2026-10: ${month}`);
      expect(r.out).toBe('');
      await expect(readWorkbook(file)).rejects.toThrow();
    },
  );

  it('refuses before any work an --xlsx whose folder is missing, and --json with --xlsx, as usage errors', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    cat.db.close();
    const monthly = (...args: string[]) =>
      run('report', 'monthly', '--month', '2026-03', '--data', cat.dir, ...args);
    const missing = path.join(tempDir(), 'no', 'such', 'r.xlsx');
    const r = await monthly('--xlsx', missing);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toContain(`无法写入报表 ${missing}：文件夹 ${path.dirname(missing)} 不存在`);
    expect(r.err).toContain(`the folder ${path.dirname(missing)} does not exist`);
    expect(r.err).not.toMatch(/ENOENT|\bat /);
    const folder = tempDir();
    const isFolder = await monthly('--xlsx', folder);
    expect(isFolder.code).toBe(2);
    expect(isFolder.err).toContain('这是一个文件夹');
    const file = path.join(tempDir(), 'r.xlsx');
    const both = await monthly('--xlsx', file, '--json');
    expect(both).toMatchObject({ code: 2, out: '' });
    expect(both.err).toContain('--json 与 --xlsx 只能选一个');
    await expect(readWorkbook(file)).rejects.toThrow();
  });

  it('trends only full check runs: a later `check --only` does not make the month look clean', async () => {
    const cat = faultyCatalogue({ realTime: true });
    cat.db.close();
    const full = await run('check', '--data', cat.dir, '--json');
    const report = JSON.parse(full.out) as {
      categories: { count: number; findings: { severity: string }[] }[];
    };
    const findings = report.categories.reduce((n, c) => n + c.count, 0);
    expect(findings).toBeGreaterThan(0);
    const partial = await run('check', '--data', cat.dir, '--only', 'multi-cancel', '--json');
    expect(partial.code).toBeLessThan(2);
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7); // Beijing time
    const r = await run('report', 'monthly', '--month', month, '--data', cat.dir, '--json');
    const stats = JSON.parse(r.out) as {
      topics: { id: string; rows: { findings: number; errors: number }[] }[];
    };
    const trend = stats.topics.find((t) => t.id === 'check-trend')?.rows ?? [];
    expect(trend).toHaveLength(1);
    expect(trend[0]?.findings).toBe(findings);
    expect(trend[0]?.errors).toBeGreaterThan(0);
  });
});
