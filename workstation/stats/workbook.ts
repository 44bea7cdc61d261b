import ExcelJS from 'exceljs';
import type { MonthlyStats } from '../../db/stats/monthly';

const PERCENT = ['passRate'];

/**
 * The monthly report as a workbook (exceljs): one sheet per topic, Chinese headers. One builder for
 * `dangan report monthly --xlsx` and the 统计 screen's download, so both give the same file.
 */
export async function statsWorkbook(stats: MonthlyStats): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Dangan 档案';
  for (const t of stats.topics) {
    const sheet = wb.addWorksheet(t.title.slice(0, 31));
    sheet.columns = t.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: Math.max(12, c.header.length * 3),
    }));
    for (const r of t.rows) {
      const row = sheet.addRow(r);
      // A rate stays a number (sums and charts in Excel work) shown as a percentage: 1 reads 100.0%.
      for (const key of PERCENT) if (key in r) row.getCell(key).numFmt = '0.0%';
    }
    if (t.note) sheet.addRow({ [t.columns[0]?.key ?? 'a']: t.note });
    sheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The month's figures of one bureau: rows of topics that have a bureau column are filtered. */
export function forBureau(stats: MonthlyStats, bureau: string | null): MonthlyStats {
  if (bureau === null) return stats;
  return {
    ...stats,
    topics: stats.topics.map((t) =>
      t.columns.some((c) => c.key === 'bureau')
        ? { ...t, rows: t.rows.filter((r) => r['bureau'] === bureau) }
        : t,
    ),
  };
}
