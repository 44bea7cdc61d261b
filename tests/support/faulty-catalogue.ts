import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckId } from '../../core/checks/categories';
import type { RosterEntry } from '../../core/checks/roster';
import { regNoCheckDigit, usccCheckChar } from '../../core/codes';
import { encodeLabel } from '../../core/labels/label-codec';
import { BlobStore } from '../../db/blob-store';
import { sha256Hex } from '../../db/digest';
import type { Db } from '../../db/open';
import type { Repos } from '../../db/repos';
import { OPERATOR, openTestRepos, type FakeClock } from './repos';

/** A valid USCC of a Xiamen enterprise, numbered n (the organisation-code check is only a warning). */
export function uscc(n: number): string {
  const body = `91350200${String(n).padStart(9, '0')}`;
  return body + usccCheckChar(body);
}

/** A valid 15-digit 注册号 numbered n. */
export function regNo(n: number): string {
  const body = `350200${String(n).padStart(8, '0')}`;
  return body + regNoCheckDigit(body);
}

/** Bytes shaped like a JPEG (signature, random middle, end marker): what the structural probe accepts. */
export function jpegLike(size = 600): Buffer {
  const b = randomBytes(size);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[2] = 0xff;
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}

export interface FaultyCatalogue {
  readonly db: Db;
  readonly repos: Repos;
  readonly blobs: BlobStore;
  readonly clock: FakeClock;
  readonly dir: string;
  readonly roster: RosterEntry[];
  /** Per category, the planted faults as `kind entityId`, sorted. */
  readonly expected: ReadonlyMap<CheckId, readonly string[]>;
  /** Blobs overwritten with other bytes of the same size (found only by the full re-hash). */
  readonly corrupted: readonly string[];
  /** Entries of `expected` only a workstation's schema can hold (soft delete, transforms, fixity). */
  readonly workstationOnly: ReadonlySet<string>;
}

/**
 * A realistic small catalogue: clean enterprises with opening volumes, pages with real blob files and
 * documents covering every page; then one planted fault per finding kind the workstation schema can
 * hold. Faults the repositories refuse are planted with SQL, as bad imports and old versions leave them.
 */
