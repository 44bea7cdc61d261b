import type { CheckId } from '../../core/checks/categories';
import { text, type Text } from '../../core/text';
import { buildCheckSql, STORE_DIALECT } from './check-sql';

/**
 * The check queries for the archive store's schema (db/store/migrations), built by check-sql.ts from
 * the same shapes as the workstation's. The store keeps every version of a volume; the checks read the
 * current one (temp.check_current), except that the blobs of every version must exist. Nothing is
 * soft-deleted or withdrawn there. Page facts the workstation keeps in columns (dpi, QR label found,
 * transforms) travel in `pages.meta`; blob references inside JSON (tag files, transform results) are
 * kept in `blob_refs` (store migration 2) and count like the foreign keys.
 */
export const STORE_SQL = buildCheckSql(STORE_DIALECT);

/** What the store's schema cannot hold, said in the report instead of being silently skipped. */
export const STORE_NOT_CHECKED: Readonly<Partial<Record<CheckId, Text>>> = {
  'image-wrong': text(
    '档案库不保存完整复核结果（无 fixity 表），摘要不符与无法解码由工作站的轮转复核发现；本项只查大小、分辨率与二维码标签',
    'The store keeps no fixity results (no fixity tables): digest and decode faults are found by the rotating re-hash; here only size, dpi and QR label are checked',
  ),
  'redundant-data': text(
    '档案库不做软删除，“超过保留期的已删除记录”不适用',
    'The store never soft-deletes: "deleted rows past retention" does not apply',
  ),
  'page-error': text(
    '同一版本内页码唯一（唯一约束），不会出现重复页码',
    'Page positions are unique within a version (a unique constraint): duplicates cannot occur',
  ),
};
