import type { CheckId } from '../../core/checks/categories';

/**
 * The check queries for the workstation schema (migrations 1–3), one to a few per category. Each
 * returns rows `(kind, entity_type, entity_id, details)` with `details` a JSON object; the messages
 * are made in core/checks/kinds.ts. Inputs the runner prepares as temp tables:
 *   temp.check_root(id, root)        every enterprise with the record it is (transitively) merged into
 *   temp.check_blob_diff(sha256, state, size, actual_size)  where storage and the blobs table disagree:
 *       'absent' (a row, no file), 'orphan' (a file, no row), 'size' (both, sizes differ) — built from the
 *       storage inventory in two passes, so the three image categories read only the differences
 *   temp.check_roster(code, status)  the registration system's roster, when one is given
 *   temp.check_vol_pages(volume_id, pages, min_seq, max_seq, distinct_seqs)  live pages per volume,
 *       from one ordered pass over the (volume_id, seq) index
 *   temp.check_seq_dups(volume_id, seq, n, page_ids)  positions held by more than one live page
 *   temp.check_ent_vols(root, volumes, openings, cancels, qr, qc)  live volumes per enterprise (root)
 *   temp.check_multi_blob(sha256)     digests used by more than one page
 * blob_listing_diff(sha256, state, size, actual_size) replaces temp.check_blob_diff: kept between runs
 * (listing.ts). The runner expands macros: {{normCode x}} and {{normText x}} call the JS normaliser only
 * where cheap SQL says the value might change (the GLOB sets below are a superset of what changes);
 * {{validDate x}} calls the JS date rule only where the cheap SQL test is not conclusive; {{lowDpi p}}
 * is the dpi-floor test in the form the partial index of migration 9 answers.
 * `{{unreferencedCandidates}}` is the digests that may lack a reference (blob_unref_candidates, kept on
 * write by migration 9), or every digest not in a referring column (one merge pass) without it.
 * `{{referenced x}}` stands for "some row refers to blob x": the runner expands it from the foreign keys
 * that point at blobs(sha256), so tables later migrations add (thumbnails, masters) count too.
 * Parameters: @opening, @cancellation (JSON arrays of volume types), @volumeTypes, @documentTypes,
 * @bureaus (JSON arrays of known codes), @dpiFloor, @emptyBefore, @deletedBefore (ISO times).
 *
 * "Live" volumes are those neither soft-deleted nor withdrawn; live pages are not soft-deleted.
 */
const LIVE_VOLUME = `v.deleted_at IS NULL AND v.state <> 'withdrawn'`;
const CODE = `coalesce(e.uscc, e.reg_no)`;

