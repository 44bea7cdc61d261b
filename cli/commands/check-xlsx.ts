import ExcelJS from 'exceljs';
import { CATEGORIES } from '../../core/checks/categories';
import type { CheckReport } from '../../core/checks/finding';

const SEVERITY_ZH = { error: '错误', warning: '警告', info: '提示' } as const;
const ENTITY_ZH: Readonly<Record<string, string>> = {
  enterprise: '企业',
  volume: '案卷',
  page: '页面',
  document: '文件',
  blob: '图像',
  roster: '名录',
  transform: '页面处理',
};

/** Sheet names may not hold []:*?/\ and are at most 31 characters. */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

/** The check report as a workbook: a summary sheet, then one sheet per category; Chinese headers. */
export async function writeCheckWorkbook(
  report: CheckReport,
  file: string,
  meta: { dataDir: string; at: Date },
): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Dangan 档案';
  wb.created = meta.at;
  const summary = wb.addWorksheet('汇总');
  summary.columns = [
    { header: '类别代码', key: 'id', width: 18 },
    { header: '检错类别', key: 'name', width: 24 },
    { header: '严重程度', key: 'severity', width: 10 },
    { header: '问题数', key: 'count', width: 10 },
    { header: '其中错误', key: 'errors', width: 10 },
    { header: '说明', key: 'description', width: 60 },
    { header: '备注', key: 'notes', width: 60 },
  ];
  for (const c of report.categories) {
    summary.addRow({
      id: c.id,
      name: c.name,
      severity: SEVERITY_ZH[c.severity],
      count: c.count,
      errors: c.findings.filter((f) => f.severity === 'error').length,
      description: CATEGORIES.find((x) => x.id === c.id)?.description.zh ?? '',
      notes: c.notes.map((n) => n.zh).join('；'),
    });
  }
  summary.addRow({});
  summary.addRow({ id: '数据目录', name: meta.dataDir });
  summary.addRow({ id: '检查时间', name: meta.at.toISOString() });
  summary.getRow(1).font = { bold: true };

  for (const c of report.categories) {
    const sheet = wb.addWorksheet(sheetName(c.name));
    sheet.columns = [
      { header: '严重程度', key: 'severity', width: 10 },
      { header: '问题类型', key: 'kind', width: 34 },
      { header: '对象类型', key: 'entityType', width: 10 },
      { header: '对象编号', key: 'entityId', width: 24 },
      { header: '问题描述', key: 'message', width: 70 },
      { header: '建议处理', key: 'fix', width: 40 },
      { header: '可自动修正', key: 'autoFix', width: 10 },
      { header: '详情', key: 'details', width: 60 },
    ];
    for (const f of c.findings) {
      sheet.addRow({
        severity: SEVERITY_ZH[f.severity],
        kind: f.kind,
        entityType: ENTITY_ZH[f.entityType] ?? f.entityType,
        entityId: f.entityId,
        message: f.message.zh,
        fix: f.fix.zh,
        autoFix: f.autoFix ? '是' : '否',
        details: JSON.stringify(f.details),
      });
    }
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  await wb.xlsx.writeFile(file);
}
