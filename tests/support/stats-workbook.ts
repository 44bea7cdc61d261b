import ExcelJS from 'exceljs';

/** The sheets of the monthly report, in order (one per topic, named in Chinese). */
export const MONTHLY_SHEETS = [
  '按案卷类型的数字化量',
  '按扫描员的数字化量',
  '质检通过率',
  '退回原因',
  '移交',
  '检错结果趋势',
] as const;

/** A workbook read back with exceljs: each sheet's rows as arrays of cell values, the header row first. */
export async function readWorkbook(file: string): Promise<Map<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return new Map(
    wb.worksheets.map((sheet) => {
      const rows: unknown[][] = [];
      sheet.eachRow((row) => {
        rows.push((row.values as unknown[]).slice(1));
      });
      return [sheet.name, rows];
    }),
  );
}
