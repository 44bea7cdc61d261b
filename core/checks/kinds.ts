import type { Json } from '../canonical-json';
import { visibleValue } from '../contracts/visible-value';
import { text, type Text } from '../text';
import type { CheckId, Severity } from './categories';

export { visibleValue };

export type EntityType = 'enterprise' | 'volume' | 'page' | 'document' | 'blob' | 'roster' | 'transform';

export type Details = Readonly<Record<string, Json>>;

/** One kind of fault within a category: how bad it is, how to say it, how to fix it. */
export interface FindingKind {
  readonly category: CheckId;
  readonly severity: Severity;
  readonly message: (d: Details) => Text;
  readonly fix: Text;
  /** `dangan fix` corrects it without a person's judgement. */
  readonly autoFix: boolean;
}

const s = (d: Details, key: string): string => {
  const v = d[key];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
};
/** A stored ISO time as the day it was in China (UTC+8), the way the bureaus write dates. */
const day = (d: Details, key: string): string => {
  const v = s(d, key);
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
};
const n = (d: Details, key: string): number => {
  const v = d[key];
  return typeof v === 'number' ? v : Array.isArray(v) ? v.length : 0;
};
const list = (d: Details, key: string): string => {
  const v = d[key];
  return Array.isArray(v)
    ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('、')
    : s(d, key);
};

/** A list in an English sentence (the Chinese one joins with 、). */
const listEn = (d: Details, key: string): string => {
  const v = d[key];
  return Array.isArray(v)
    ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')
    : s(d, key);
};
/** "1 page", "3 pages". */
export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;

const shown = (d: Details, key: string): string => visibleValue(s(d, key));

/** The English names of the fields the checks name in Chinese (details.field). */
const FIELD_EN: Readonly<Record<string, string>> = {
  统一社会信用代码: 'USCC',
  注册号: 'Registration number',
  档号: 'Archive number',
  企业名称: 'Enterprise name',
  题名: 'Title',
  责任者: 'Responsible party',
  页数更正原因: 'Page-count reason',
  案卷类型: 'Volume type',
  登记机关: 'Registration bureau',
  文件类型: 'Document type',
  登记日期: 'Registration date',
  文件日期: 'Document date',
};
/** The field in an English sentence; an unlisted one by its column, never its Chinese name. */
const fieldEn = (d: Details): string => FIELD_EN[s(d, 'field')] ?? (s(d, 'column') || 'A field');
/** Roster statuses as the checks report them. */
const STATUS_EN: Readonly<Record<string, string>> = {
  已注销: 'cancelled',
  注销: 'cancelled',
  已吊销: 'revoked',
};
/** Tables as English nouns (details.table). */
const TABLE_EN: Readonly<Record<string, string>> = {
  enterprises: 'Enterprise',
  volumes: 'Volume',
  documents: 'Document',
  pages: 'Page',
  page_transforms: 'Page transform',
};
const tableEn = (d: Details): string => TABLE_EN[s(d, 'table')] ?? s(d, 'table');

function k(
  category: CheckId,
  severity: Severity,
  message: (d: Details) => Text,
  fix: Text,
  autoFix = false,
): FindingKind {
  return Object.freeze({ category, severity, message, fix, autoFix });
}

const MERGE = text('核实后合并企业记录', 'Verify, then merge the enterprise records');
const RESTORE = text(
  '从备份或上级节点恢复图像，或重扫该页',
  'Restore the image from a backup or the store, or rescan',
);

/** The fix of a code or 档号 whose normal form another record already holds (the automatic fix skips it). */
export const COLLIDING_FIX = text(
  '规范化后与另一条记录的代码或档号相同：属重复，须人工核对后合并或重新分配（自动修正会跳过）',
  "Its normal form is already another record's: a duplicate to merge or renumber by hand (the automatic fix skips it)",
);

