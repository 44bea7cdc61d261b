import fs from 'node:fs';
import path from 'node:path';
import type { CheckId } from '../../core/checks/categories';
import { DEFAULT_PROVINCE } from '../../core/bureaus';
import { openStoreDatabase } from '../../db/store/open-store';
import type { Db } from '../../db/open';
import type { FaultyCatalogue } from './faulty-catalogue';

/**
 * The faulty catalogue as an archive store holds it (a store data folder: store.db and blobs/): every
 * live volume received once (version id = volume id), pages with their dpi and QR label in `meta`, the
 * same orphans, aliases and merges. Copied by SQL, like a store that received the workstation's bags
 * as they were. Returns what each category must find there: the workstation's planted faults less
 * those the store cannot hold, plus the ones that differ there by design (said where they are made).
 */
export function faultyStore(cat: FaultyCatalogue): {
  readonly db: Db;
  readonly dir: string;
  readonly expected: ReadonlyMap<CheckId, readonly string[]>;
} {
  const dir = fs.mkdtempSync(path.join(path.dirname(cat.dir), 'store-'));
  fs.cpSync(path.join(cat.dir, 'blobs'), path.join(dir, 'blobs'), { recursive: true });
  const db = openStoreDatabase(path.join(dir, 'store.db'));
  const t = '2026-01-01T00:00:00.000Z';
  db.prepare('ATTACH DATABASE ? AS ws').run(cat.db.name);
  db.pragma('foreign_keys = OFF'); // the orphans are copied as they are
  try {
    db.transaction(() => {
      const bureau = db.prepare('INSERT OR IGNORE INTO bureaus (code, name, created_at) VALUES (?, ?, ?)');
      for (const b of DEFAULT_PROVINCE.bureaus) bureau.run(b.code, b.name, t);
      db.exec(`
        INSERT INTO enterprises (id, uscc, reg_no, name, bureau_code, created_at, updated_at)
          SELECT id, uscc, reg_no, name, bureau_code, created_at, updated_at FROM ws.enterprises WHERE deleted_at IS NULL;
        INSERT INTO enterprise_aliases (id, enterprise_id, kind, value, created_at)
          SELECT id, enterprise_id, kind, value, created_at FROM ws.enterprise_aliases;
        INSERT INTO enterprise_merges (id, from_enterprise_id, into_enterprise_id, reason, created_at, undone_at)
          SELECT id, from_enterprise_id, into_enterprise_id, reason, created_at, undone_at FROM ws.enterprise_merges;
        INSERT INTO blobs (sha256, size, created_at) SELECT sha256, size, created_at FROM ws.blobs;
        INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code,
            current_version, created_at, updated_at)
          SELECT id, uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code, 1, created_at, updated_at
          FROM ws.volumes WHERE deleted_at IS NULL AND state <> 'withdrawn';
        INSERT INTO volume_versions (id, volume_id, version, manifest_sha256, declared_pages, payload_oxum, bag_info,
            tag_files, catalogue_sha256, client_id, via, created_at)
          SELECT v.id, v.id, 1, printf('%064x', v.id), v.declared_pages, '0.0', '{}', '{}',
                 -- A blob some live page uses anyway: the catalogue blob must not make a planted
                 -- unreferenced blob referenced.
                 coalesce((SELECT p.blob_sha256 FROM ws.pages p WHERE p.volume_id = v.id AND p.deleted_at IS NULL ORDER BY p.seq LIMIT 1),
                          (SELECT min(blob_sha256) FROM ws.pages WHERE deleted_at IS NULL)),
                 'test', 'offline', v.created_at
          FROM ws.volumes v WHERE v.deleted_at IS NULL AND v.state <> 'withdrawn';
        INSERT INTO pages (id, version_id, seq, file, blob_sha256, media_type, meta)
          SELECT id, volume_id, seq, 'data/' || seq || '.jpg', blob_sha256, 'image/jpeg',
                 json_object('dpiX', dpi_x, 'dpiY', dpi_y, 'labelFound', label_found)
          FROM ws.pages WHERE deleted_at IS NULL;
        INSERT INTO documents (id, version_id, seq, type_code, title, doc_date, responsible, first_page, last_page)
          SELECT id, volume_id, seq, type_code, title, doc_date, responsible, first_page, last_page FROM ws.documents;
      `);
    })();
  } finally {
    db.pragma('foreign_keys = ON');
    db.exec('DETACH DATABASE ws');
  }
  const expected = new Map<CheckId, string[]>();
  for (const [id, list] of cat.expected) {
    const kept = list.filter((k) => !cat.workstationOnly.has(k));
    if (kept.length > 0) expected.set(id, [...kept]);
  }
  // A transform's result and the image of a soft-deleted page are not sent: in the store those blob
  // rows (copied above) are referenced by nothing.
  const dropped = cat.db
    .prepare(
      `SELECT result_sha256 FROM page_transforms WHERE result_sha256 IS NOT NULL
       UNION SELECT blob_sha256 FROM pages WHERE deleted_at IS NOT NULL
       EXCEPT SELECT blob_sha256 FROM pages WHERE deleted_at IS NULL`,
    )
    .pluck()
    .all() as string[];
  expected.set(
    'image-redundant',
    [
      ...(expected.get('image-redundant') ?? []),
      ...dropped.map((s) => `image-redundant.unreferenced ${s}`),
    ].sort(),
  );
  // Every volume in a store was received: one the workstation had not scanned yet (its count not
  // checked there) holds fewer pages than it declares.
  const unscanned = cat.db
    .prepare(
      `SELECT v.id FROM volumes v WHERE v.state IN ('registered', 'scanning') AND v.deleted_at IS NULL
         AND v.declared_pages <> (SELECT count(*) FROM pages p WHERE p.volume_id = v.id AND p.deleted_at IS NULL)`,
    )
    .pluck()
    .all() as number[];
  expected.set(
    'page-count',
    [...(expected.get('page-count') ?? []), ...unscanned.map((id) => `page-count.mismatch ${id}`)].sort(),
  );
  return { db, dir, expected };
}
