import type { CheckIdName as CheckId } from '../../../core/contracts/api-maintenance';
import { CATALOGUE, REGISTER, SCAN, type Place } from './finding-links';

/**
 * 处理指引: what a technician does, step by step, for findings no automatic fix may touch (they need a
 * person's judgement), and the screens where each step is done.
 */
export interface Guide {
  readonly steps: readonly { readonly zh: string; readonly en: string }[];
  readonly links: readonly Place[];
}

const s = (zh: string, en: string) => ({ zh, en });
const WORKBENCH = { path: '/', zh: '工作台', en: 'Workbench' };

export const GUIDES: Readonly<Record<CheckId, Guide>> = {
  'deleted-upstream': {
    steps: [
      s('在登记业务系统中核对该企业的状态和代码。', 'Look the enterprise up in the registration system.'),
      s(
        '已注销或已删除：在“企业/案卷登记”中找到该企业，将其有效案卷撤销并写明依据（登记系统的记录号）。',
        'Deleted there: find it under Registration and withdraw its active volumes, citing the registration record.',
      ),
      s(
        '名录中有、本库没有：在“企业/案卷登记”中补录该企业，再登记其案卷。',
        'In the roster but unknown here: register the enterprise, then its volumes.',
      ),
    ],
    links: [REGISTER],
  },
  'no-opening': {
    steps: [
      s(
        '到档案室查找该企业的设立（开业）登记纸质档案。',
        'Find the paper file of the enterprise’s opening registration.',
      ),
      s(
        '在“企业/案卷登记”中登记设立卷，然后扫描、著录。',
        'Register the opening volume, then scan and catalogue it.',
      ),
      s(
        '若设立档案在其他局（迁入企业），在企业备注中写明，并关联迁出记录。',
        'If the opening file is at another bureau (moved in), note it and link the move-out record.',
      ),
    ],
    links: [REGISTER, SCAN],
  },
  'multi-opening': {
    steps: [
      s(
        '在“企业/案卷登记”中打开该企业，逐一查看各设立卷的图像。',
        'Open the enterprise and look at each opening volume.',
      ),
      s(
        '确认哪一卷是真正的设立登记；其余若是变更等其他登记，请按实际类型重新登记并撤销错卷。',
        'Keep the true opening volume; re-register the others under their real type and withdraw the wrong ones.',
      ),
      s(
        '若两卷内容相同（重复扫描），撤销重复的一卷。',
        'If two are the same file scanned twice, withdraw one.',
      ),
    ],
    links: [REGISTER, WORKBENCH],
  },
  'multi-cancel': {
    steps: [
      s(
        '打开该企业的各注销卷，核对注销日期与内容。',
        'Open each cancellation volume and compare dates and content.',
      ),
      s(
        '保留真实的注销卷；重复或类型错误的卷按实际类型重新登记或撤销。',
        'Keep the real one; re-register or withdraw the others.',
      ),
    ],
    links: [REGISTER, WORKBENCH],
  },
  'image-missing': {
    steps: [
      s(
        '先在备份中找这张图像：备份文件夹的 blobs/sha256/<摘要前两位>/<第三、四位>/<摘要>，复制到数据目录 blobs/ 下的同一位置。备份时已丢失的图像不在备份中（备份结果和 manifest.json 的 notBackedUp 会列出）。不要为几张图像整库恢复：那会丢掉备份之后的全部录入。',
        'Look for the image in a backup: <backup folder>/blobs/sha256/<first 2>/<next 2>/<digest>; copy it to the same place under the data folder’s blobs/. An image already lost when a backup ran is not in it (the backup result and notBackedUp in manifest.json list such images). Do not restore the whole database for a few images: that loses all work since the backup.',
      ),
      s(
        '备份中也没有时，取出纸质档案，在“扫描”中重扫缺失的页面。',
        'If no backup has them, rescan the missing pages.',
      ),
      s('处理后重新运行本项检查确认。', 'Run this check again to confirm.'),
    ],
    links: [SCAN],
  },
  'image-redundant': {
    steps: [
      s(
        '无引用的文件：先完成一次备份，确认没有案卷使用后再清理。',
        'Unreferenced files: back up first, and remove them only when no volume uses them.',
      ),
      s(
        '同一卷内重复的图像：在“扫描”中删除重复页。',
        'The same image twice in a volume: delete the duplicate page.',
      ),
      s(
        '图像多于著录页数：在“著录标引”中把多出的页归入文件或删除。',
        'More images than catalogued pages: catalogue or delete the extra pages.',
      ),
    ],
    links: [SCAN, CATALOGUE],
  },
  'image-wrong': {
    steps: [
      s(
        '摘要不符或无法解码：从备份恢复该图像，或重扫该页。',
        'Digest mismatch or undecodable: restore it from a backup, or rescan the page.',
      ),
      s(
        '分辨率低于下限：按 300 dpi 重扫该页（DA/T 31 要求不低于 200 dpi）。',
        'Below the dpi floor: rescan at 300 dpi (DA/T 31: at least 200).',
      ),
      s(
        '标签指向其他案卷：检查该页是否放错了卷，在“扫描”中移到正确的卷。',
        'A label naming another volume: check whether the page is in the wrong volume.',
      ),
    ],
    links: [SCAN],
  },
  'index-error': {
    steps: [
      s(
        '格式问题（不可见字符、全角字符、超长）可用上方的“自动修正”。',
        'Format faults (invisible or full-width characters, over-long text) are fixed by the automatic fix above.',
      ),
      s(
        '无效代码：与营业执照核对后在“企业/案卷登记”中更正；代码本身系统从不自动改正。',
        'Invalid codes: compare with the licence and correct them under Registration; codes are never auto-corrected.',
      ),
      s(
        '缺少必填项、日期错误、页码范围重叠或越界：在“著录标引”中打开该卷逐项更正。',
        'Missing fields, bad dates, overlapping or out-of-range page ranges: correct them in Cataloguing.',
      ),
    ],
    links: [CATALOGUE, REGISTER],
  },
  'dup-archive-no': {
    steps: [
      s('打开两卷，确认是否为同一卷档案。', 'Open both volumes: are they the same file?'),
      s('同一卷：撤销重复登记的一卷。', 'The same: withdraw the duplicate registration.'),
      s(
        '不同卷：为后登记的一卷重新分配档号（撤销后重新登记）。',
        'Different: give the later one a new archive number (withdraw and register again).',
      ),
    ],
    links: [REGISTER, WORKBENCH],
  },
  'page-error': {
    steps: [
      s(
        '页号断档：用上方的“自动修正”按原顺序重新编号。',
        'Gaps in page numbers: the automatic fix renumbers them in order.',
      ),
      s(
        '不属于任何文件的页：在“著录标引”中把它们归入文件。',
        'Pages in no document: put them into documents in Cataloguing.',
      ),
    ],
    links: [CATALOGUE],
  },
  'page-count': {
    steps: [
      s(
        '确认纸质档案的实际页数：若扫描完整，用上方的“自动修正”以实际页数更正登记页数，并写明原因。',
        'Count the paper file: if the scan is complete, the automatic fix sets the declared count, with a reason.',
      ),
      s('若确有漏扫，在“扫描”中补扫缺页。', 'If pages were missed, scan them.'),
    ],
    links: [SCAN],
  },
  'dup-enterprise': {
    steps: [
      s(
        '核对两条记录的名称、代码与登记机关，确认是同一企业。',
        'Compare names, codes and bureaus: the same enterprise?',
      ),
      s(
        '注册号记录与统一社会信用代码记录属同一企业时，在“企业/案卷登记”中将注册号记录合并到统一代码记录。',
        'A 注册号 record and a USCC record of one enterprise: merge the former into the latter under Registration.',
      ),
    ],
    links: [REGISTER],
  },
  'pending-merge': {
    steps: [
      s(
        '在“企业/案卷登记”中打开合并候选，核对后确认合并或驳回。',
        'Open the merge candidate under Registration; confirm or reject it.',
      ),
      s('迁入记录：找到迁出局的记录并关联。', 'Moved-in records: find and link the move-out record.'),
    ],
    links: [REGISTER],
  },
  'redundant-data': {
    steps: [
      s(
        '孤立的文件、页记录可用上方的“自动修正”清除（可撤销）。',
        'Orphan document and page rows: the automatic fix removes them (undoable).',
      ),
      s(
        '长期无页面的空卷：联系登记人确认，需要时扫描，否则撤销。',
        'Volumes long without pages: ask who registered them; scan or withdraw.',
      ),
      s(
        '无所属企业的案卷含有档案内容，不会自动删除：查明所属企业，在“企业/案卷登记”中补录企业或改挂到正确的企业。',
        'A volume without its enterprise holds archive content and is never removed: find its enterprise, then register it or move the volume under Registration.',
      ),
      s('其他行仍在使用的孤立记录留给人工判断。', 'Orphans other rows still use are left to a person.'),
    ],
    links: [REGISTER, SCAN],
  },
};