/** Every kind the checks report, keyed `category.kind`. The SQL returns the key and the details. */
export const FINDING_KINDS = {
  'deleted-upstream.not-in-roster': k(
    'deleted-upstream',
    'warning',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 不在登记系统名录中，但仍有 ${n(d, 'volumes')} 卷有效档案`,
        `Enterprise ${s(d, 'code')} is not in the roster but holds ${plural(n(d, 'volumes'), 'active volume')}`,
      ),
    text('与登记系统核对；确属已删则撤销其档案', 'Check with the registration system; withdraw if deleted'),
  ),
  'deleted-upstream.deleted-in-roster': k(
    'deleted-upstream',
    'warning',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 在名录中为“${s(d, 'status')}”，但仍有 ${n(d, 'volumes')} 卷有效档案`,
        `Enterprise ${s(d, 'code')} is ${STATUS_EN[s(d, 'status')] ?? 'deleted'} in the roster but holds ${plural(n(d, 'volumes'), 'active volume')}`,
      ),
    text('与登记系统核对后撤销档案', 'Check with the registration system, then withdraw'),
  ),
  'deleted-upstream.unknown-here': k(
    'deleted-upstream',
    'info',
    (d) =>
      text(
        `名录中的企业 ${s(d, 'code')} 在本库中没有记录`,
        `Roster enterprise ${s(d, 'code')} is unknown here`,
      ),
    text('确认其档案是否需要数字化', 'Check whether its archive is to be digitized'),
  ),
  'deleted-upstream.roster-line': k(
    'deleted-upstream',
    'warning',
    (d) =>
      text(
        `名录${s(d, 'problemZh')}（该行未作对照）`,
        `Roster ${s(d, 'problemEn')} (the line was not compared)`,
      ),
    text(
      '请登记系统更正该行后重新导出名录，再次检查',
      'Have the registration system correct the line, export the roster again and re-run the check',
    ),
  ),
  'no-opening.missing': k(
    'no-opening',
    'warning',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 有 ${n(d, 'volumes')} 卷档案，但没有设立（开业）卷`,
        `Enterprise ${s(d, 'code')} has ${plural(n(d, 'volumes'), 'volume')} but no opening volume`,
      ),
    text('补扫设立卷，或注明其保存地', 'Scan the opening volume, or record where it is kept'),
  ),
  'multi-opening.several': k(
    'multi-opening',
    'warning',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 有 ${n(d, 'archiveNos')} 个设立卷：${list(d, 'archiveNos')}`,
        `Enterprise ${s(d, 'code')} has ${n(d, 'archiveNos')} opening volumes: ${listEn(d, 'archiveNos')}`,
      ),
    text('核对后更正案卷类型或合并案卷', 'Correct the volume type or merge the volumes'),
  ),
  'multi-cancel.several': k(
    'multi-cancel',
    'warning',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 有 ${n(d, 'archiveNos')} 个注销卷：${list(d, 'archiveNos')}`,
        `Enterprise ${s(d, 'code')} has ${n(d, 'archiveNos')} cancellation volumes: ${listEn(d, 'archiveNos')}`,
      ),
    text('核对后更正案卷类型或合并案卷', 'Correct the volume type or merge the volumes'),
  ),
  'image-missing.pages': k(
    'image-missing',
    'error',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 有 ${n(d, 'pages')} 页的图像文件丢失（第 ${list(d, 'seqs')} 页）`,
        `Volume ${shown(d, 'archiveNo')}: the ${n(d, 'pages') === 1 ? 'image' : 'images'} of ${plural(n(d, 'pages'), 'page')} ${n(d, 'pages') === 1 ? 'is' : 'are'} missing (${n(d, 'seqs') === 1 ? 'page' : 'pages'} ${listEn(d, 'seqs')})`,
      ),
    RESTORE,
  ),
  'image-missing.transform': k(
    'image-missing',
    'error',
    (d) =>
      text(
        `页面处理结果图像丢失：${s(d, 'sha256')}`,
        `The result image of a page transform is missing: ${s(d, 'sha256')}`,
      ),
    text('重新执行该处理步骤', 'Run the processing step again'),
  ),
  'image-redundant.orphan-file': k(
    'image-redundant',
    'warning',
    (d) =>
      text(
        `存储中的图像文件 ${s(d, 'sha256')} 没有登记记录（${n(d, 'size')} 字节）`,
        `Stored image ${s(d, 'sha256')} has no catalogue row (${plural(n(d, 'size'), 'byte')})`,
      ),
    text('多为采集中断的残留；确认后删除', 'Usually left by an interrupted capture; remove after checking'),
  ),
  'image-redundant.unreferenced': k(
    'image-redundant',
    'warning',
    (d) =>
      text(`图像 ${s(d, 'sha256')} 没有任何页面引用`, `Image ${s(d, 'sha256')} is referenced by no page`),
    text('确认后删除', 'Remove after checking'),
  ),
  'image-redundant.duplicate-in-volume': k(
    'image-redundant',
    'warning',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 中同一图像出现 ${n(d, 'seqs')} 次（第 ${list(d, 'seqs')} 页）`,
        `Volume ${shown(d, 'archiveNo')} holds the same image ${n(d, 'seqs')} times (pages ${listEn(d, 'seqs')})`,
      ),
    text('删除重复页', 'Delete the repeated pages'),
  ),
  'image-redundant.more-than-catalogued': k(
    'image-redundant',
    'warning',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 有 ${n(d, 'pages')} 页图像，但著录只到第 ${n(d, 'catalogued')} 页`,
        `Volume ${shown(d, 'archiveNo')} has ${plural(n(d, 'pages'), 'image')} but is catalogued to page ${n(d, 'catalogued')}`,
      ),
    text('补著录或删除多余页', 'Catalogue the surplus pages or delete them'),
  ),
  'image-wrong.size-mismatch': k(
    'image-wrong',
    'error',
    (d) =>
      text(
        `图像 ${s(d, 'sha256')} 的大小为 ${n(d, 'actualSize')} 字节，登记为 ${n(d, 'size')} 字节`,
        `Image ${s(d, 'sha256')} is ${plural(n(d, 'actualSize'), 'byte')}, catalogued as ${n(d, 'size')}`,
      ),
    RESTORE,
  ),
  'image-wrong.fixity': k(
    'image-wrong',
    'error',
    (d) =>
      text(
        `图像 ${s(d, 'sha256')} 的摘要不符（${s(d, 'checkedAt')} 复核）`,
        `Image ${s(d, 'sha256')} no longer matches its digest (re-hashed ${s(d, 'checkedAt')})`,
      ),
    RESTORE,
  ),
  'image-wrong.undecodable': k(
    'image-wrong',
    'error',
    (d) =>
      text(
        `图像 ${s(d, 'sha256')} 无法解码：${s(d, 'error')}`,
        `Image ${s(d, 'sha256')} cannot be decoded: ${s(d, 'error')}`,
      ),
    RESTORE,
  ),
  'image-wrong.low-dpi': k(
    'image-wrong',
    'warning',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 第 ${s(d, 'seq')} 页分辨率 ${s(d, 'dpi')} dpi，低于 ${s(d, 'floor')} dpi`,
        `Volume ${shown(d, 'archiveNo')} page ${s(d, 'seq')} is ${s(d, 'dpi')} dpi, below ${s(d, 'floor')} dpi`,
      ),
    text('按 DA/T 31 以不低于 200 dpi 重扫', 'Rescan at 200 dpi or more (DA/T 31)'),
  ),
  'image-wrong.label-other-volume': k(
    'image-wrong',
    'error',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 第 ${s(d, 'seq')} 页上的标签指向另一卷 ${s(d, 'labelArchiveNo')}`,
        `Volume ${shown(d, 'archiveNo')} page ${s(d, 'seq')} carries the label of volume ${s(d, 'labelArchiveNo')}`,
      ),
    text('把该页移到其所属案卷', 'Move the page to the volume it belongs to'),
  ),
  'index-error.invalid-code': k(
    'index-error',
    'error',
    (d) =>
      text(
        `企业代码 ${s(d, 'code')} 无效：${s(d, 'problem')}`,
        `Enterprise code ${s(d, 'code')} is not valid: ${s(d, 'problemEn')}`,
      ),
    text(
      '核对营业执照后更正代码（代码从不自动更正）',
      'Correct the code from the licence (codes are never auto-corrected)',
    ),
  ),
  'index-error.unnormalised-code': k(
    'index-error',
    'error',
    (d) =>
      text(
        `${s(d, 'field')} “${shown(d, 'value')}”含全角或不可见字符，应为 ${s(d, 'normalised')}`,
        `${fieldEn(d)} "${shown(d, 'value')}" has full-width or invisible characters; should be ${s(d, 'normalised')}`,
      ),
    text('自动规范化（可撤销）', 'Normalise automatically (undoable)'),
    true,
  ),
  'index-error.dirty-text': k(
    'index-error',
    'warning',
    (d) =>
      text(
        `${s(d, 'field')} 含控制字符、不可见字符或多余空格`,
        `${fieldEn(d)} holds control or invisible characters or extra spaces`,
      ),
    text('自动清理（可撤销）', 'Clean automatically (undoable)'),
    true,
  ),
  'index-error.too-long': k(
    'index-error',
    'warning',
    (d) =>
      text(
        `${s(d, 'field')} 长 ${n(d, 'length')} 字，超过上限 ${n(d, 'maxLength')} 字`,
        `${fieldEn(d)} is ${n(d, 'length')} characters long, over the limit of ${n(d, 'maxLength')}`,
      ),
    text(
      '自动截断到上限（原值保存在审计记录中，可撤销）',
      'Truncate to the limit (the old value stays in the audit record; undoable)',
    ),
    true,
  ),
  'index-error.missing-field': k(
    'index-error',
    'error',
    (d) => text(`必填项“${s(d, 'field')}”为空`, `Mandatory field "${fieldEn(d)}" is empty`),
    text('在著录界面补填', 'Fill it in during cataloguing'),
  ),
  'index-error.invalid-value': k(
    'index-error',
    'error',
    (d) =>
      text(
        `${s(d, 'field')} 的值“${shown(d, 'value')}”无效`,
        `${fieldEn(d)} has an invalid value "${shown(d, 'value')}"`,
      ),
    text('在著录界面更正', 'Correct it during cataloguing'),
  ),
  'index-error.bad-date': k(
    'index-error',
    'error',
    (d) =>
      text(
        `${s(d, 'field')} “${shown(d, 'value')}”不是真实日期（YYYYMMDD）`,
        `${fieldEn(d)} "${shown(d, 'value')}" is not a real date (YYYYMMDD)`,
      ),
    text('核对原件后更正日期', 'Correct the date from the paper'),
  ),
  'index-error.page-range': k(
    'index-error',
    'error',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 第 ${s(d, 'docSeq')} 件页码 ${s(d, 'firstPage')}–${s(d, 'lastPage')} ${s(d, 'problem') === 'overlap' ? '与前一件重叠' : `超出本卷页数 ${s(d, 'pages')}`}`,
        `Volume ${shown(d, 'archiveNo')} document ${s(d, 'docSeq')} pages ${s(d, 'firstPage')}–${s(d, 'lastPage')} ${s(d, 'problem') === 'overlap' ? 'overlap the previous document' : `exceed the volume's ${s(d, 'pages')} pages`}`,
      ),
    text('在著录界面更正页码范围', 'Correct the page range during cataloguing'),
  ),
  'dup-archive-no.same': k(
    'dup-archive-no',
    'error',
    (d) =>
      text(
        `档号 ${s(d, 'normalised')} 被 ${n(d, 'volumeIds')} 卷使用：${(Array.isArray(d['archiveNos']) ? d['archiveNos'] : []).map((x) => visibleValue(String(x))).join('、')}`,
        `Archive number ${s(d, 'normalised')} is used by ${n(d, 'volumeIds')} volumes: ${(Array.isArray(d['archiveNos']) ? d['archiveNos'] : []).map((x) => visibleValue(String(x))).join(', ')}`,
      ),
    text('为其中一卷重新分配档号', 'Give one of the volumes a new archive number'),
  ),
  'page-error.seq-gap': k(
    'page-error',
    'error',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 有 ${n(d, 'pages')} 页，页序最大为 ${n(d, 'maxSeq')}，缺第 ${list(d, 'missing')} 页`,
        `Volume ${shown(d, 'archiveNo')} has ${plural(n(d, 'pages'), 'page')} numbered up to ${n(d, 'maxSeq')}; missing ${listEn(d, 'missing')}`,
      ),
    text(
      '自动重新编页（文件页码随之调整，可撤销）',
      'Renumber automatically (document ranges follow; undoable)',
    ),
    true,
  ),
  'page-error.seq-duplicate': k(
    'page-error',
    'error',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 第 ${s(d, 'seq')} 页重号（${n(d, 'pageIds')} 页）`,
        `Volume ${shown(d, 'archiveNo')}: page number ${s(d, 'seq')} is used ${n(d, 'pageIds')} times`,
      ),
    text('自动重新编页（可撤销）', 'Renumber automatically (undoable)'),
    true,
  ),
  'page-error.uncatalogued': k(
    'page-error',
    'warning',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 第 ${list(d, 'seqs')} 页不属于任何文件`,
        `Volume ${shown(d, 'archiveNo')}: ${n(d, 'seqs') === 1 ? 'page' : 'pages'} ${listEn(d, 'seqs')} ${n(d, 'seqs') === 1 ? 'belongs' : 'belong'} to no document`,
      ),
    text('补著录这些页', 'Catalogue these pages'),
  ),
  'page-count.mismatch': k(
    'page-count',
    'warning',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 著录 ${n(d, 'declared')} 页，实有 ${n(d, 'counted')} 页`,
        `Volume ${shown(d, 'archiveNo')} declares ${plural(n(d, 'declared'), 'page')}, ${n(d, 'counted')} counted`,
      ),
    text(
      '核对实物后以实际页数更正并注明原因（可撤销）',
      'Check the paper, then set the counted number with a reason (undoable)',
    ),
    true,
  ),
  'dup-enterprise.same-code': k(
    'dup-enterprise',
    'error',
    (d) =>
      text(
        `代码 ${s(d, 'code')} 属于 ${n(d, 'enterpriseIds')} 条企业记录`,
        `Code ${s(d, 'code')} belongs to ${n(d, 'enterpriseIds')} enterprise records`,
      ),
    MERGE,
  ),
  'dup-enterprise.regno-and-uscc': k(
    'dup-enterprise',
    'error',
    (d) =>
      text(
        `注册号记录 ${s(d, 'regNo')} 与统一社会信用代码记录 ${s(d, 'uscc')} 是同一企业，尚未合并`,
        `Registration-number record ${s(d, 'regNo')} and USCC record ${s(d, 'uscc')} are one enterprise, not merged`,
      ),
    MERGE,
  ),
  'pending-merge.candidate': k(
    'pending-merge',
    'warning',
    (d) =>
      text(
        `企业记录 ${list(d, 'codes')} 名称相同（${s(d, 'name')}），可能为同一企业`,
        `Enterprise records ${listEn(d, 'codes')} share the name ${s(d, 'name')} and may be one enterprise`,
      ),
    text('在系统维护中确认或否决合并', 'Confirm or reject the merge under Maintenance'),
  ),
  'pending-merge.transfer-unlinked': k(
    'pending-merge',
    'info',
    (d) =>
      text(
        `企业 ${s(d, 'code')} 有迁入卷 ${list(d, 'archiveNos')}，但本库中没有对应的迁出卷`,
        `Enterprise ${s(d, 'code')} has ${n(d, 'archiveNos') === 1 ? 'transfer-in volume' : 'transfer-in volumes'} ${listEn(d, 'archiveNos')} but no transfer-out volume here`,
      ),
    text('向迁出地登记机关核对并关联', 'Check with the bureau it moved from and link the records'),
  ),
  'redundant-data.orphan-row': k(
    'redundant-data',
    'warning',
    (d) =>
      text(
        `${s(d, 'tableZh')}记录 ${s(d, 'id')} 引用了不存在的${s(d, 'parentZh')} ${s(d, 'parentId')}`,
        `${tableEn(d)} row ${s(d, 'id')} refers to a missing ${s(d, 'parent')} ${s(d, 'parentId')}`,
      ),
    text(
      '自动清除（原记录保存在审计记录中，可撤销）',
      'Remove automatically (the row stays in the audit record; undoable)',
    ),
    true,
  ),
  // A volume whose enterprise row is gone still holds archive content: a person assigns it.
  'redundant-data.orphan-volume': k(
    'redundant-data',
    'warning',
    (d) =>
      text(
        `案卷记录 ${s(d, 'id')} 引用了不存在的企业 ${s(d, 'parentId')}`,
        `Volume row ${s(d, 'id')} refers to a missing enterprise ${s(d, 'parentId')}`,
      ),
    text(
      '核实该卷所属企业，在“企业/案卷登记”中补录企业或改挂到正确的企业（不会自动删除）',
      'Find the enterprise it belongs to; register it or move the volume there under Registration (never removed automatically)',
    ),
  ),
  'redundant-data.empty-volume': k(
    'redundant-data',
    'info',
    (d) =>
      text(
        `案卷 ${shown(d, 'archiveNo')} 登记于 ${day(d, 'createdAt')}，至今没有页面`,
        `Volume ${shown(d, 'archiveNo')}, registered ${day(d, 'createdAt')}, still has no pages`,
      ),
    text('扫描或撤销该卷', 'Scan or withdraw the volume'),
  ),
  'redundant-data.expired-deleted': k(
    'redundant-data',
    'info',
    (d) =>
      text(
        `${s(d, 'tableZh')}记录 ${s(d, 'id')} 已于 ${day(d, 'deletedAt')} 删除，超过保留期`,
        `${tableEn(d)} row ${s(d, 'id')} was deleted on ${day(d, 'deletedAt')}, past retention`,
      ),
    text('确认无需保留后清除', 'Purge once it is certain it need not be kept'),
  ),
} as const satisfies Record<string, FindingKind>;

export type FindingKindKey = keyof typeof FINDING_KINDS;

export function findingKind(key: string): FindingKind | undefined {
  return (FINDING_KINDS as Record<string, FindingKind>)[key];
}

/** Short Chinese names of the kinds, for reports read by people (the xlsx), instead of their ids. */
export const KIND_NAMES: Readonly<Record<FindingKindKey, string>> = {
  'deleted-upstream.not-in-roster': '名录中没有此企业',
  'deleted-upstream.deleted-in-roster': '名录中已注销',
  'deleted-upstream.unknown-here': '名录企业本库无记录',
  'deleted-upstream.roster-line': '名录行无效',
  'no-opening.missing': '缺少设立卷',
  'multi-opening.several': '多个设立卷',
  'multi-cancel.several': '多个注销卷',
  'image-missing.pages': '页面图像丢失',
  'image-missing.transform': '处理结果图像丢失',
  'image-redundant.orphan-file': '存储中多余的图像文件',
  'image-redundant.unreferenced': '无页面引用的图像',
  'image-redundant.duplicate-in-volume': '卷内重复图像',
  'image-redundant.more-than-catalogued': '图像多于著录页数',
  'image-wrong.size-mismatch': '图像大小不符',
  'image-wrong.fixity': '图像摘要不符',
  'image-wrong.undecodable': '图像无法解码',
  'image-wrong.low-dpi': '分辨率过低',
  'image-wrong.label-other-volume': '标签指向另一卷',
  'index-error.invalid-code': '企业代码无效',
  'index-error.unnormalised-code': '代码或档号含全角/不可见字符',
  'index-error.dirty-text': '文本含控制字符或多余空格',
  'index-error.too-long': '文本超长',
  'index-error.missing-field': '必填项为空',
  'index-error.invalid-value': '代码值无效',
  'index-error.bad-date': '日期无效',
  'index-error.page-range': '文件页码范围错误',
  'dup-archive-no.same': '档号重复',
  'page-error.seq-gap': '页号不连续',
  'page-error.seq-duplicate': '页号重复',
  'page-error.uncatalogued': '页面不属于任何文件',
  'page-count.mismatch': '著录页数与实际不符',
  'dup-enterprise.same-code': '同一代码多条企业记录',
  'dup-enterprise.regno-and-uscc': '注册号与信用代码记录未合并',
  'pending-merge.candidate': '疑似同一企业待确认',
  'pending-merge.transfer-unlinked': '迁入卷无对应迁出卷',
  'redundant-data.orphan-row': '孤立记录',
  'redundant-data.orphan-volume': '案卷所属企业不存在',
  'redundant-data.empty-volume': '空卷',
  'redundant-data.expired-deleted': '超过保留期的已删除记录',
};

/** Chinese labels of the facts a finding carries (details), for reports read by people. */
const DETAIL_ZH: Readonly<Record<string, string>> = {
  archiveNo: '档号',
  archiveNos: '档号',
  code: '代码',
  codes: '代码',
  uscc: '统一社会信用代码',
  regNo: '注册号',
  name: '名称',
  status: '名录状态',
  field: '字段',
  value: '现值',
  normalised: '规范值',
  seq: '页号',
  seqs: '页号',
  missing: '缺页号',
  pages: '页数',
  volumes: '卷数',
  declared: '著录页数',
  counted: '实有页数',
  catalogued: '著录至页',
  maxSeq: '最大页号',
  docSeq: '件号',
  firstPage: '起始页',
  lastPage: '终止页',
  sha256: 'SHA-256',
  size: '登记字节数',
  actualSize: '实际字节数',
  dpi: '分辨率',
  floor: '下限',
  labelArchiveNo: '标签档号',
  length: '长度',
  maxLength: '上限',
  error: '错误',
  checkedAt: '复核时间',
  createdAt: '登记时间',
  deletedAt: '删除时间',
  enterpriseId: '企业ID',
  enterpriseIds: '企业ID',
  volumeId: '案卷ID',
  volumeIds: '案卷ID',
  documentId: '文件ID',
  pageId: '页面ID',
  pageIds: '页面ID',
  transformId: '处理ID',
  id: '记录ID',
  parentId: '上级ID',
};
/** Facts that only repeat another in other words, or name internals (tables, columns, English halves). */
const DETAIL_HIDDEN = new Set([
  'collides',
  'table',
  'tableZh',
  'parent',
  'parentZh',
  'column',
  'problemEn',
  'problem',
]);

/** A finding's details as "档号：…；页号：3、4" with stored values' spaces made visible. */
export function detailsText(d: Details): string {
  return Object.entries(d)
    .filter(([key, v]) => !DETAIL_HIDDEN.has(key) && v !== null && v !== '')
    .map(([key, v]) => {
      const value = Array.isArray(v)
        ? v.map((x) => (typeof x === 'string' ? visibleValue(x) : JSON.stringify(x))).join('、')
        : typeof v === 'string'
          ? visibleValue(v)
          : JSON.stringify(v);
      return `${DETAIL_ZH[key] ?? key}：${value}`;
    })
    .join('；');
}