export function faultyCatalogue(
  options: { clean?: number; faults?: boolean; realTime?: boolean } = {},
): FaultyCatalogue {
  const { db, repos, clock, file } = openTestRepos();
  // For runs through the CLI, which reads the real clock.
  if (options.realTime === true) clock.set(new Date().toISOString());
  const dir = path.dirname(file);
  const blobs = new BlobStore(path.join(dir, 'blobs'));
  const expected = new Map<CheckId, string[]>();
  const workstationOnly = new Set<string>();
  const plant = (id: CheckId, kind: string, entityId: number | string, only?: 'workstation') => {
    const list = expected.get(id) ?? [];
    list.push(`${id}.${kind} ${entityId}`);
    expected.set(id, list);
    if (only === 'workstation') workstationOnly.add(`${id}.${kind} ${entityId}`);
  };
  let serial = 0;
  let code = 0;
  const active: string[] = [];

  const enterprise = (name: string, options: { roster?: boolean } = {}) => {
    const c = uscc(++code);
    const e = repos.enterprises.create({ uscc: c, name, bureauCode: '350200' }, OPERATOR);
    if (options.roster ?? true) active.push(c);
    return e;
  };
  const store = (bytes: Buffer = jpegLike()) => {
    const put = blobs.put(bytes);
    return { sha256: put.sha256, size: put.size, mediaType: 'image/jpeg' };
  };
  /** A volume with `pages` scanned pages, catalogued as one document per page when `docs`. */
  const volume = (
    enterpriseId: number,
    type = 'SL',
    opts: { pages?: number; declared?: number; docs?: boolean; state?: string } = {},
  ) => {
    const pages = opts.pages ?? 3;
    const v = repos.volumes.create(
      {
        enterpriseId,
        archiveNo: `350200-2026-${type}-${String(++serial).padStart(6, '0')}`,
        volumeType: type,
        year: 2026,
        bureauCode: '350200',
        declaredPages: opts.declared ?? pages,
      },
      OPERATOR,
    );
    const pageIds: number[] = [];
    for (let i = 0; i < pages; i++) {
      pageIds.push(repos.pages.addCaptured({ volumeId: v.id, blob: store(), dpiX: 300, dpiY: 300 }).id);
    }
    if (opts.docs ?? true) {
      repos.documents.replaceAll(
        v.id,
        Array.from({ length: pages }, (_, i) => ({
          typeCode: 'APP',
          title: `申请书 ${i + 1}`,
          firstPage: i + 1,
          lastPage: i + 1,
        })),
        OPERATOR,
      );
    }
    db.prepare('UPDATE volumes SET state = ? WHERE id = ?').run(opts.state ?? 'catalogued', v.id);
    return { ...v, pageIds };
  };
  const sql = (statement: string, ...params: unknown[]) => db.prepare(statement).run(...params);

  // The clean part.
  const clean = Array.from({ length: options.clean ?? 4 }, (_, i) => {
    const e = enterprise(`厦门清洁样本${i + 1}号有限公司`);
    volume(e.id, 'SL');
    volume(e.id, 'BG');
    return e;
  });
  const first = clean[0];
  if (first === undefined) throw new Error('at least one clean enterprise is needed');
  if (options.faults === false) {
    const roster = active.map((c) => ({ code: c, status: 'active' as const }));
    return {
      db,
      repos,
      blobs,
      clock,
      dir,
      roster,
      expected: new Map(),
      corrupted: [],
      workstationOnly,
    };
  }

  // deleted-upstream
  const deleted = enterprise('厦门已注销贸易有限公司', { roster: false });
  volume(deleted.id);
  plant('deleted-upstream', 'deleted-in-roster', deleted.id);
  const gone = enterprise('厦门名录无此公司', { roster: false });
  volume(gone.id);
  plant('deleted-upstream', 'not-in-roster', gone.id);
  const unknown = uscc(9000);
  plant('deleted-upstream', 'unknown-here', unknown);

  // no-opening, multi-opening, multi-cancel, transfer-unlinked
  const noOpening = enterprise('厦门只有变更卷有限公司');
  volume(noOpening.id, 'BG');
  plant('no-opening', 'missing', noOpening.id);
  const twoOpenings = enterprise('厦门两个设立卷有限公司');
  volume(twoOpenings.id, 'SL');
  volume(twoOpenings.id, 'SL');
  plant('multi-opening', 'several', twoOpenings.id);
  const twoCancels = enterprise('厦门两个注销卷有限公司');
  volume(twoCancels.id, 'SL');
  volume(twoCancels.id, 'ZX');
  volume(twoCancels.id, 'ZX');
  plant('multi-cancel', 'several', twoCancels.id);
  const movedIn = enterprise('厦门迁入未关联有限公司');
  volume(movedIn.id, 'SL');
  volume(movedIn.id, 'QR');
  plant('pending-merge', 'transfer-unlinked', movedIn.id);

  // image-missing: a page whose file is gone; a transform result never stored.
  const missing = volume(first.id, 'BA');
  const lostPage = repos.pages.get(missing.pageIds[1] ?? 0);
  fs.rmSync(blobs.pathOf(lostPage.blobSha256));
  plant('image-missing', 'pages', missing.id);
  const ghost = { sha256: sha256Hex(randomBytes(32)), size: 10, mediaType: 'image/jpeg' };
  repos.pages.addBlob(ghost);
  const ghostTransform = repos.pages.addTransform(
    missing.pageIds[0] ?? 0,
    { kind: 'rotate', params: { degrees: 90 }, resultSha256: ghost.sha256 },
    OPERATOR,
  );
  plant('image-missing', 'transform', ghostTransform.id, 'workstation');

  // image-redundant
  const orphanFile = blobs.put(jpegLike()).sha256;
  plant('image-redundant', 'orphan-file', orphanFile);
  const unreferenced = store();
  repos.pages.addBlob(unreferenced);
  plant('image-redundant', 'unreferenced', unreferenced.sha256);
  const twice = volume(first.id, 'QT', { pages: 1 });
  const again = repos.pages.get(twice.pageIds[0] ?? 0);
  repos.pages.addCaptured({
    volumeId: twice.id,
    blob: { sha256: again.blobSha256, size: 600, mediaType: 'image/jpeg' },
    dpiX: 300,
    dpiY: 300,
  });
  sql('UPDATE volumes SET declared_pages = 2 WHERE id = ?', twice.id);
  repos.documents.replaceAll(
    twice.id,
    [{ typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 2 }],
    OPERATOR,
  );
  plant('image-redundant', 'duplicate-in-volume', twice.id);
  const surplus = volume(clean[1]?.id ?? first.id, 'BA', { docs: false });
  repos.documents.replaceAll(
    surplus.id,
    [{ typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 2 }],
    OPERATOR,
  );
  plant('image-redundant', 'more-than-catalogued', surplus.id);
  plant('page-error', 'uncatalogued', surplus.id); // its third page is in no document

  // image-wrong
  const resized = volume(clean[1]?.id ?? first.id, 'QT', { pages: 1 });
  const resizedBlob = repos.pages.get(resized.pageIds[0] ?? 0).blobSha256;
  sql('UPDATE blobs SET size = size + 1 WHERE sha256 = ?', resizedBlob);
  plant('image-wrong', 'size-mismatch', resizedBlob);
  const rotten = volume(clean[2]?.id ?? first.id, 'QT', { pages: 2 });
  const rottenBlob = repos.pages.get(rotten.pageIds[0] ?? 0).blobSha256;
  fs.chmodSync(blobs.pathOf(rottenBlob), 0o644);
  fs.writeFileSync(blobs.pathOf(rottenBlob), jpegLike()); // same size, other bytes
  plant('image-wrong', 'fixity', rottenBlob, 'workstation');
  const truncatedBlob = repos.pages.get(rotten.pageIds[1] ?? 0).blobSha256;
  // Truncated at capture (a scanner cut the transfer): the digest is of the cut bytes, so only the probe sees it.
  const cut = Buffer.from(jpegLike().subarray(0, 300)).fill(0, 200);
  const cutBlob = store(cut);
  repos.pages.addBlob(cutBlob);
  sql('UPDATE pages SET blob_sha256 = ? WHERE blob_sha256 = ?', cutBlob.sha256, truncatedBlob);
  sql('DELETE FROM blobs WHERE sha256 = ?', truncatedBlob);
  fs.rmSync(blobs.pathOf(truncatedBlob));
  plant('image-wrong', 'undecodable', cutBlob.sha256, 'workstation');
  const lowDpi = volume(clean[2]?.id ?? first.id, 'BA', { pages: 2 });
  sql('UPDATE pages SET dpi_x = 150, dpi_y = 150 WHERE id = ?', lowDpi.pageIds[1]);
  plant('image-wrong', 'low-dpi', lowDpi.pageIds[1] ?? 0);
  const other = repos.volumes.get(lowDpi.id);
  const labelled = volume(clean[3]?.id ?? first.id, 'BA', { pages: 2 });
  repos.pages.setFlags(labelled.pageIds[0] ?? 0, {
    labelFound: encodeLabel({ archiveNo: other.archiveNo, uscc: uscc(3), volumeId: other.uid }),
  });
  repos.pages.setFlags(labelled.pageIds[1] ?? 0, {
    labelFound: encodeLabel({
      archiveNo: labelled.archiveNo,
      uscc: uscc(4),
      volumeId: repos.volumes.get(labelled.id).uid,
    }),
  });
  plant('image-wrong', 'label-other-volume', labelled.pageIds[0] ?? 0);

  // index-error
  const badCode = enterprise('厦门校验位错误有限公司', { roster: false });
  const wrong = `${uscc(77).slice(0, 17)}${uscc(77).endsWith('0') ? '1' : '0'}`;
  sql('UPDATE enterprises SET uscc = ? WHERE id = ?', wrong, badCode.id);
  plant('index-error', 'invalid-code', badCode.id);
  const fullWidth = enterprise('厦门全角代码有限公司', { roster: false });
  const fw = (s: string) => s.replace(/[0-9A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  sql('UPDATE enterprises SET uscc = ? WHERE id = ?', fw(first.uscc ?? ''), fullWidth.id);
  plant('index-error', 'unnormalised-code', fullWidth.id);
  plant('dup-enterprise', 'same-code', Math.min(first.id, fullWidth.id));
  const dirty = volume(clean[3]?.id ?? first.id, 'BA', { pages: 3 });
  const docs = repos.documents.list(dirty.id);
  sql('UPDATE documents SET title = ? WHERE id = ?', '申请书\u200B（副本）', docs[0]?.id);
  plant('index-error', 'dirty-text', docs[0]?.id ?? 0);
  sql('UPDATE documents SET responsible = ? WHERE id = ?', '某'.repeat(250), docs[1]?.id);
  plant('index-error', 'too-long', docs[1]?.id ?? 0);
  sql("UPDATE documents SET title = '' WHERE id = ?", docs[2]?.id);
  plant('index-error', 'missing-field', docs[2]?.id ?? 0);
  const oddType = volume(clean[3]?.id ?? first.id, 'BG', { pages: 1 });
  sql("UPDATE volumes SET volume_type = 'XX', registration_date = '20260231' WHERE id = ?", oddType.id);
  plant('index-error', 'invalid-value', oddType.id);
  plant('index-error', 'bad-date', oddType.id);
  const dated = repos.documents.list(oddType.id)[0];
  sql("UPDATE documents SET doc_date = '20250230', type_code = 'NOPE' WHERE id = ?", dated?.id);
  plant('index-error', 'bad-date', dated?.id ?? 0);
  plant('index-error', 'invalid-value', dated?.id ?? 0);
  const ranges = volume(first.id, 'BG', { pages: 3 });
  const [r1, r2, r3] = repos.documents.list(ranges.id);
  sql('UPDATE documents SET last_page = 2 WHERE id = ?', r1?.id); // overlaps the next one
  sql('UPDATE documents SET first_page = 3, last_page = 5 WHERE id = ?', r3?.id); // beyond page 3
  plant('index-error', 'page-range', r2?.id ?? 0);
  plant('index-error', 'page-range', r3?.id ?? 0);

  // dup-archive-no: the same number written in lower case (also not in canonical form).
  const dupNo = volume(clean[2]?.id ?? first.id, 'BG', { pages: 1 });
  const target = repos.volumes.get(ranges.id).archiveNo;
  sql('UPDATE volumes SET archive_no = ? WHERE id = ?', target.toLowerCase(), dupNo.id);
  plant('dup-archive-no', 'same', Math.min(ranges.id, dupNo.id));
  plant('index-error', 'unnormalised-code', dupNo.id);

  // page-error
  const gap = volume(clean[1]?.id ?? first.id, 'BG', { pages: 3, docs: false });
  sql('UPDATE pages SET seq = 5 WHERE id = ?', gap.pageIds[2]);
  sql('UPDATE pages SET seq = 4 WHERE id = ?', gap.pageIds[1]);
  plant('page-error', 'seq-gap', gap.id);
  const hole = volume(clean[1]?.id ?? first.id, 'BA', { pages: 4, docs: false });
  repos.documents.replaceAll(
    hole.id,
    [
      { typeCode: 'APP', title: '申请书', firstPage: 1, lastPage: 1 },
      { typeCode: 'APP', title: '章程', firstPage: 2, lastPage: 4 },
    ],
    OPERATOR,
  );
  sql('UPDATE documents SET first_page = 3 WHERE volume_id = ? AND seq = 2', hole.id);
  plant('page-error', 'uncatalogued', hole.id);

  // page-count
  const miscounted = volume(clean[2]?.id ?? first.id, 'BA', { pages: 2, declared: 5 });
  plant('page-count', 'mismatch', miscounted.id);
  volume(clean[2]?.id ?? first.id, 'BG', { pages: 0, declared: 4, state: 'registered' }); // not scanned yet: fine

  // dup-enterprise: a 注册号 record and the USCC record that carries it as an alias.
  const oldRegNo = regNo(1);
  const old = repos.enterprises.create(
    { regNo: oldRegNo, name: '厦门老字号（注册号）', bureauCode: '350200' },
    OPERATOR,
  );
  repos.enterprises.addAlias(clean[1]?.id ?? first.id, { kind: 'regno', value: oldRegNo }, OPERATOR);
  plant('dup-enterprise', 'regno-and-uscc', old.id);

  // pending-merge: two records of the same name, both with archives.
  const twinA = enterprise('厦门同名有限公司');
  volume(twinA.id, 'SL');
  const twinB = enterprise('厦门同名有限公司');
  volume(twinB.id, 'SL');
  plant('pending-merge', 'candidate', Math.min(twinA.id, twinB.id));
  // A merged pair is resolved: neither a candidate nor a duplicate.
  const mergedA = enterprise('厦门已合并有限公司');
  volume(mergedA.id, 'SL');
  const mergedB = repos.enterprises.create(
    { regNo: regNo(2), name: '厦门已合并有限公司', bureauCode: '350200' },
    OPERATOR,
  );
  volume(mergedB.id, 'BG');
  repos.enterprises.merge(mergedB.id, mergedA.id, '同一企业', OPERATOR);

  // redundant-data
  db.pragma('foreign_keys = OFF');
  const orphanDoc = Number(
    sql(
      `INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at)
       VALUES (99999, 1, 'APP', '孤立文件', 1, 1, ?, ?)`,
      clock.now().toISOString(),
      clock.now().toISOString(),
    ).lastInsertRowid,
  );
  const orphanPage = Number(
    sql(
      `INSERT INTO pages (volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at) VALUES (99998, 1, ?, 300, 300, ?)`,
      unreferenced.sha256,
      clock.now().toISOString(),
    ).lastInsertRowid,
  );
  // A volume whose enterprise row is gone (left to a person: it holds archive content), and a
  // transform whose page is gone (removed with the orphan pages).
  const orphanVolume = Number(
    sql(
      `INSERT INTO volumes (uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at)
       VALUES ('orphan-volume-uid', 99997, '350200-2026-SL-999997', 'SL', 2026, '350200', 'registered', ?, ?)`,
      clock.now().toISOString(),
      clock.now().toISOString(),
    ).lastInsertRowid,
  );
  const orphanTransform = Number(
    sql(
      `INSERT INTO page_transforms (page_id, seq, kind, params, created_at) VALUES (99996, 1, 'rotate', '{"degrees":90}', ?)`,
      clock.now().toISOString(),
    ).lastInsertRowid,
  );
  db.pragma('foreign_keys = ON');
  plant('redundant-data', 'orphan-row', orphanDoc);
  plant('redundant-data', 'orphan-row', orphanPage);
  plant('redundant-data', 'orphan-volume', orphanVolume);
  plant('redundant-data', 'orphan-row', orphanTransform, 'workstation');
  // A blob row no page, transform or other row refers to (a capture that never got its page row).
  const loose = store();
  repos.pages.addBlob(loose);
  plant('image-redundant', 'unreferenced', loose.sha256);
  // The orphan page references the "unreferenced" blob: it is referenced after all.
  expected.set(
    'image-redundant',
    (expected.get('image-redundant') ?? []).filter((x) => !x.endsWith(unreferenced.sha256)),
  );
  const empty = volume(clean[3]?.id ?? first.id, 'BG', { pages: 0, declared: 0, state: 'registered' });
  sql("UPDATE volumes SET created_at = '2025-12-01T00:00:00.000Z' WHERE id = ?", empty.id);
  plant('redundant-data', 'empty-volume', empty.id);
  const old1 = volume(clean[3]?.id ?? first.id, 'QT', { pages: 2, docs: false });
  repos.pages.softDelete(old1.pageIds[1] ?? 0, OPERATOR);
  sql("UPDATE pages SET deleted_at = '2024-06-01T00:00:00.000Z' WHERE id = ?", old1.pageIds[1]);
  sql('UPDATE volumes SET declared_pages = 1 WHERE id = ?', old1.id);
  plant('redundant-data', 'expired-deleted', old1.pageIds[1] ?? 0, 'workstation');

  const roster: RosterEntry[] = [
    ...active.map((c) => ({ code: c, status: 'active' as const })),
    { code: deleted.uscc ?? '', status: 'deleted' },
    { code: unknown, status: 'active' },
    { code: oldRegNo, status: 'active' },
    { code: regNo(2), status: 'active' },
  ];
  const sorted = new Map([...expected].map(([k, v]) => [k, [...v].sort()]));
  return { db, repos, blobs, clock, dir, roster, expected: sorted, corrupted: [rottenBlob], workstationOnly };
}
