import type { CheckId } from '../../core/checks/categories';

/**
 * What differs between the schemas the checks run on. The workstation's pages and documents belong to
 * a volume (`volume_id`) and rows are soft-deleted or withdrawn; the store's belong to a volume version
 * (`version_id`), the checks read each volume's current version, and nothing is soft-deleted. Page
 * facts the workstation keeps in columns (dpi, QR label found) travel in the store's `pages.meta`.
 */
export interface CheckDialect {
  /** Not soft-deleted (the store never soft-deletes: '1'). */
  readonly notDeleted: (alias: string) => string;
  /** A volume neither soft-deleted nor withdrawn. */
  readonly liveVolume: (v: string) => string;
  /** The column of pages and documents naming what they belong to. */
  readonly key: 'volume_id' | 'version_id';
  /**
   * Volumes as page and document queries see them (columns id, uid, enterprise_id, archive_no,
   * declared_pages, state, created_at), joined on `volumeKey` = a page's or document's `key`.
   */
  readonly volumes: string;
  readonly volumeKey: string;
  /** Joins the volume (alias v) of a page or document of any version (blobs of every version must exist). */
  readonly anyVersion: (keyExpr: string) => string;
  readonly dpi: (p: string) => string;
  readonly label: (p: string) => string;
  /** What pages and documents hang from, for orphan rows. */
  readonly parent: { readonly table: string; readonly en: string; readonly zh: string };
  /** Keys of the parents pages exist for (read without a pass over pages). */
  readonly pageParents: string;
  /** Keys of the parents documents exist for (the tiling summary: one row per parent, not per document). */
  readonly docParents: string;
  /** The workstation only: soft delete, page transforms, fixity results, page positions not unique. */
  readonly workstation: boolean;
}

export const WORKSTATION_DIALECT: CheckDialect = {
  notDeleted: (a) => `${a}.deleted_at IS NULL`,
  liveVolume: (v) => `${v}.deleted_at IS NULL AND ${v}.state <> 'withdrawn'`,
  key: 'volume_id',
  volumes: 'volumes',
  volumeKey: 'id',
  anyVersion: (k) => `volumes v ON v.id = ${k}`,
  dpi: (p) => `min(${p}.dpi_x, ${p}.dpi_y)`,
  label: (p) => `${p}.label_found`,
  parent: { table: 'volumes', en: 'volume', zh: '案卷' },
  pageParents: 'SELECT c.vkey AS k FROM temp.check_vol_pages c',
  docParents: 'SELECT s.volume_id AS k FROM volume_doc_stats s',
  workstation: true,
};

export const STORE_DIALECT: CheckDialect = {
  notDeleted: () => '1',
  liveVolume: () => '1',
  key: 'version_id',
  volumes: 'temp.check_current',
  volumeKey: 'version_id',
  anyVersion: (k) => `volume_versions vv ON vv.id = ${k} JOIN volumes v ON v.id = vv.volume_id`,
  dpi: (p) => `min(${p}.meta ->> '$.dpiX', ${p}.meta ->> '$.dpiY')`,
  label: (p) => `${p}.meta ->> '$.labelFound'`,
  parent: { table: 'volume_versions', en: 'version', zh: '案卷版本' },
  // Every version's pages, not only the current ones (orphans can hang from any).
  pageParents: 'SELECT s.version_id AS k FROM version_page_stats s WHERE s.pages > 0',
  docParents: 'SELECT s.version_id AS k FROM version_doc_stats s',
  workstation: false,
};