export const WORKSTATION_SQL: Readonly<Record<CheckId, readonly string[]>> = {
  'deleted-upstream': [
    `WITH codes(id, code) AS (
       SELECT id, uscc FROM enterprises WHERE uscc IS NOT NULL
       UNION SELECT id, reg_no FROM enterprises WHERE reg_no IS NOT NULL
       UNION SELECT enterprise_id, value FROM enterprise_aliases WHERE kind IN ('uscc', 'regno')),
     active(root, n) AS (
       SELECT r.root, count(*) FROM volumes v JOIN temp.check_root r ON r.id = v.enterprise_id
       WHERE ${LIVE_VOLUME} GROUP BY r.root),
     status(root, any_active, deleted_as) AS (
       SELECT r.root, max(ro.status = 'active'), max(CASE WHEN ro.status = 'deleted' THEN '已注销' END)
       FROM codes c JOIN temp.check_root r ON r.id = c.id JOIN temp.check_roster ro ON ro.code = c.code
       GROUP BY r.root)
     SELECT CASE WHEN s.root IS NULL THEN 'deleted-upstream.not-in-roster' ELSE 'deleted-upstream.deleted-in-roster' END,
            'enterprise', e.id,
            json_object('code', ${CODE}, 'name', e.name, 'volumes', a.n, 'status', s.deleted_as)
     FROM active a JOIN enterprises e ON e.id = a.root LEFT JOIN status s ON s.root = a.root
     WHERE e.deleted_at IS NULL AND (s.root IS NULL OR s.any_active = 0)`,
    `SELECT 'deleted-upstream.unknown-here', 'roster', ro.code, json_object('code', ro.code)
     FROM temp.check_roster ro
     WHERE ro.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = ro.code OR e.reg_no = ro.code)
       AND NOT EXISTS (SELECT 1 FROM enterprise_aliases a WHERE a.kind IN ('uscc', 'regno') AND a.value = ro.code)`,
  ],
  'no-opening': [
    `SELECT 'no-opening.missing', 'enterprise', e.id,
            json_object('code', ${CODE}, 'name', e.name, 'volumes', s.volumes)
     FROM temp.check_ent_vols s JOIN enterprises e ON e.id = s.root
     WHERE s.openings = 0 AND e.deleted_at IS NULL`,
  ],
  'multi-opening': [
    `SELECT 'multi-opening.several', 'enterprise', e.id,
            json_object('code', ${CODE}, 'name', e.name,
              'archiveNos', json_group_array(v.archive_no) FILTER (WHERE v.volume_type IN (SELECT value FROM json_each(@opening))),
              'volumeIds', json_group_array(v.id) FILTER (WHERE v.volume_type IN (SELECT value FROM json_each(@opening))))
     -- CROSS JOIN keeps the few flagged enterprises as the outer loop (temp tables have no statistics).
     FROM temp.check_ent_vols s CROSS JOIN enterprises e ON e.id = s.root
     CROSS JOIN temp.check_root r ON r.root = s.root CROSS JOIN volumes v ON v.enterprise_id = r.id
     WHERE s.openings > 1 AND ${LIVE_VOLUME} AND e.deleted_at IS NULL
     GROUP BY e.id`,
  ],
  'multi-cancel': [
    `SELECT 'multi-cancel.several', 'enterprise', e.id,
            json_object('code', ${CODE}, 'name', e.name,
              'archiveNos', json_group_array(v.archive_no) FILTER (WHERE v.volume_type IN (SELECT value FROM json_each(@cancellation))),
              'volumeIds', json_group_array(v.id) FILTER (WHERE v.volume_type IN (SELECT value FROM json_each(@cancellation))))
     -- CROSS JOIN keeps the few flagged enterprises as the outer loop (temp tables have no statistics).
     FROM temp.check_ent_vols s CROSS JOIN enterprises e ON e.id = s.root
     CROSS JOIN temp.check_root r ON r.root = s.root CROSS JOIN volumes v ON v.enterprise_id = r.id
     WHERE s.cancels > 1 AND ${LIVE_VOLUME} AND e.deleted_at IS NULL
     GROUP BY e.id`,
  ],
  'image-missing': [
    `SELECT 'image-missing.pages', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'pages', json_group_array(p.id), 'seqs', json_group_array(p.seq),
                        'sha256', json_group_array(p.blob_sha256))
     FROM pages p JOIN volumes v ON v.id = p.volume_id
     WHERE p.deleted_at IS NULL AND p.blob_sha256 IN (SELECT sha256 FROM blob_listing_diff WHERE state = 'absent')
     GROUP BY v.id`,
    `SELECT 'image-missing.transform', 'transform', t.id, json_object('pageId', t.page_id, 'sha256', t.result_sha256)
     FROM page_transforms t
     WHERE t.result_sha256 IS NOT NULL
       AND t.result_sha256 IN (SELECT sha256 FROM blob_listing_diff WHERE state = 'absent')`,
  ],
  'image-redundant': [
    `SELECT 'image-redundant.orphan-file', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.actual_size)
     FROM blob_listing_diff d WHERE d.state = 'orphan'`,
    `SELECT 'image-redundant.unreferenced', 'blob', b.sha256, json_object('sha256', b.sha256, 'size', b.size)
     FROM {{unreferencedCandidates}} c CROSS JOIN blobs b ON b.sha256 = c.sha256 WHERE NOT {{referenced b.sha256}}`,
    `SELECT 'image-redundant.duplicate-in-volume', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'sha256', p.blob_sha256, 'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id))
     FROM pages p JOIN volumes v ON v.id = p.volume_id
     -- Only digests used more than once anywhere (read from the blob index, no sort of all pages).
     WHERE p.deleted_at IS NULL AND p.blob_sha256 IN (SELECT sha256 FROM temp.check_multi_blob)
     GROUP BY v.id, p.blob_sha256 HAVING count(*) > 1`,
    `WITH catalogued(volume_id, last) AS (SELECT volume_id, max(last_page) FROM documents GROUP BY volume_id)
     SELECT 'image-redundant.more-than-catalogued', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'pages', c.pages, 'catalogued', d.last)
     FROM temp.check_vol_pages c JOIN catalogued d ON d.volume_id = c.volume_id JOIN volumes v ON v.id = c.volume_id
     WHERE c.pages > d.last`,
  ],
  'image-wrong': [
    `SELECT 'image-wrong.size-mismatch', 'blob', d.sha256, json_object('sha256', d.sha256, 'size', d.size, 'actualSize', d.actual_size)
     FROM blob_listing_diff d WHERE d.state = 'size'`,
    `SELECT CASE f.status WHEN 'corrupt' THEN 'image-wrong.fixity' ELSE 'image-wrong.undecodable' END, 'blob', f.sha256,
            json_object('sha256', f.sha256, 'checkedAt', f.checked_at, 'actual', f.actual_sha256, 'error', f.error)
     FROM fixity_results f
     WHERE f.status <> 'ok' AND f.status IN ('corrupt', 'undecodable')
       AND {{referenced f.sha256}}`,
    `SELECT 'image-wrong.low-dpi', 'page', p.id,
            json_object('archiveNo', v.archive_no, 'volumeId', v.id, 'seq', p.seq, 'dpi', min(p.dpi_x, p.dpi_y), 'floor', @dpiFloor)
     FROM pages p JOIN volumes v ON v.id = p.volume_id
     WHERE {{lowDpi p}}`,
    `SELECT 'image-wrong.label-other-volume', 'page', p.id,
            json_object('archiveNo', v.archive_no, 'volumeId', v.id, 'seq', p.seq,
                        'labelArchiveNo', json_extract(l.label, '$.archiveNo'), 'labelVolumeUid', json_extract(l.label, '$.volumeId'))
     FROM (SELECT p.id, dangan_label(p.label_found) AS label FROM pages p WHERE p.deleted_at IS NULL AND p.label_found IS NOT NULL) l
     JOIN pages p ON p.id = l.id JOIN volumes v ON v.id = p.volume_id
     WHERE l.label IS NOT NULL AND json_extract(l.label, '$.volumeId') <> v.uid`,
  ],
  'index-error': [
    // Codes: first whether they are in canonical form (fixable), then whether the canonical form is valid.
    `WITH c(id, field, kind, value) AS (
       SELECT id, '统一社会信用代码', 'uscc', uscc FROM enterprises WHERE uscc IS NOT NULL AND deleted_at IS NULL
       UNION ALL SELECT id, '注册号', 'regno', reg_no FROM enterprises WHERE reg_no IS NOT NULL AND deleted_at IS NULL)
     SELECT 'index-error.unnormalised-code', 'enterprise', id,
            json_object('field', field, 'column', CASE kind WHEN 'uscc' THEN 'uscc' ELSE 'reg_no' END, 'value', value, 'normalised', dangan_norm_code(value))
     FROM c WHERE {{normCode value}} <> value
     UNION ALL
     SELECT 'index-error.invalid-code', 'enterprise', id,
            json_object('field', field, 'code', {{normCode value}},
                        'problem', json_extract(p, '$.zh'), 'problemEn', json_extract(p, '$.en'))
     FROM (SELECT *, dangan_code_problem(kind, {{normCode value}}) AS p FROM c) WHERE p IS NOT NULL`,
    `SELECT 'index-error.unnormalised-code', 'volume', v.id,
            json_object('field', '档号', 'column', 'archive_no', 'value', v.archive_no, 'normalised', dangan_norm_code(v.archive_no))
     FROM volumes v WHERE v.deleted_at IS NULL AND {{normCode v.archive_no}} <> v.archive_no`,
    // Free text: invisible or control characters, stray spaces; over-long fields the schema does not bound.
    `WITH t(entity_type, id, tbl, col, field, value, max_length) AS (
       SELECT 'enterprise', id, 'enterprises', 'name', '企业名称', name, 200 FROM enterprises WHERE deleted_at IS NULL
       UNION ALL SELECT 'document', id, 'documents', 'title', '题名', title, 500 FROM documents
       UNION ALL SELECT 'document', id, 'documents', 'responsible', '责任者', responsible, 200 FROM documents WHERE responsible IS NOT NULL
       UNION ALL SELECT 'volume', id, 'volumes', 'page_count_reason', '页数更正原因', page_count_reason, 500 FROM volumes WHERE page_count_reason IS NOT NULL),
     -- Materialised: the three findings below read it, and the JS normaliser runs once per candidate.
     n AS MATERIALIZED (SELECT *, {{normText value}} AS norm FROM t
       WHERE {{textSuspect value}} OR length(value) > max_length)
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
     FROM volumes v WHERE v.deleted_at IS NULL AND v.volume_type NOT IN (SELECT value FROM json_each(@volumeTypes))
     UNION ALL
     SELECT 'index-error.invalid-value', 'volume', v.id, json_object('field', '登记机关', 'value', v.bureau_code, 'archiveNo', v.archive_no)
     FROM volumes v WHERE v.deleted_at IS NULL AND v.bureau_code NOT IN (SELECT value FROM json_each(@bureaus))
     UNION ALL
     SELECT 'index-error.invalid-value', 'enterprise', e.id, json_object('field', '登记机关', 'value', e.bureau_code)
     FROM enterprises e WHERE e.deleted_at IS NULL AND e.bureau_code NOT IN (SELECT value FROM json_each(@bureaus))
     UNION ALL
     SELECT 'index-error.invalid-value', 'document', d.id, json_object('field', '文件类型', 'value', d.type_code)
     FROM documents d WHERE d.type_code NOT IN (SELECT value FROM json_each(@documentTypes))`,
    `SELECT 'index-error.bad-date', 'volume', v.id, json_object('field', '登记日期', 'value', v.registration_date)
     FROM volumes v WHERE v.deleted_at IS NULL AND v.registration_date IS NOT NULL AND NOT {{validDate v.registration_date}}
     UNION ALL
     SELECT 'index-error.bad-date', 'document', d.id, json_object('field', '文件日期', 'value', d.doc_date)
     FROM documents d WHERE d.doc_date IS NOT NULL AND NOT {{validDate d.doc_date}}`,
    `WITH ordered AS (
       SELECT d.*, lag(d.last_page) OVER (PARTITION BY d.volume_id ORDER BY d.seq) AS prev_last FROM documents d)
     SELECT 'index-error.page-range', 'document', o.id,
            json_object('archiveNo', v.archive_no, 'volumeId', v.id, 'docSeq', o.seq, 'firstPage', o.first_page,
                        'lastPage', o.last_page, 'pages', coalesce(c.pages, 0),
                        'problem', CASE WHEN o.first_page <= o.prev_last THEN 'overlap' ELSE 'out-of-range' END)
     FROM ordered o JOIN volumes v ON v.id = o.volume_id LEFT JOIN temp.check_vol_pages c ON c.volume_id = o.volume_id
     WHERE o.first_page <= o.prev_last OR o.last_page > coalesce(c.pages, 0)`,
  ],
  'dup-archive-no': [
    // archive_no is UNIQUE as stored, so two live volumes can share a normalised 档号 only when one of
    // them is not in normal form: the candidates are those, and the volumes holding their normal form.
    `WITH odd(id, norm) AS MATERIALIZED (
       SELECT v.id, dangan_norm_code(v.archive_no) FROM volumes v
       WHERE v.deleted_at IS NULL AND {{codeSuspect v.archive_no}}),
     keys(norm) AS (SELECT norm FROM odd),
     members(id, norm) AS (
       SELECT id, norm FROM odd
       UNION SELECT v.id, v.archive_no FROM volumes v JOIN keys k ON v.archive_no = k.norm WHERE v.deleted_at IS NULL)
     SELECT 'dup-archive-no.same', 'volume', min(v.id),
            json_object('normalised', m.norm, 'volumeIds', json_group_array(v.id),
                        'archiveNos', json_group_array(v.archive_no))
     FROM (SELECT * FROM members ORDER BY id) m JOIN volumes v ON v.id = m.id
     GROUP BY m.norm HAVING count(*) > 1`,
  ],
  'page-error': [
    `WITH RECURSIVE stats(volume_id, pages, max_seq) AS (
       SELECT volume_id, distinct_seqs, max_seq FROM temp.check_vol_pages WHERE distinct_seqs <> max_seq),
     n(volume_id, k) AS (SELECT volume_id, 1 FROM stats UNION ALL
       SELECT n.volume_id, n.k + 1 FROM n JOIN stats s ON s.volume_id = n.volume_id WHERE n.k < s.max_seq),
     missing(volume_id, seqs) AS (
       SELECT n.volume_id, json_group_array(n.k) FROM n
       WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.volume_id = n.volume_id AND p.seq = n.k AND p.deleted_at IS NULL)
       GROUP BY n.volume_id)
     SELECT 'page-error.seq-gap', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'pages', s.pages, 'maxSeq', s.max_seq, 'missing', json(m.seqs))
     FROM stats s JOIN volumes v ON v.id = s.volume_id JOIN missing m ON m.volume_id = s.volume_id`,
    `SELECT 'page-error.seq-duplicate', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'seq', d.seq, 'pageIds', json(d.page_ids))
     FROM temp.check_seq_dups d JOIN volumes v ON v.id = d.volume_id`,
    // Only volumes whose documents do not tile 1..last exactly (a gap, or an overlap that may hide one).
    `WITH ordered AS (
       SELECT volume_id, first_page, last_page,
              lag(last_page) OVER (PARTITION BY volume_id ORDER BY first_page, last_page) AS prev
       FROM documents),
     catalogued(volume_id, last) AS (
       SELECT volume_id, max(last_page) FROM ordered GROUP BY volume_id
       HAVING sum(last_page - first_page + 1) <> max(last_page) OR sum(first_page <= prev) > 0 OR min(first_page) <> 1)
     SELECT 'page-error.uncatalogued', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'seqs', json_group_array(p.seq), 'pages', json_group_array(p.id))
     FROM pages p JOIN catalogued c ON c.volume_id = p.volume_id JOIN volumes v ON v.id = p.volume_id
     WHERE p.deleted_at IS NULL AND p.seq <= c.last
       AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.volume_id = p.volume_id AND p.seq BETWEEN d.first_page AND d.last_page)
     GROUP BY v.id`,
  ],
  'page-count': [
    `SELECT 'page-count.mismatch', 'volume', v.id,
            json_object('archiveNo', v.archive_no, 'declared', v.declared_pages, 'counted', coalesce(c.pages, 0))
     FROM volumes v LEFT JOIN temp.check_vol_pages c ON c.volume_id = v.id
     WHERE ${LIVE_VOLUME} AND v.declared_pages IS NOT NULL AND v.state NOT IN ('registered', 'scanning')
       AND coalesce(c.pages, 0) <> v.declared_pages`,
  ],
  'dup-enterprise': [
    `WITH c(id, code) AS (
       SELECT e.id, {{normCode e.uscc}} FROM enterprises e WHERE e.uscc IS NOT NULL AND e.deleted_at IS NULL
       UNION ALL SELECT e.id, {{normCode e.reg_no}} FROM enterprises e WHERE e.reg_no IS NOT NULL AND e.deleted_at IS NULL)
     SELECT 'dup-enterprise.same-code', 'enterprise', min(c.id),
            json_object('code', c.code, 'enterpriseIds', json_group_array(c.id))
     FROM c JOIN temp.check_root r ON r.id = c.id
     GROUP BY c.code HAVING count(DISTINCT r.root) > 1`,
    // A 注册号-only record whose number a USCC record carries as an alias (or the other way round).
    `SELECT DISTINCT 'dup-enterprise.regno-and-uscc', 'enterprise', a.id,
            json_object('regNo', a.reg_no, 'uscc', b.uscc, 'enterpriseIds', json_array(a.id, b.id))
     FROM enterprises a JOIN enterprises b ON b.id <> a.id AND b.uscc IS NOT NULL AND b.deleted_at IS NULL
     JOIN temp.check_root ra ON ra.id = a.id JOIN temp.check_root rb ON rb.id = b.id
     WHERE a.uscc IS NULL AND a.deleted_at IS NULL AND ra.root <> rb.root
       AND (EXISTS (SELECT 1 FROM enterprise_aliases x WHERE x.enterprise_id = b.id AND x.kind = 'regno' AND x.value = a.reg_no)
         OR EXISTS (SELECT 1 FROM enterprise_aliases x WHERE x.enterprise_id = a.id AND x.kind = 'uscc' AND x.value = b.uscc))`,
  ],
  'pending-merge': [
    `WITH names(id, name) AS (
       SELECT id, name FROM enterprises WHERE deleted_at IS NULL
       UNION SELECT a.enterprise_id, a.value FROM enterprise_aliases a JOIN enterprises e ON e.id = a.enterprise_id
       WHERE a.kind = 'name' AND e.deleted_at IS NULL),
     groups(name, roots) AS (
       SELECT n.norm, json_group_array(DISTINCT r.root)
       FROM (SELECT id, {{normText name}} AS norm FROM names) n JOIN temp.check_root r ON r.id = n.id
       GROUP BY n.norm HAVING count(DISTINCT r.root) > 1)
     SELECT 'pending-merge.candidate', 'enterprise', min(e.id),
            json_object('name', g.name, 'enterpriseIds', json_group_array(e.id), 'codes', json_group_array(${CODE}))
     FROM groups g JOIN json_each(g.roots) j JOIN enterprises e ON e.id = j.value
     GROUP BY g.name`,
    `SELECT 'pending-merge.transfer-unlinked', 'enterprise', e.id,
            json_object('code', ${CODE}, 'name', e.name,
                        'archiveNos', json_group_array(v.archive_no) FILTER (WHERE v.volume_type = 'QR'))
     -- CROSS JOIN keeps the few flagged enterprises as the outer loop (temp tables have no statistics).
     FROM temp.check_ent_vols s CROSS JOIN enterprises e ON e.id = s.root
     CROSS JOIN temp.check_root r ON r.root = s.root CROSS JOIN volumes v ON v.enterprise_id = r.id
     WHERE s.qr > 0 AND s.qc = 0 AND ${LIVE_VOLUME} AND e.deleted_at IS NULL
     GROUP BY e.id`,
  ],
  'redundant-data': [
    `SELECT 'redundant-data.orphan-row', 'document', d.id,
            json_object('table', 'documents', 'tableZh', '文件', 'id', d.id, 'parent', 'volume', 'parentZh', '案卷', 'parentId', d.volume_id)
     FROM documents d WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = d.volume_id)
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'page', p.id,
            json_object('table', 'pages', 'tableZh', '页面', 'id', p.id, 'parent', 'volume', 'parentZh', '案卷', 'parentId', p.volume_id)
     -- Volumes of live pages come from the aggregate, of deleted pages from their partial index; the
     -- pages of a missing volume are then read through the same two indexes.
     FROM pages p
     WHERE p.deleted_at IS NULL AND p.volume_id IN (
       SELECT c.volume_id FROM temp.check_vol_pages c WHERE NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = c.volume_id))
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'page', p.id,
            json_object('table', 'pages', 'tableZh', '页面', 'id', p.id, 'parent', 'volume', 'parentZh', '案卷', 'parentId', p.volume_id)
     FROM pages p
     WHERE p.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM volumes v WHERE v.id = p.volume_id)
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'transform', t.id,
            json_object('table', 'page_transforms', 'tableZh', '页面处理', 'id', t.id, 'parent', 'page', 'parentZh', '页面', 'parentId', t.page_id)
     FROM page_transforms t WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.id = t.page_id)
     UNION ALL
     SELECT 'redundant-data.orphan-row', 'volume', v.id,
            json_object('table', 'volumes', 'tableZh', '案卷', 'id', v.id, 'parent', 'enterprise', 'parentZh', '企业', 'parentId', v.enterprise_id)
     FROM volumes v WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = v.enterprise_id)`,
    `SELECT 'redundant-data.empty-volume', 'volume', v.id, json_object('archiveNo', v.archive_no, 'createdAt', v.created_at, 'state', v.state)
     FROM volumes v
     WHERE ${LIVE_VOLUME} AND v.created_at < @emptyBefore
       AND NOT EXISTS (SELECT 1 FROM temp.check_vol_pages c WHERE c.volume_id = v.id)`,
    `SELECT 'redundant-data.expired-deleted', 'enterprise', id, json_object('table', 'enterprises', 'tableZh', '企业', 'id', id, 'deletedAt', deleted_at)
     FROM enterprises WHERE deleted_at < @deletedBefore
     UNION ALL
     SELECT 'redundant-data.expired-deleted', 'volume', id, json_object('table', 'volumes', 'tableZh', '案卷', 'id', id, 'deletedAt', deleted_at)
     FROM volumes WHERE deleted_at < @deletedBefore
     UNION ALL
     SELECT 'redundant-data.expired-deleted', 'page', id, json_object('table', 'pages', 'tableZh', '页面', 'id', id, 'deletedAt', deleted_at)
     FROM pages WHERE deleted_at IS NOT NULL AND deleted_at < @deletedBefore`,
  ],
};
