import type { Database } from 'better-sqlite3';
import { text, type Text } from '../../core/text';
import { FindingTargets } from '../repos/finding-targets';

/** A page that shows an image: as its scan, processed image, thumbnail or a transform's result. */
export interface ImageUse {
  readonly archiveNo: string | null;
  readonly seq: number;
  readonly use: 'original' | 'master' | 'thumbnail' | 'transform';
  readonly deleted: boolean;
}

/**
 * An image a backup could not take, or a restore cannot bring back: `missing` (no file) or `corrupt`
 * (its bytes no longer match its digest), named with the pages that use it so that someone can rescan.
 */
export interface LostImage {
  readonly sha256: string;
  readonly problem: 'missing' | 'corrupt';
  /** The first pages using it (volume 档号 and page number). */
  readonly pages: readonly ImageUse[];
  readonly pageCount: number;
}

/** Names each image by the pages of `db` that use it (a database of any workstation version). */
export function lostImages(db: Database, problems: ReadonlyMap<string, LostImage['problem']>): LostImage[] {
  if (problems.size === 0) return [];
  let targets: FindingTargets | null;
  try {
    targets = new FindingTargets(db);
  } catch {
    targets = null; // a backup older than the capture tables: the digest alone
  }
  return [...problems].map(([sha256, problem]) => {
    const t = targets?.resolve({ entityType: 'blob', entityId: sha256, details: {} });
    if (t?.kind !== 'blob') return { sha256, problem, pages: [], pageCount: 0 };
    const pages = t.pages.map(({ archiveNo, seq, use, deleted }) => ({ archiveNo, seq, use, deleted }));
    return { sha256, problem, pages, pageCount: t.pageCount };
  });
}

const USE: Readonly<Record<ImageUse['use'], Text>> = {
  original: text('原图', 'scan'),
  master: text('处理后图像', 'processed image'),
  thumbnail: text('缩略图', 'thumbnail'),
  transform: text('变换结果', 'transform result'),
};

/** One line per image: problem, digest, and where it is used ("350200-2019-SL-000001 第 3 页"). */
export function describeLostImage(i: LostImage): Text {
  const problem =
    i.problem === 'missing'
      ? text('文件丢失', 'file missing')
      : text('摘要不符（已损坏）', 'digest mismatch (damaged)');
  const where = i.pages.slice(0, 3).map((p) => {
    const no = p.archiveNo ?? '?';
    const deleted = p.deleted ? text('，已删除页', ', a deleted page') : text('', '');
    return text(
      `${no} 第 ${p.seq} 页（${USE[p.use].zh}${deleted.zh}）`,
      `${no} page ${p.seq} (${USE[p.use].en}${deleted.en})`,
    );
  });
  const more = i.pageCount - where.length;
  const tail = more > 0 ? text(` 等 ${i.pageCount} 处`, ` and ${more} more`) : text('', '');
  const used =
    where.length === 0
      ? text('没有页面使用', 'used by no page')
      : text(where.map((w) => w.zh).join('、') + tail.zh, where.map((w) => w.en).join(', ') + tail.en);
  return text(
    `${used.zh}：${problem.zh}，摘要 ${i.sha256}`,
    `${used.en}: ${problem.en}, SHA-256 ${i.sha256}`,
  );
}
