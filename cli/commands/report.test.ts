import ExcelJS from 'exceljs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { tempDir } from '../../tests/support/temp-dir';
import { runCli as run } from '../../tests/support/cli';

describe('dangan report monthly', () => {
  it('writes one sheet per topic with Chinese headers, and the same data as JSON', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 }); // pages captured 2026-03-01
    cat.db.close();
    const file = path.join(tempDir(), 'monthly.xlsx');
    const r = await run('report', 'monthly', '--month', '2026-03', '--data', cat.dir, '--xlsx', file);
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '按案卷类型的数字化量',
      '按扫描员的数字化量',
      '质检通过率',
      '退回原因',
      '移交',
      '检错结果趋势',
    ]);
    const byType = wb.getWorksheet('按案卷类型的数字化量');
    expect(byType?.getRow(1).values).toEqual([undefined, '登记机关', '案卷类型', '案卷数', '页数']);
    expect(byType?.getRow(2).values).toEqual([undefined, '350200', 'BG', 2, 6]);

    const json = await run('report', 'monthly', '--month', '2026-03', '--data', cat.dir, '--json');
    const stats = JSON.parse(json.out) as { topics: { id: string; rows: unknown[] }[] };
    expect(stats.topics.find((t) => t.id === 'by-type')?.rows).toHaveLength(2);
    expect((await run('report', 'monthly', '--month', '2026-3', '--data', cat.dir)).code).toBe(2);
  });
});
