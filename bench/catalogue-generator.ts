import Database from 'better-sqlite3';
import type { CheckId } from '../core/checks/categories';
import { DEFAULT_PROVINCE } from '../core/bureaus';
import { usccCheckChar } from '../core/codes';
import type { BlobInventory, InventoryEntry } from '../db/checks/inventory';

/**
 * A synthetic catalogue at province scale, rows only (no image bytes): every enterprise has an opening
 * volume and two change volumes of 20 pages each, catalogued as two documents, with one blob row per page.
 * Built with set-based INSERT … SELECT over recursive counters, so 60 M pages take minutes, not hours.
 * Then `faults` of each planted kind are made in disjoint blocks of enterprises and volumes, and the
 * function returns how many findings each category must report.
 */
export interface GeneratedCatalogue {
  readonly enterprises: number;
  readonly volumes: number;
  readonly pages: number;
  readonly expected: Readonly<Record<CheckId, number>>;
  /**
   * Storage as the checks see it: every blob row except the ones planted as missing, in the blob
   * store's 65,536 leaf folders, each with an unchanging stamp (storage untouched between runs).
   */
  readonly inventory: BlobInventory;
  /** Drops the inventory's in-memory model of storage. */
  close(): void;
}

export const PAGES_PER_VOLUME = 20;
const VOLUMES_PER_ENTERPRISE = 3;