/**
 * The check queries, one to a few per category, for one schema. Each returns rows `(kind, entity_type,
 * entity_id, details)` with `details` a JSON object; the messages are made in core/checks/kinds.ts.
 * Details carry the ids a UI links to: `enterpriseId`, `volumeId`, `documentId`, `pageId`, `seq`
 * (page number), and lists `enterpriseIds`, `volumeIds`, `pageIds` when a finding names several.
 *
 * Inputs the runner prepares as temp tables (check-inputs.ts, run.ts), "vkey" being a volume's id on
 * the workstation and its current version's id in the store:
 *   temp.check_root(id, root)        every enterprise with the record it is (transitively) merged into
 *   temp.check_roster(code, status)  the registration system's roster, when one is given
 *   temp.check_current(version_id, id, …)  the store's volumes with their current version
 *   temp.check_vol_pages(vkey, pages, min_seq, max_seq, distinct_seqs)  live pages per volume
 *   temp.check_seq_dups(volume_id, seq, n, page_ids)  positions held by more than one live page
 *   temp.check_doc_ranges(vkey, last, pages, untiled)  volumes whose documents do not tile 1..pages
 *   temp.check_ent_vols(root, volumes, openings, cancels, qr, qc)  live volumes per enterprise (root)
 *   temp.check_multi_blob(sha256)     digests two pages may share
 *   blob_listing_diff(sha256, state, size, actual_size)  where storage and the blobs table disagree
 *       (listing.ts; a temp table where the schema does not keep it)
 * The runner expands macros: {{normCode x}} and {{normText x}} call the JS normaliser only where cheap
 * SQL says the value might change; {{validDate x}} calls the JS date rule only where the cheap SQL test
 * is not conclusive; {{lowDpi expr}} is the dpi-floor test in the form the partial indexes answer;
 * `{{unreferencedCandidates}}` is the digests that may lack a reference; `{{referenced x}}` stands for
 * "some row refers to blob x", expanded from the foreign keys that point at blobs(sha256).
 * Parameters: @opening, @cancellation (JSON arrays of volume types), @volumeTypes, @documentTypes,
 * @bureaus (JSON arrays of known codes), @dpiFloor, @emptyBefore, @deletedBefore (ISO times).
 */
