import ExcelJS from 'exceljs';
import { CATEGORIES } from '../../core/checks/categories';
import type { CheckReport } from '../../core/checks/finding';
import {
  detailsText,
  findingKind,
  KIND_NAMES,
  visibleValue,
  type FindingKindKey,
} from '../../core/checks/kinds';
import type { Text } from '../../core/text';

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

type Column = readonly [header: string, key: string, width: number];

/** A sheet with a bold, frozen header row of Chinese column names, and its rows. */
function addSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
): ExcelJS.Worksheet {
  const sheet = wb.addWorksheet(sheetName(name));
  sheet.columns = columns.map(([header, key, width]) => ({ header, key, width }));
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return sheet;
}

const SUMMARY_COLUMNS: readonly Column[] = [
  ['类别代码', 'id', 18],
  ['检错类别', 'name', 24],
  ['严重程度', 'severity', 10],
  ['问题数', 'count', 10],
  ['其中错误', 'errors', 10],
  ['说明', 'description', 60],
  ['备注', 'notes', 60],
];

const FINDING_COLUMNS: readonly Column[] = [
  ['严重程度', 'severity', 10],
  ['问题类型', 'kind', 26],
  ['对象类型', 'entityType', 10],
  ['对象编号', 'entityId', 24],
  ['问题描述', 'message', 70],
  ['使用此图像的页面', 'where', 40],
  ['建议处理', 'fix', 40],
  ['可自动修正', 'autoFix', 10],
  ['详情', 'details', 60],
  ['问题代码', 'kindId', 30],
];

/** The check report as a workbook: a summary sheet, then one sheet per category; Chinese headers. */
export async function writeCheckWorkbook(
  report: CheckReport,
  file: string,
  meta: { dataDir: string; at: Date; places?: ReadonlyMap<string, Text> },
): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Dangan 档案';
  wb.created = meta.at;
  addSheet(wb, '汇总', SUMMARY_COLUMNS, [
    ...report.categories.map((c) => ({
      id: c.id,
      name: c.name,
      severity: SEVERITY_ZH[c.severity],
      count: c.count,
      errors: c.findings.filter((f) => f.severity === 'error').length,
      description: CATEGORIES.find((x) => x.id === c.id)?.description.zh ?? '',
      notes: c.notes.map((n) => n.zh).join('；'),
    })),
    {},
    { id: '数据目录', name: meta.dataDir },
    { id: '检查时间', name: meta.at.toISOString() },
  ]);
  for (const c of report.categories) {
    addSheet(
      wb,
      c.name,
      FINDING_COLUMNS,
      c.findings.map((f) => ({
        severity: SEVERITY_ZH[f.severity],
        kind: findingKind(f.kind) ? KIND_NAMES[f.kind as FindingKindKey] : f.kind,
        entityType: ENTITY_ZH[f.entityType] ?? f.entityType,
        entityId: visibleValue(f.entityId),
        message: f.message.zh,
        where: f.entityType === 'blob' ? (meta.places?.get(f.entityId)?.zh ?? '') : '',
        fix: f.fix.zh,
        autoFix: f.autoFix ? '是' : '否',
        details: detailsText(f.details),
        kindId: f.kind,
      })),
    );
  }
  await wb.xlsx.writeFile(file);
}