export function generateCatalogue(
  db: Database.Database,
  options: { pages: number; faults?: number },
): GeneratedCatalogue {
  const volumes = Math.max(1, Math.floor(options.pages / PAGES_PER_VOLUME));
  const enterprises = Math.max(1, Math.floor(volumes / VOLUMES_PER_ENTERPRISE));
  const v = enterprises * VOLUMES_PER_ENTERPRISE;
  const pages = v * PAGES_PER_VOLUME;
  const n = options.faults ?? 10;
  if (enterprises < 12 * n) throw new Error(`too small for ${n} faults of each kind: use more pages`);
  const t = '2026-01-01T00:00:00.000Z';
  // Digests spread over the leaf folders like real SHA-256 ones: 8 hex digits of a multiplicative
  // hash of the counter, then the counter itself (so they stay unique).
  db.function('bench_sha', { deterministic: true }, (i: unknown) => benchSha(Number(i)));
  db.function('bench_uscc', { deterministic: true }, (id: unknown) => {
    const body = `91350200${String(id).padStart(9, '0')}`;
    return body + usccCheckChar(body);
  });
  const bureaus = JSON.stringify(DEFAULT_PROVINCE.bureaus.map((b) => b.code));

  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO enterprises (id, uscc, name, bureau_code, created_at, updated_at)
       SELECT i, bench_uscc(i), '福建合成样本' || i || '号有限公司', json_extract(@bureaus, '$[' || (i % json_array_length(@bureaus)) || ']'), @t, @t FROM c`,
    ).run({ n: enterprises, bureaus, t });
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, declared_pages, state, created_at, updated_at)
       SELECT i, 'uid-' || i, (i + 2) / 3, e.bureau_code || '-' || (2000 + i % 20) || '-' || CASE i % 3 WHEN 1 THEN 'SL' ELSE 'BG' END || '-' || printf('%07d', i),
              CASE i % 3 WHEN 1 THEN 'SL' ELSE 'BG' END, 2000 + i % 20, e.bureau_code, ${PAGES_PER_VOLUME}, 'archived', @t, @t
       FROM c JOIN enterprises e ON e.id = (i + 2) / 3`,
    ).run({ n: v, t });
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO blobs (sha256, size, media_type, created_at) SELECT bench_sha(i), 150000, 'image/jpeg', @t FROM c`,
    ).run({ n: pages, t });
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO pages (id, volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at)
       SELECT i, (i - 1) / ${PAGES_PER_VOLUME} + 1, (i - 1) % ${PAGES_PER_VOLUME} + 1, bench_sha(i), 300, 300, @t FROM c`,
    ).run({ n: pages, t });
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at)
       SELECT i, 1, 'APP', '申请书', 1, 10, @t, @t FROM c
       UNION ALL SELECT i, 2, 'AOA', '章程', 11, ${PAGES_PER_VOLUME}, @t, @t FROM c`,
    ).run({ n: v, t });
  })();

  // Disjoint blocks: block k holds enterprises k*n+1 .. (k+1)*n and their volumes.
  const block = (k: number) => ({ lo: k * n + 1, hi: (k + 1) * n });
  const missing: string[] = [];
  db.transaction(() => {
    const run = (sql: string, k: number) => db.prepare(sql).run(block(k));
    run(
      `UPDATE volumes SET volume_type = 'BG' WHERE enterprise_id BETWEEN @lo AND @hi AND volume_type = 'SL'`,
      0,
    );
    run(`UPDATE volumes SET volume_type = 'SL' WHERE enterprise_id BETWEEN @lo AND @hi AND id % 3 = 2`, 1);
    run(`UPDATE volumes SET volume_type = 'ZX' WHERE enterprise_id BETWEEN @lo AND @hi AND id % 3 <> 1`, 2);
    run(`UPDATE volumes SET volume_type = 'QR' WHERE enterprise_id BETWEEN @lo AND @hi AND id % 3 = 0`, 3);
    // Volume-level faults on each block's opening volume (id = 3e - 2).
    const opening = `SELECT id FROM volumes WHERE enterprise_id BETWEEN @lo AND @hi AND id % 3 = 1`;
    for (const r of db
      .prepare(`SELECT blob_sha256 FROM pages WHERE seq = 5 AND volume_id IN (${opening})`)
      .pluck()
      .all(block(4)) as string[])
      missing.push(r);
    run(`UPDATE volumes SET declared_pages = ${PAGES_PER_VOLUME + 1} WHERE id IN (${opening})`, 5);
    run(
      `UPDATE pages SET seq = ${PAGES_PER_VOLUME + 2} WHERE seq = ${PAGES_PER_VOLUME} AND volume_id IN (${opening})`,
      6,
    );
    run(
      `UPDATE volumes SET archive_no = lower((SELECT o.archive_no FROM volumes o WHERE o.id = volumes.id + 1)) WHERE id IN (${opening})`,
      7,
    );
    run(`UPDATE pages SET dpi_x = 150 WHERE seq = 1 AND volume_id IN (${opening})`, 8);
    run(
      `INSERT INTO pages (volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at, deleted_at)
       SELECT id, ${PAGES_PER_VOLUME + 5}, bench_sha(id * ${PAGES_PER_VOLUME}), 300, 300, '2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z'
       FROM volumes WHERE id IN (${opening})`,
      9,
    );
    db.prepare(
      `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
       INSERT INTO blobs (sha256, size, media_type, created_at) SELECT bench_sha(@base + i), 1, 'image/jpeg', @t FROM c`,
    ).run({ n, base: pages + 1000, t });
  })();
  db.pragma('foreign_keys = OFF');
  db.prepare(
    `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n)
     INSERT INTO documents (volume_id, seq, type_code, title, first_page, last_page, created_at, updated_at)
     SELECT -i, 1, 'APP', '孤立', 1, 1, @t, @t FROM c`,
  ).run({ n, t });
  db.pragma('foreign_keys = ON');
  db.exec('ANALYZE');

  const gone = new Set(missing);
  // Storage is modelled by one read of the blobs table (through a second connection: the checks
  // write on the first meanwhile), grouped by leaf folder, the first time a folder is listed; a
  // per-folder query instead would cost far more than a directory listing does.
  let folders: Map<string, InventoryEntry[]> | undefined;
  const load = () => {
    const reader = new Database(db.name, { readonly: true });
    const byPart = new Map<string, InventoryEntry[]>();
    try {
      const rows = reader.prepare('SELECT sha256, size FROM blobs').raw().iterate() as Iterable<
        [string, number]
      >;
      for (const [sha256, size] of rows) {
        if (gone.has(sha256)) continue;
        const part = sha256.slice(0, 4);
        const list = byPart.get(part);
        if (list) list.push({ sha256, size });
        else byPart.set(part, [{ sha256, size }]);
      }
    } finally {
      reader.close();
    }
    return byPart;
  };
  const inventory: BlobInventory = {
    *parts() {
      for (let k = 0; k < 65_536; k++) yield { part: k.toString(16).padStart(4, '0'), stamp: '1' };
    },
    list(part) {
      folders ??= load();
      return (folders.get(part) ?? []).sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
    },
  };
  return {
    close: () => {
      folders = undefined;
    },
    enterprises,
    volumes: v,
    pages,
    inventory,
    expected: {
      'deleted-upstream': 0,
      'no-opening': n,
      'multi-opening': n,
      'multi-cancel': n,
      'image-missing': n,
      'image-redundant': n,
      'image-wrong': n,
      'index-error': n, // the lower-case 档号 of the dup-archive-no block
      'dup-archive-no': n,
      'page-error': 2 * n, // each gap volume's moved last page is also in no document
      'page-count': n,
      'dup-enterprise': 0,
      'pending-merge': n,
      'redundant-data': 2 * n,
    },
  };
}

export function benchSha(i: number): string {
  return (Math.imul(i, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0') + i.toString(16).padStart(56, '0');
}

/**
 * The same catalogue in an archive store's database (`store` at store migration 1, the caller upgrades
 * it): every volume received once (one version), pages with their dpi in meta, each version's
 * catalogue blob being its first page's image. Set-wise copies from the workstation file. Faults the
 * store cannot hold are left out: soft-deleted pages (so redundant-data finds only the orphan
 * documents). Returns what each category must report there.
 */
export function copyToStore(
  generated: GeneratedCatalogue,
  workstationFile: string,
  store: Database.Database,
): Readonly<Record<CheckId, number>> {
  const t = '2026-01-01T00:00:00.000Z';
  store.prepare('ATTACH DATABASE ? AS ws').run(workstationFile);
  try {
    store.transaction(() => {
      const bureau = store.prepare('INSERT OR IGNORE INTO bureaus (code, name, created_at) VALUES (?, ?, ?)');
      for (const b of DEFAULT_PROVINCE.bureaus) bureau.run(b.code, b.name, t);
      store.exec(`
        INSERT INTO enterprises (id, uscc, reg_no, name, bureau_code, created_at, updated_at)
          SELECT id, uscc, reg_no, name, bureau_code, created_at, updated_at FROM ws.enterprises;
        INSERT INTO blobs (sha256, size, created_at) SELECT sha256, size, created_at FROM ws.blobs;
        INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code,
            current_version, created_at, updated_at)
          SELECT id, uid, enterprise_id, archive_no, volume_type, year, registration_date, bureau_code, 1, created_at, updated_at
          FROM ws.volumes;
        INSERT INTO volume_versions (id, volume_id, version, manifest_sha256, declared_pages, payload_oxum, bag_info,
            tag_files, catalogue_sha256, client_id, via, created_at)
          SELECT v.id, v.id, 1, printf('%064x', v.id), v.declared_pages, '0.0', '{}', '{}',
                 (SELECT p.blob_sha256 FROM ws.pages p WHERE p.volume_id = v.id AND p.seq = 1 AND p.deleted_at IS NULL), 'bench', 'offline', v.created_at
          FROM ws.volumes v;
        INSERT INTO pages (id, version_id, seq, file, blob_sha256, media_type, meta)
          SELECT id, volume_id, seq, 'data/' || seq || '.jpg', blob_sha256, 'image/jpeg', json_object('dpiX', dpi_x, 'dpiY', dpi_y)
          FROM ws.pages WHERE deleted_at IS NULL;
      `);
    })();
    store.pragma('foreign_keys = OFF');
    store.exec(`
      INSERT INTO documents (id, version_id, seq, type_code, title, doc_date, responsible, first_page, last_page)
        SELECT id, volume_id, seq, type_code, title, doc_date, responsible, first_page, last_page FROM ws.documents;
    `);
    store.pragma('foreign_keys = ON');
  } finally {
    store.exec('DETACH DATABASE ws');
  }
  const n = generated.expected['redundant-data'] / 2;
  return { ...generated.expected, 'redundant-data': n };
}
