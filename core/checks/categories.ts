import { text, type Text } from '../text';

/**
 * The monthly data checks (检错) named by the bureaus' maintenance contract. Each category is one rule;
 * the SQL that finds its faults lives in db/checks/ per schema (workstation now, the store later).
 */
export const CHECK_IDS = [
  'deleted-upstream',
  'no-opening',
  'multi-opening',
  'multi-cancel',
  'image-missing',
  'image-redundant',
  'image-wrong',
  'index-error',
  'dup-archive-no',
  'page-error',
  'page-count',
  'dup-enterprise',
  'pending-merge',
  'redundant-data',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** error: the archive is wrong or at risk (exit 1); warning: needs a person's look; info: for the record. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 2, warning: 1, info: 0 };

export interface CheckCategory {
  readonly id: CheckId;
  /** 检错类别, as the contract names it. */
  readonly name: string;
  readonly nameEn: string;
  /** The most severe finding this category can report. */
  readonly severity: Severity;
  readonly description: Text;
  /** The usual remedy; each finding carries its own, more precise one. */
  readonly fix: Text;
  /** `dangan fix <id>` can correct some of its findings automatically (with undo). */
  readonly autoFix: boolean;
}

const c = (
  id: CheckId,
  name: string,
  nameEn: string,
  severity: Severity,
  description: Text,
  fix: Text,
  autoFix = false,
): CheckCategory => Object.freeze({ id, name, nameEn, severity, description, fix, autoFix });

export const CATEGORIES: readonly CheckCategory[] = Object.freeze([
  c(
    'deleted-upstream',
    '分局已删的企业',
    'Deleted upstream',
    'warning',
    text(
      '登记系统名录中已不存在或已删除、但仍有有效档案的企业；以及名录中有而本库没有的企业',
      'Enterprises the registration roster no longer has (or has as deleted) that still hold active archives; roster enterprises unknown here',
    ),
    text('与登记系统核对后撤销档案或补录企业', 'Check with the registration system, then withdraw or add'),
  ),
  c(
    'no-opening',
    '无开业卷的企业',
    'No opening volume',
    'warning',
    text('企业没有设立（开业）卷', 'The enterprise has no establishment (opening) volume'),
    text('补扫设立卷，或确认其在他处保存', 'Scan the opening volume, or record where it is kept'),
  ),
  c(
    'multi-opening',
    '多卷开业的企业',
    'Several opening volumes',
    'warning',
    text('企业有多于一个设立（开业）卷', 'The enterprise has more than one opening volume'),
    text('核对后更正案卷类型或合并', 'Correct the volume type or merge the volumes'),
  ),
  c(
    'multi-cancel',
    '多卷注销的企业',
    'Several cancellation volumes',
    'warning',
    text('企业有多于一个注销卷', 'The enterprise has more than one cancellation volume'),
    text('核对后更正案卷类型或合并', 'Correct the volume type or merge the volumes'),
  ),
  c(
    'image-missing',
    '图像丢失的档案卷',
    'Missing images',
    'error',
    text('页面记录引用的图像文件在存储中不存在', 'Page rows whose image is missing from storage'),
    text('从备份或上级节点恢复图像，或重扫', 'Restore the image from a backup or the store, or rescan'),
  ),
  c(
    'image-redundant',
    '图像冗余的档案卷',
    'Redundant images',
    'warning',
    text(
      '无页面引用的图像；同一卷内重复的图像；图像多于著录页数',
      'Images no page references; the same image twice in a volume; more images than catalogued pages',
    ),
    text('确认后删除多余图像或补著录', 'Remove the surplus images or catalogue them'),
  ),
  c(
    'image-wrong',
    '图像错误的档案卷',
    'Wrong images',
    'error',
    text(
      '图像摘要不符（固定性）、无法解码、分辨率低于下限，或页面上的二维码标签指向另一卷',
      'Digest no longer matches (fixity), undecodable, below the dpi floor, or our QR label names another volume',
    ),
    text('从备份恢复或重扫该页', 'Restore from a backup or rescan the page'),
  ),
  c(
    'index-error',
    '档案索引错误的档案卷',
    'Catalogue errors',
    'error',
    text(
      '代码无效、必填项缺失、日期错误、文件页码范围重叠或越界、字段过长或含不可见字符',
      'Invalid codes, missing mandatory fields, bad dates, document page ranges overlapping or out of range, over-long fields, invisible characters',
    ),
    text(
      '在著录界面更正；格式问题可自动修正',
      'Correct in cataloguing; format problems can be fixed automatically',
    ),
    true,
  ),
  c(
    'dup-archive-no',
    '档案编号重复的档案卷',
    'Duplicate archive numbers',
    'error',
    text('规范化后相同的档号出现多次', 'The same 档号 more than once after normalisation'),
    text('为其中一卷重新分配档号', 'Give one of the volumes a new archive number'),
  ),
  c(
    'page-error',
    '页级别错误的档案卷',
    'Page errors',
    'error',
    text(
      '页序有缺号或重号；页面不属于任何文件',
      'Gaps or duplicates in the page sequence; pages in no document',
    ),
    text('重新编页（可自动），或补著录', 'Renumber the pages (automatic) or catalogue them'),
    true,
  ),
  c(
    'page-count',
    '档案页数不一致的档案卷',
    'Page count mismatch',
    'warning',
    text('著录的页数与实际页数不一致', 'The declared page count differs from the pages counted'),
    text('核对实物后更正页数并注明原因', 'Check the paper, then correct the count with a reason'),
    true,
  ),
  c(
    'dup-enterprise',
    '重复的企业',
    'Duplicate enterprises',
    'error',
    text(
      '同一代码出现两次；同一企业的注册号记录与统一社会信用代码记录并存',
      'The same code twice; a 注册号 record and a USCC record of one enterprise',
    ),
    text('合并企业记录', 'Merge the enterprise records'),
  ),
  c(
    'pending-merge',
    '等待合并处理的企业',
    'Pending merges',
    'warning',
    text(
      '尚未处理的合并候选；未与迁出记录关联的迁入记录',
      'Merge candidates not yet resolved; 迁入 records not linked to their 迁出 side',
    ),
    text('在系统维护中确认或否决合并', 'Confirm or reject the merge in 系统维护'),
  ),
  c(
    'redundant-data',
    '冗余数据',
    'Redundant data',
    'warning',
    text(
      '孤立记录（无所属案卷的文件或页面、无所属企业的案卷）、空卷、超过保留期的已删除记录',
      'Orphan rows (documents or pages without a volume, volumes without an enterprise), empty volumes, soft-deleted rows past retention',
    ),
    text('清除孤立记录（可自动，可撤销）', 'Remove orphan rows (automatic, undoable)'),
    true,
  ),
]);

const byId = new Map(CATEGORIES.map((cat) => [cat.id, cat]));

export function categoryById(id: string): CheckCategory | undefined {
  return byId.get(id as CheckId);
}

export function isCheckId(id: string): id is CheckId {
  return byId.has(id as CheckId);
}