export function buildCheckSql(d: CheckDialect): Readonly<Record<CheckId, readonly string[]>> {
  const liveV = d.liveVolume('v');
  const liveE = d.notDeleted('e');
  const code = `coalesce(e.uscc, e.reg_no)`;
  /** Joins the volume (alias v) whose content `keyExpr` names. */
  const volumeOf = (keyExpr: string, alias = 'v') =>
    `${d.volumes} ${alias} ON ${alias}.${d.volumeKey} = ${keyExpr}`;
  // Documents with their volume: on the workstation orphans too (v NULL), in the store current versions only.
  const documents = `documents d ${d.workstation ? 'LEFT ' : ''}JOIN ${volumeOf(`d.${d.key}`)}`;
  const ws = <T>(list: readonly T[]): readonly T[] => (d.workstation ? list : []);
  // The distinct values of an indexed column, one index seek each (a loose index scan), not a pass.
  const distinct = (table: string, col: string) =>
    `(WITH RECURSIVE x(value) AS (
        SELECT (SELECT ${col} FROM ${table} ORDER BY ${col} LIMIT 1)
        UNION ALL SELECT (SELECT ${col} FROM ${table} WHERE ${col} > x.value ORDER BY ${col} LIMIT 1) FROM x WHERE x.value IS NOT NULL)
      SELECT value FROM x WHERE value IS NOT NULL)`;

  // Enterprises flagged by the per-enterprise aggregate, with their volumes of one kind listed.
  const volumesOfKind = (kind: string, flag: string, types: string) =>
    `SELECT '${kind}', 'enterprise', e.id,
            json_object('enterpriseId', e.id, 'code', ${code}, 'name', e.name,
              'archiveNos', json_group_array(v.archive_no) FILTER (WHERE ${types}),
              'volumeIds', json_group_array(v.id) FILTER (WHERE ${types}))
     -- CROSS JOIN keeps the few flagged enterprises as the outer loop (temp tables have no statistics).
     FROM temp.check_ent_vols s CROSS JOIN enterprises e ON e.id = s.root
     CROSS JOIN temp.check_root r ON r.root = s.root CROSS JOIN volumes v ON v.enterprise_id = r.id
     WHERE ${flag} AND ${liveV} AND ${liveE}
     GROUP BY e.id`;

  const orphan = (
    entity: string,
    table: string,
    tableZh: string,
    alias: string,
    parent: string,
    parentZh: string,
    parentCol: string,
  ) =>
    `SELECT '${entity === 'volume' ? 'redundant-data.orphan-volume' : 'redundant-data.orphan-row'}', '${entity}', ${alias}.id,
            json_object('table', '${table}', 'tableZh', '${tableZh}', 'id', ${alias}.id, '${entity}Id', ${alias}.id,
                        'parent', '${parent}', 'parentZh', '${parentZh}', 'parentId', ${alias}.${parentCol})`;

  return {
    'deleted-upstream': [
      `WITH codes(id, code) AS (
         SELECT id, uscc FROM enterprises WHERE uscc IS NOT NULL
         UNION SELECT id, reg_no FROM enterprises WHERE reg_no IS NOT NULL
         UNION SELECT enterprise_id, value FROM enterprise_aliases WHERE kind IN ('uscc', 'regno')),
       active(root, n) AS (
         SELECT r.root, count(*) FROM volumes v JOIN temp.check_root r ON r.id = v.enterprise_id
         WHERE ${liveV} GROUP BY r.root),
       status(root, any_active, deleted_as) AS (
         SELECT r.root, max(ro.status = 'active'), max(CASE WHEN ro.status = 'deleted' THEN '已注销' END)
         FROM codes c JOIN temp.check_root r ON r.id = c.id JOIN temp.check_roster ro ON ro.code = c.code
         GROUP BY r.root)
       SELECT CASE WHEN s.root IS NULL THEN 'deleted-upstream.not-in-roster' ELSE 'deleted-upstream.deleted-in-roster' END,
              'enterprise', e.id,
              json_object('enterpriseId', e.id, 'code', ${code}, 'name', e.name, 'volumes', a.n, 'status', s.deleted_as)
       FROM active a JOIN enterprises e ON e.id = a.root LEFT JOIN status s ON s.root = a.root
       WHERE ${liveE} AND (s.root IS NULL OR s.any_active = 0)`,
      `SELECT 'deleted-upstream.unknown-here', 'roster', ro.code, json_object('code', ro.code)
       FROM temp.check_roster ro
       WHERE ro.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = ro.code OR e.reg_no = ro.code)
         AND NOT EXISTS (SELECT 1 FROM enterprise_aliases a WHERE a.kind IN ('uscc', 'regno') AND a.value = ro.code)`,
    ],
    'no-opening': [
      `SELECT 'no-opening.missing', 'enterprise', e.id,
              json_object('enterpriseId', e.id, 'code', ${code}, 'name', e.name, 'volumes', s.volumes)
       FROM temp.check_ent_vols s JOIN enterprises e ON e.id = s.root
       WHERE s.openings = 0 AND ${liveE}`,
    ],
    'multi-opening': [
      volumesOfKind(
        'multi-opening.several',
        's.openings > 1',
        'v.volume_type IN (SELECT value FROM json_each(@opening))',
      ),
    ],
    'multi-cancel': [
      volumesOfKind(
        'multi-cancel.several',
        's.cancels > 1',
        'v.volume_type IN (SELECT value FROM json_each(@cancellation))',
      ),
    ],
    'image-missing': [
      `SELECT 'image-missing.pages', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no,
                          'pages', json_group_array(p.id), 'pageIds', json_group_array(p.id), 'seqs', json_group_array(p.seq),
                          'sha256', json_group_array(p.blob_sha256))
       FROM pages p JOIN ${d.anyVersion(`p.${d.key}`)}
       WHERE ${d.notDeleted('p')} AND p.blob_sha256 IN (SELECT sha256 FROM blob_listing_diff WHERE state = 'absent')
       GROUP BY v.id`,
      ...ws([
        `SELECT 'image-missing.transform', 'transform', t.id,
                json_object('transformId', t.id, 'pageId', t.page_id, 'volumeId', p.volume_id, 'seq', p.seq, 'sha256', t.result_sha256)
         FROM page_transforms t LEFT JOIN pages p ON p.id = t.page_id
         WHERE t.result_sha256 IS NOT NULL
           AND t.result_sha256 IN (SELECT sha256 FROM blob_listing_diff WHERE state = 'absent')`,
      ]),
    ],
    'image-redundant': [
      `SELECT 'image-redundant.orphan-file', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.actual_size)
       FROM blob_listing_diff d WHERE d.state = 'orphan'`,
      `SELECT 'image-redundant.unreferenced', 'blob', b.sha256, json_object('sha256', b.sha256, 'size', b.size)
       FROM {{unreferencedCandidates}} c CROSS JOIN blobs b ON b.sha256 = c.sha256 WHERE NOT {{referenced b.sha256}}`,
      `SELECT 'image-redundant.duplicate-in-volume', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'sha256', p.blob_sha256,
                          'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id), 'pageIds', json_group_array(p.id))
       FROM pages p JOIN ${volumeOf(`p.${d.key}`)}
       -- Only digests two pages may share (kept on write; no sort of all pages).
       WHERE ${d.notDeleted('p')} AND p.blob_sha256 IN (SELECT sha256 FROM temp.check_multi_blob)
       GROUP BY v.id, p.blob_sha256 HAVING count(*) > 1`,
      `SELECT 'image-redundant.more-than-catalogued', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'pages', c.pages, 'catalogued', r.last)
       FROM temp.check_doc_ranges r CROSS JOIN temp.check_vol_pages c ON c.vkey = r.vkey JOIN ${volumeOf('r.vkey')}
       WHERE c.pages > r.last`,
    ],
    'image-wrong': [
      `SELECT 'image-wrong.size-mismatch', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.size, 'actualSize', d.actual_size)
       FROM blob_listing_diff d WHERE d.state = 'size'`,
      ...ws([
        `SELECT CASE f.status WHEN 'corrupt' THEN 'image-wrong.fixity' ELSE 'image-wrong.undecodable' END, 'blob', f.sha256,
                json_object('sha256', f.sha256, 'checkedAt', f.checked_at, 'actual', f.actual_sha256, 'error', f.error)
         FROM fixity_results f
         WHERE f.status <> 'ok' AND f.status IN ('corrupt', 'undecodable')
           AND {{referenced f.sha256}}`,
      ]),
      `SELECT 'image-wrong.low-dpi', 'page', p.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'pageId', p.id, 'seq', p.seq,
                          'dpi', ${d.dpi('p')}, 'floor', @dpiFloor)
       FROM pages p JOIN ${volumeOf(`p.${d.key}`)}
       WHERE ${d.notDeleted('p')} AND {{lowDpi ${d.dpi('p')}}}`,
      `SELECT 'image-wrong.label-other-volume', 'page', p.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'pageId', p.id, 'seq', p.seq,
                          'labelArchiveNo', json_extract(l.label, '$.archiveNo'), 'labelVolumeUid', json_extract(l.label, '$.volumeId'))
       FROM (SELECT p.id, dangan_label(${d.label('p')}) AS label FROM pages p
             WHERE ${d.notDeleted('p')} AND ${d.label('p')} IS NOT NULL) l
       JOIN pages p ON p.id = l.id JOIN ${volumeOf(`p.${d.key}`)}
       WHERE l.label IS NOT NULL AND json_extract(l.label, '$.volumeId') <> v.uid`,
    ],
    'index-error': [
      // Codes: first whether they are in canonical form (fixable), then whether the canonical form is valid.
      `WITH c(id, field, kind, value) AS (
         SELECT id, '统一社会信用代码', 'uscc', uscc FROM enterprises e WHERE uscc IS NOT NULL AND ${liveE}
         UNION ALL SELECT id, '注册号', 'regno', reg_no FROM enterprises e WHERE reg_no IS NOT NULL AND ${liveE})
       SELECT 'index-error.unnormalised-code', 'enterprise', id,
              json_object('enterpriseId', id, 'field', field, 'column', CASE kind WHEN 'uscc' THEN 'uscc' ELSE 'reg_no' END,
                          'value', value, 'normalised', dangan_norm_code(value), 'collides', collides)
       -- collides: the fix would skip it (its normal form is taken, or an earlier row normalises to it).
       FROM (SELECT id, '统一社会信用代码' AS field, 'uscc' AS kind, uscc AS value,
                    EXISTS (SELECT 1 FROM enterprises o WHERE o.uscc = dangan_norm_code(e.uscc))
                    OR EXISTS (SELECT 1 FROM enterprises o WHERE o.id < e.id AND {{codeSuspect o.uscc}}
                                 AND dangan_norm_code(o.uscc) = dangan_norm_code(e.uscc)) AS collides
             FROM enterprises e WHERE ${liveE} AND {{codeSuspect e.uscc}}
             UNION ALL SELECT id, '注册号', 'regno', reg_no,
                    EXISTS (SELECT 1 FROM enterprises o WHERE o.reg_no = dangan_norm_code(e.reg_no))
                    OR EXISTS (SELECT 1 FROM enterprises o WHERE o.id < e.id AND {{codeSuspect o.reg_no}}
                                 AND dangan_norm_code(o.reg_no) = dangan_norm_code(e.reg_no))
             FROM enterprises e WHERE ${liveE} AND {{codeSuspect e.reg_no}})
       -- Only codes outside the set the normaliser never changes (partial indexes, workstation
       -- migration 12, store migration 3).
       WHERE dangan_norm_code(value) <> value
       UNION ALL
       SELECT 'index-error.invalid-code', 'enterprise', id,
              json_object('enterpriseId', id, 'field', field, 'code', {{normCode value}},
                          'problem', json_extract(p, '$.zh'), 'problemEn', json_extract(p, '$.en'))
       FROM (SELECT *, dangan_code_problem(kind, {{normCode value}}) AS p FROM c) WHERE p IS NOT NULL`,
      `SELECT 'index-error.unnormalised-code', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'field', '档号', 'column', 'archive_no',
                          'value', v.archive_no, 'normalised', dangan_norm_code(v.archive_no),
                          'collides', EXISTS (SELECT 1 FROM volumes o WHERE o.archive_no = dangan_norm_code(v.archive_no))
                                      OR EXISTS (SELECT 1 FROM volumes o WHERE o.id < v.id AND {{codeSuspect o.archive_no}}
                                                   AND dangan_norm_code(o.archive_no) = dangan_norm_code(v.archive_no)))
       FROM volumes v
       WHERE ${d.notDeleted('v')} AND {{codeSuspect v.archive_no}} AND dangan_norm_code(v.archive_no) <> v.archive_no`,
      // Free text: invisible or control characters, stray spaces; over-long fields the schema does not bound.
      `WITH t(entity_type, id, tbl, col, field, value, max_length, enterprise_id, volume_id) AS (
         -- Each arm reads only its candidates: the rows of the partial index over the same expression
         -- (workstation migration 12, store migration 3), or a pass where the schema lacks it.
         SELECT 'enterprise', id, 'enterprises', 'name', '企业名称', name, 200, id, NULL FROM enterprises e
           WHERE ${liveE} AND {{textCandidate e.name 200}}
         UNION ALL SELECT 'document', d.id, 'documents', 'title', '题名', d.title, 500, v.enterprise_id, v.id
           FROM ${documents} WHERE {{textCandidate d.title 500}}
         UNION ALL SELECT 'document', d.id, 'documents', 'responsible', '责任者', d.responsible, 200, v.enterprise_id, v.id
           FROM ${documents} WHERE {{textCandidate d.responsible 200}}
         ${
           d.workstation
             ? `UNION ALL SELECT 'volume', id, 'volumes', 'page_count_reason', '页数更正原因', page_count_reason, 500, enterprise_id, id
                FROM volumes WHERE {{textCandidate page_count_reason 500}}`
             : ''
         }),
       -- Materialised: the three findings below read it, and the JS normaliser runs once per candidate.
       n AS MATERIALIZED (SELECT *, {{normText value}} AS norm FROM t)
       SELECT 'index-error.dirty-text', entity_type, id,
              json_object('enterpriseId', enterprise_id, 'volumeId', volume_id, 'documentId', CASE entity_type WHEN 'document' THEN id END,
                          'table', tbl, 'column', col, 'field', field, 'value', value)
       FROM n WHERE norm <> value AND norm <> ''
       UNION ALL
       SELECT 'index-error.too-long', entity_type, id,
              json_object('enterpriseId', enterprise_id, 'volumeId', volume_id, 'documentId', CASE entity_type WHEN 'document' THEN id END,
                          'table', tbl, 'column', col, 'field', field, 'length', length(norm), 'maxLength', max_length)
       FROM n WHERE length(norm) > max_length
       UNION ALL
       SELECT 'index-error.missing-field', entity_type, id,
              json_object('enterpriseId', enterprise_id, 'volumeId', volume_id, 'documentId', CASE entity_type WHEN 'document' THEN id END,
                          'table', tbl, 'column', col, 'field', field)
       FROM n WHERE col IN ('name', 'title') AND norm = ''`,
      // Coded values: the distinct values are read from an index (a seek per value, workstation migration
      // 12, store migration 3), and only the rows holding an unknown one.
      `SELECT 'index-error.invalid-value', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'field', '案卷类型', 'value', v.volume_type, 'archiveNo', v.archive_no)
       FROM ${distinct('volumes', 'volume_type')} x CROSS JOIN volumes v ON v.volume_type = x.value
       WHERE x.value NOT IN (SELECT value FROM json_each(@volumeTypes)) AND ${d.notDeleted('v')}
       UNION ALL
       SELECT 'index-error.invalid-value', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'field', '登记机关', 'value', v.bureau_code, 'archiveNo', v.archive_no)
       FROM ${distinct('volumes', 'bureau_code')} x CROSS JOIN volumes v ON v.bureau_code = x.value
       WHERE x.value NOT IN (SELECT value FROM json_each(@bureaus)) AND ${d.notDeleted('v')}
       UNION ALL
       SELECT 'index-error.invalid-value', 'enterprise', e.id, json_object('enterpriseId', e.id, 'field', '登记机关', 'value', e.bureau_code)
       FROM ${distinct('enterprises', 'bureau_code')} x CROSS JOIN enterprises e ON e.bureau_code = x.value
       WHERE x.value NOT IN (SELECT value FROM json_each(@bureaus)) AND ${liveE}
       UNION ALL
       SELECT 'index-error.invalid-value', 'document', d.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'documentId', d.id, 'field', '文件类型', 'value', d.type_code)
       FROM ${distinct('documents', 'type_code')} x CROSS JOIN documents d ON d.type_code = x.value
       ${d.workstation ? 'LEFT ' : ''}JOIN ${volumeOf(`d.${d.key}`)}
       WHERE x.value NOT IN (SELECT value FROM json_each(@documentTypes))`,
      `SELECT 'index-error.bad-date', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'field', '登记日期', 'value', v.registration_date)
       FROM volumes v WHERE ${d.notDeleted('v')} AND v.registration_date IS NOT NULL AND NOT {{validDate v.registration_date}}
       UNION ALL
       SELECT 'index-error.bad-date', 'document', d.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'documentId', d.id, 'field', '文件日期', 'value', d.doc_date)
       FROM ${documents} WHERE d.doc_date IS NOT NULL AND NOT {{validDate d.doc_date}}`,
      // Overlaps (in page order, with every earlier document) and ranges past the last page, read only
      // for the volumes the one ordered pass of check_doc_ranges flagged.
      `WITH flagged(vkey, pages) AS (
         SELECT r.vkey, r.pages FROM temp.check_doc_ranges r WHERE r.untiled OR r.last > r.pages),
       ordered AS (
         SELECT d.id, d.seq, d.first_page, d.last_page, f.vkey, f.pages,
                max(d.last_page) OVER (PARTITION BY f.vkey ORDER BY d.first_page, d.last_page, d.seq
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_last
         FROM flagged f CROSS JOIN documents d ON d.${d.key} = f.vkey)
       SELECT 'index-error.page-range', 'document', o.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'documentId', o.id, 'archiveNo', v.archive_no,
                          'docSeq', o.seq, 'firstPage', o.first_page, 'lastPage', o.last_page, 'pages', o.pages,
                          'problem', CASE WHEN o.first_page <= o.prev_last THEN 'overlap' ELSE 'out-of-range' END)
       FROM ordered o JOIN ${volumeOf('o.vkey')}
       WHERE o.first_page <= o.prev_last OR o.last_page > o.pages`,
    ],
    'dup-archive-no': [
      // archive_no is UNIQUE as stored, so two live volumes can share a normalised 档号 only when one of
      // them is not in normal form: the candidates are those, and the volumes holding their normal form.
      `WITH odd(id, norm) AS MATERIALIZED (
         SELECT v.id, dangan_norm_code(v.archive_no) FROM volumes v
         WHERE ${d.notDeleted('v')} AND {{codeSuspect v.archive_no}}),
       keys(norm) AS (SELECT norm FROM odd),
       members(id, norm) AS (
         SELECT id, norm FROM odd
         UNION SELECT v.id, v.archive_no FROM volumes v JOIN keys k ON v.archive_no = k.norm WHERE ${d.notDeleted('v')})
       SELECT 'dup-archive-no.same', 'volume', min(v.id),
              json_object('volumeId', min(v.id), 'normalised', m.norm, 'volumeIds', json_group_array(v.id),
                          'archiveNos', json_group_array(v.archive_no))
       FROM (SELECT * FROM members ORDER BY id) m JOIN volumes v ON v.id = m.id
       GROUP BY m.norm HAVING count(*) > 1`,
    ],
    'page-error': [
      `WITH RECURSIVE stats(vkey, pages, max_seq) AS (
         SELECT vkey, distinct_seqs, max_seq FROM temp.check_vol_pages WHERE distinct_seqs <> max_seq),
       n(vkey, k) AS (SELECT vkey, 1 FROM stats UNION ALL
         SELECT n.vkey, n.k + 1 FROM n JOIN stats s ON s.vkey = n.vkey WHERE n.k < s.max_seq),
       missing(vkey, seqs) AS (
         SELECT n.vkey, json_group_array(n.k) FROM n
         WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.${d.key} = n.vkey AND p.seq = n.k AND ${d.notDeleted('p')})
         GROUP BY n.vkey)
       SELECT 'page-error.seq-gap', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no,
                          'pages', s.pages, 'maxSeq', s.max_seq, 'missing', json(m.seqs))
       FROM stats s JOIN ${volumeOf('s.vkey')} JOIN missing m ON m.vkey = s.vkey`,
      ...ws([
        `SELECT 'page-error.seq-duplicate', 'volume', v.id,
                json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'seq', d.seq,
                            'pageIds', json(d.page_ids))
         FROM temp.check_seq_dups d JOIN volumes v ON v.id = d.volume_id`,
      ]),
      // Only volumes whose documents do not tile 1..last exactly or whose pages go on after the last
      // document (from the one ordered pass): pages up to the last document's end in no range, and
      // every page after it. (Pages before the first document make the tiling fail.)
      `SELECT 'page-error.uncatalogued', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no,
                          'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id), 'pageIds', json_group_array(p.id))
       FROM temp.check_doc_ranges r CROSS JOIN pages p ON p.${d.key} = r.vkey JOIN ${volumeOf('r.vkey')}
       WHERE ${d.notDeleted('p')}
         AND (p.seq > r.last OR r.untiled AND NOT EXISTS (
           SELECT 1 FROM documents d WHERE d.${d.key} = r.vkey AND p.seq BETWEEN d.first_page AND d.last_page))
       GROUP BY v.id`,
    ],
    'page-count': [
      `SELECT 'page-count.mismatch', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no,
                          'declared', v.declared_pages, 'counted', coalesce(c.pages, 0))
       FROM ${d.volumes} v LEFT JOIN temp.check_vol_pages c ON c.vkey = v.${d.volumeKey}
       WHERE ${liveV} AND v.declared_pages IS NOT NULL AND v.state NOT IN ('registered', 'scanning')
         AND coalesce(c.pages, 0) <> v.declared_pages`,
    ],
    'dup-enterprise': [
      `WITH c(id, code) AS (
         SELECT e.id, {{normCode e.uscc}} FROM enterprises e WHERE e.uscc IS NOT NULL AND ${liveE}
         UNION ALL SELECT e.id, {{normCode e.reg_no}} FROM enterprises e WHERE e.reg_no IS NOT NULL AND ${liveE})
       SELECT 'dup-enterprise.same-code', 'enterprise', min(c.id),
              json_object('enterpriseId', min(c.id), 'code', c.code, 'enterpriseIds', json_group_array(c.id))
       FROM c JOIN temp.check_root r ON r.id = c.id
       GROUP BY c.code HAVING count(DISTINCT r.root) > 1`,
      // A 注册号-only record whose number a USCC record carries as an alias (or the other way round).
      `SELECT DISTINCT 'dup-enterprise.regno-and-uscc', 'enterprise', a.id,
              json_object('enterpriseId', a.id, 'regNo', a.reg_no, 'uscc', b.uscc, 'enterpriseIds', json_array(a.id, b.id))
       FROM enterprises a JOIN enterprises b ON b.id <> a.id AND b.uscc IS NOT NULL AND ${d.notDeleted('b')}
       JOIN temp.check_root ra ON ra.id = a.id JOIN temp.check_root rb ON rb.id = b.id
       WHERE a.uscc IS NULL AND ${d.notDeleted('a')} AND ra.root <> rb.root
         AND (EXISTS (SELECT 1 FROM enterprise_aliases x WHERE x.enterprise_id = b.id AND x.kind = 'regno' AND x.value = a.reg_no)
           OR EXISTS (SELECT 1 FROM enterprise_aliases x WHERE x.enterprise_id = a.id AND x.kind = 'uscc' AND x.value = b.uscc))`,
    ],
    'pending-merge': [
      `WITH names(id, name) AS (
         SELECT id, name FROM enterprises e WHERE ${liveE}
         UNION SELECT a.enterprise_id, a.value FROM enterprise_aliases a JOIN enterprises e ON e.id = a.enterprise_id
         WHERE a.kind = 'name' AND ${liveE}),
       groups(name, roots) AS (
         SELECT n.norm, json_group_array(DISTINCT r.root)
         FROM (SELECT id, {{normText name}} AS norm FROM names) n JOIN temp.check_root r ON r.id = n.id
         GROUP BY n.norm HAVING count(DISTINCT r.root) > 1)
       SELECT 'pending-merge.candidate', 'enterprise', min(e.id),
              json_object('enterpriseId', min(e.id), 'name', g.name, 'enterpriseIds', json_group_array(e.id), 'codes', json_group_array(${code}))
       FROM groups g JOIN json_each(g.roots) j JOIN enterprises e ON e.id = j.value
       GROUP BY g.name`,
      volumesOfKind('pending-merge.transfer-unlinked', 's.qr > 0 AND s.qc = 0', "v.volume_type = 'QR'"),
    ],
    'redundant-data': [
      `${orphan('document', 'documents', '文件', 'd', d.parent.en, d.parent.zh, d.key)}
       FROM documents d
       WHERE d.${d.key} IN (
         SELECT dp.k FROM (${d.docParents}) dp WHERE NOT EXISTS (SELECT 1 FROM ${d.parent.table} x WHERE x.id = dp.k))
       UNION ALL
       -- The parents of documents and of live pages come from per-parent summaries, of deleted pages from
       -- their partial index; the rows of a missing parent are then read through the same indexes.
       ${orphan('page', 'pages', '页面', 'p', d.parent.en, d.parent.zh, d.key)}
       FROM pages p
       WHERE ${d.notDeleted('p')} AND p.${d.key} IN (
         SELECT pp.k FROM (${d.pageParents}) pp WHERE NOT EXISTS (SELECT 1 FROM ${d.parent.table} x WHERE x.id = pp.k))
       ${
         d.workstation
           ? `UNION ALL
              ${orphan('page', 'pages', '页面', 'p', 'volume', '案卷', 'volume_id')}
              FROM pages p
              WHERE p.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = p.volume_id)
              UNION ALL
              ${orphan('transform', 'page_transforms', '页面处理', 't', 'page', '页面', 'page_id')}
              FROM page_transforms t WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.id = t.page_id)`
           : ''
       }
       UNION ALL
       ${orphan('volume', 'volumes', '案卷', 'v', 'enterprise', '企业', 'enterprise_id')}
       FROM volumes v WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = v.enterprise_id)`,
      `SELECT 'redundant-data.empty-volume', 'volume', v.id,
              json_object('enterpriseId', v.enterprise_id, 'volumeId', v.id, 'archiveNo', v.archive_no, 'createdAt', v.created_at, 'state', v.state)
       FROM ${d.volumes} v
       WHERE ${liveV} AND v.created_at < @emptyBefore
         AND NOT EXISTS (SELECT 1 FROM temp.check_vol_pages c WHERE c.vkey = v.${d.volumeKey})`,
      ...ws([
        `SELECT 'redundant-data.expired-deleted', 'enterprise', id,
                json_object('enterpriseId', id, 'table', 'enterprises', 'tableZh', '企业', 'id', id, 'deletedAt', deleted_at)
         FROM enterprises WHERE deleted_at < @deletedBefore
         UNION ALL
         SELECT 'redundant-data.expired-deleted', 'volume', id,
                json_object('enterpriseId', enterprise_id, 'volumeId', id, 'table', 'volumes', 'tableZh', '案卷', 'id', id, 'deletedAt', deleted_at)
         FROM volumes WHERE deleted_at < @deletedBefore
         UNION ALL
         SELECT 'redundant-data.expired-deleted', 'page', id,
                json_object('volumeId', volume_id, 'pageId', id, 'seq', seq, 'table', 'pages', 'tableZh', '页面', 'id', id, 'deletedAt', deleted_at)
         FROM pages WHERE deleted_at IS NOT NULL AND deleted_at < @deletedBefore`,
      ]),
    ],
  };
}
