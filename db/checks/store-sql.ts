import type { CheckId } from '../../core/checks/categories';
import { text, type Text } from '../../core/text';
import { WORKSTATION_SQL } from './workstation-sql';

/**
 * The check queries for the archive store's schema (db/store/migrations). The store keeps every
 * version of a volume; the checks read the current one (`volumes.current_version`), except that the
 * blobs of every version must exist. Nothing is soft-deleted or withdrawn there, so the enterprise and
 * volume categories are the workstation's queries with those conditions dropped. Page facts the
 * workstation keeps in columns (dpi, QR label found, transforms) travel in `pages.meta` (JSON), and blob
 * references also sit in `volume_versions.tag_files` and the transforms inside meta.
 */
const CUR = `(SELECT vv.id, vv.volume_id, vv.declared_pages, v.archive_no, v.uid
              FROM volume_versions vv JOIN volumes v ON v.id = vv.volume_id AND vv.version = v.current_version)`;

// Every digest some row refers to, in the store.
const REFERENCED = `
  SELECT blob_sha256 AS sha256 FROM pages
  UNION SELECT catalogue_sha256 FROM volume_versions
  UNION SELECT j.value FROM volume_versions vv, json_each(vv.tag_files) j
  UNION SELECT json_extract(t.value, '$.resultSha256') FROM pages p, json_each(p.meta, '$.transforms') t
    WHERE json_extract(t.value, '$.resultSha256') IS NOT NULL`;

function fromWorkstation(id: CheckId): readonly string[] {
  return WORKSTATION_SQL[id].map((s) =>
    s
      .replace(/v\.deleted_at IS NULL AND v\.state <> 'withdrawn'/g, '1')
      .replace(/\b(\w+\.)?deleted_at IS NULL/g, '1'),
  );
}

export const STORE_SQL: Readonly<Record<CheckId, readonly string[]>> = {
  'deleted-upstream': fromWorkstation('deleted-upstream'),
  'no-opening': fromWorkstation('no-opening'),
  'multi-opening': fromWorkstation('multi-opening'),
  'multi-cancel': fromWorkstation('multi-cancel'),
  'dup-archive-no': fromWorkstation('dup-archive-no'),
  'dup-enterprise': fromWorkstation('dup-enterprise'),
  'pending-merge': fromWorkstation('pending-merge'),
  'image-missing': [
    `SELECT 'image-missing.pages', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'pages', json_group_array(p.id), 'seqs', json_group_array(p.seq),
                        'sha256', json_group_array(p.blob_sha256))
     FROM pages p JOIN volume_versions vv ON vv.id = p.version_id JOIN volumes v ON v.id = vv.volume_id
     WHERE p.blob_sha256 IN (SELECT sha256 FROM blob_listing_diff WHERE state = 'absent')
     GROUP BY v.id`,
  ],
  'image-redundant': [
    `SELECT 'image-redundant.orphan-file', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.actual_size)
     FROM blob_listing_diff d WHERE d.state = 'orphan'`,
    `SELECT 'image-redundant.unreferenced', 'blob', b.sha256, json_object('sha256', b.sha256, 'size', b.size)
     FROM blobs b WHERE b.sha256 NOT IN (${REFERENCED})`,
    `SELECT 'image-redundant.duplicate-in-volume', 'volume', c.volume_id,
            json_object('archiveNo', c.archive_no, 'sha256', p.blob_sha256, 'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id))
     FROM ${CUR} c JOIN pages p ON p.version_id = c.id
     GROUP BY c.volume_id, p.blob_sha256 HAVING count(*) > 1`,
    `WITH counted(version_id, pages) AS (SELECT version_id, count(*) FROM pages GROUP BY version_id),
     catalogued(version_id, last) AS (SELECT version_id, max(last_page) FROM documents GROUP BY version_id)
     SELECT 'image-redundant.more-than-catalogued', 'volume', c.volume_id,
            json_object('archiveNo', c.archive_no, 'pages', n.pages, 'catalogued', d.last)
     FROM ${CUR} c JOIN counted n ON n.version_id = c.id JOIN catalogued d ON d.version_id = c.id
     WHERE n.pages > d.last`,
  ],
  'image-wrong': [
    `SELECT 'image-wrong.size-mismatch', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.size, 'actualSize', d.actual_size)
     FROM blob_listing_diff d WHERE d.state = 'size'`,
    `SELECT 'image-wrong.low-dpi', 'page', p.id,
            json_object('archiveNo', c.archive_no, 'volumeId', c.volume_id, 'seq', p.seq,
                        'dpi', min(p.meta ->> '$.dpiX', p.meta ->> '$.dpiY'), 'floor', @dpiFloor)
     FROM ${CUR} c JOIN pages p ON p.version_id = c.id
     WHERE min(p.meta ->> '$.dpiX', p.meta ->> '$.dpiY') < @dpiFloor`,
    `SELECT 'image-wrong.label-other-volume', 'page', l.id,
            json_object('archiveNo', l.archive_no, 'volumeId', l.volume_id, 'seq', l.seq,
                        'labelArchiveNo', json_extract(l.label, '$.archiveNo'), 'labelVolumeUid', json_extract(l.label, '$.volumeId'))
     FROM (SELECT p.id, p.seq, c.archive_no, c.volume_id, c.uid, dangan_label(p.meta ->> '$.labelFound') AS label
           FROM ${CUR} c JOIN pages p ON p.version_id = c.id WHERE p.meta ->> '$.labelFound' IS NOT NULL) l
     WHERE l.label IS NOT NULL AND json_extract(l.label, '$.volumeId') <> l.uid`,
  ],
  'index-error': [
    ...fromWorkstation('index-error').slice(0, 2),
    `WITH t(entity_type, id, tbl, col, field, value, max_length) AS (
       SELECT 'enterprise', id, 'enterprises', 'name', '企业名称', name, 200 FROM enterprises
       UNION ALL SELECT 'document', d.id, 'documents', 'title', '题名', d.title, 500 FROM ${CUR} c JOIN documents d ON d.version_id = c.id
       UNION ALL SELECT 'document', d.id, 'documents', 'responsible', '责任者', d.responsible, 200 FROM ${CUR} c JOIN documents d ON d.version_id = c.id WHERE d.responsible IS NOT NULL),
     n AS MATERIALIZED (SELECT *, {{normText value}} AS norm FROM t WHERE {{textSuspect value}} OR length(value) > max_length)
     SELECT 'index-error.dirty-text', entity_type, id, json_object('table', tbl, 'column', col, 'field', field, 'value', value)
     FROM n WHERE norm <> value AND norm <> ''
     UNION ALL
     SELECT 'index-error.too-long', entity_type, id,
            json_object('table', tbl, 'column', col, 'field', field, 'length', length(norm), 'maxLength', max_length)
     FROM n WHERE length(norm) > max_length
     UNION ALL
     SELECT 'index-error.missing-field', entity_type, id, json_object('table', tbl, 'column', col, 'field', field)
     FROM n WHERE col IN ('name', 'title') AND norm = ''`,
    `SELECT 'index-error.invalid-value', 'volume', v.id, json_object('field', '案卷类型', 'value', v.volume_type, 'archiveNo', v.archive_no)
     FROM volumes v WHERE v.volume_type NOT IN (SELECT value FROM json_each(@volumeTypes))
     UNION ALL
     SELECT 'index-error.invalid-value', 'volume', v.id, json_object('field', '登记机关', 'value', v.bureau_code, 'archiveNo', v.archive_no)
     FROM volumes v WHERE v.bureau_code NOT IN (SELECT value FROM json_each(@bureaus))
     UNION ALL
     SELECT 'index-error.invalid-value', 'enterprise', e.id, json_object('field', '登记机关', 'value', e.bureau_code)
     FROM enterprises e WHERE e.bureau_code NOT IN (SELECT value FROM json_each(@bureaus))
     UNION ALL
     SELECT 'index-error.invalid-value', 'document', d.id, json_object('field', '文件类型', 'value', d.type_code)
     FROM ${CUR} c JOIN documents d ON d.version_id = c.id WHERE d.type_code NOT IN (SELECT value FROM json_each(@documentTypes))`,
    `SELECT 'index-error.bad-date', 'volume', v.id, json_object('field', '登记日期', 'value', v.registration_date)
     FROM volumes v WHERE v.registration_date IS NOT NULL AND NOT {{validDate v.registration_date}}
     UNION ALL
     SELECT 'index-error.bad-date', 'document', d.id, json_object('field', '文件日期', 'value', d.doc_date)
     FROM ${CUR} c JOIN documents d ON d.version_id = c.id WHERE d.doc_date IS NOT NULL AND NOT {{validDate d.doc_date}}`,
    `WITH counted(version_id, pages) AS (SELECT version_id, count(*) FROM pages GROUP BY version_id),
     ordered AS (
       SELECT d.*, c.volume_id, c.archive_no, lag(d.last_page) OVER (PARTITION BY d.version_id ORDER BY d.seq) AS prev_last
       FROM ${CUR} c JOIN documents d ON d.version_id = c.id)
     SELECT 'index-error.page-range', 'document', o.id,
            json_object('archiveNo', o.archive_no, 'volumeId', o.volume_id, 'docSeq', o.seq, 'firstPage', o.first_page,
                        'lastPage', o.last_page, 'pages', coalesce(n.pages, 0),
                        'problem', CASE WHEN o.first_page <= o.prev_last THEN 'overlap' ELSE 'out-of-range' END)
     FROM ordered o LEFT JOIN counted n ON n.version_id = o.version_id
     WHERE o.first_page <= o.prev_last OR o.last_page > coalesce(n.pages, 0)`,
  ],
  'page-error': [
    `WITH RECURSIVE stats(version_id, volume_id, archive_no, pages, max_seq) AS (
       SELECT c.id, c.volume_id, c.archive_no, count(*), max(p.seq) FROM ${CUR} c JOIN pages p ON p.version_id = c.id
       GROUP BY c.id HAVING count(*) <> max(p.seq)),
     n(version_id, k) AS (SELECT version_id, 1 FROM stats UNION ALL
       SELECT n.version_id, n.k + 1 FROM n JOIN stats s ON s.version_id = n.version_id WHERE n.k < s.max_seq),
     missing(version_id, seqs) AS (
       SELECT n.version_id, json_group_array(n.k) FROM n
       WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.version_id = n.version_id AND p.seq = n.k)
       GROUP BY n.version_id)
     SELECT 'page-error.seq-gap', 'volume', s.volume_id,
            json_object('archiveNo', s.archive_no, 'pages', s.pages, 'maxSeq', s.max_seq, 'missing', json(m.seqs))
     FROM stats s JOIN missing m ON m.version_id = s.version_id`,
    `SELECT 'page-error.uncatalogued', 'volume', c.volume_id,
            json_object('archiveNo', c.archive_no, 'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id))
     FROM ${CUR} c JOIN pages p ON p.version_id = c.id
     WHERE p.seq <= (SELECT max(last_page) FROM documents d WHERE d.version_id = c.id)
       AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.version_id = c.id AND p.seq BETWEEN d.first_page AND d.last_page)
     GROUP BY c.volume_id`,
  ],
  'page-count': [
    `SELECT 'page-count.mismatch', 'volume', c.volume_id,
            json_object('archiveNo', c.archive_no, 'declared', c.declared_pages, 'counted', count(p.id))
     FROM ${CUR} c LEFT JOIN pages p ON p.version_id = c.id
     WHERE c.declared_pages IS NOT NULL
     GROUP BY c.id HAVING count(p.id) <> c.declared_pages`,
  ],
  'redundant-data': [
    `SELECT 'redundant-data.orphan-row', 'document', d.id,
            json_object('table', 'documents', 'tableZh', '文件', 'id', d.id, 'parent', 'version', 'parentZh', '案卷版本', 'parentId', d.version_id)
     FROM documents d WHERE NOT EXISTS (SELECT 1 FROM volume_versions vv WHERE vv.id = d.version_id)
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'page', p.id,
            json_object('table', 'pages', 'tableZh', '页面', 'id', p.id, 'parent', 'version', 'parentZh', '案卷版本', 'parentId', p.version_id)
     FROM pages p WHERE NOT EXISTS (SELECT 1 FROM volume_versions vv WHERE vv.id = p.version_id)
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'volume', v.id,
            json_object('table', 'volumes', 'tableZh', '案卷', 'id', v.id, 'parent', 'enterprise', 'parentZh', '企业', 'parentId', v.enterprise_id)
     FROM volumes v WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = v.enterprise_id)`,
    `SELECT 'redundant-data.empty-volume', 'volume', c.volume_id, json_object('archiveNo', c.archive_no, 'createdAt', NULL, 'state', 'stored')
     FROM ${CUR} c WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.version_id = c.id)`,
  ],
};

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
