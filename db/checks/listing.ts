import type { Database } from 'better-sqlite3';
import type { BlobInventory, StoragePart } from './inventory';

export interface ListingSync {
  /** Leaf folders read this run (the rest were unchanged since the last listing). */
  readonly listed: number;
  readonly parts: number;
  readonly mode: 'full' | 'incremental';
}

// Above this share of changed folders one set-wise pass over everything beats per-folder statements.
const FULL_SHARE = 0.125;
// A stamp that never matches: the folder changed too recently to trust its mtime (inventory.ts).
const UNSTABLE = '-';

/**
 * Brings the cached storage listing up to date and, from it, `blob_listing_diff`: where storage and
 * the blobs table disagree ('absent': a row, no file; 'orphan': a file, no row; 'size': both, sizes
 * differ). A leaf folder is read again only when its stamp changed, its blobs rows changed (the
 * triggers of migration 9 mark it dirty) or `full` is asked; the comparison is set-wise SQL over the
 * changed digest ranges. Stamps are kept per top folder, so an unchanged top folder costs one string
 * comparison. On a database without the cache tables (the store's) they are made as temp tables, which
 * amounts to a full listing every run.
 */
export function syncListing(db: Database, inventory: BlobInventory, full = false): ListingSync {
  const persistent = ensureTables(db);
  const cached = new Map(
    db.prepare('SELECT folder, stamps FROM blob_listing_parts').raw().all() as [string, string][],
  );
  const dirty = new Set(db.prepare('SELECT part FROM blob_listing_dirty').pluck().all() as string[]);
  const dirtyFolders = new Set([...dirty].map((p) => p.slice(0, 2)));

  const all: StoragePart[] = [];
  const changed: StoragePart[] = [];
  const gone: string[] = [];
  const folders = new Map<string, string>();
  const seenFolders = new Set<string>();
  let group: StoragePart[] = [];
  const closeGroup = () => {
    const members = group;
    group = [];
    const first = members[0];
    if (first === undefined) return;
    const folder = first.part.slice(0, 2);
    seenFolders.add(folder);
    const stamps = members.map((p) => `${p.part} ${p.stamp ?? UNSTABLE}`).join('\n');
    folders.set(folder, stamps);
    const before = cached.get(folder);
    const trusted = persistent && !full && !stamps.includes(` ${UNSTABLE}`);
    if (trusted && before === stamps && !dirtyFolders.has(folder)) return;
    const old = new Map(
      (before ?? '')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(' ') as [string, string]),
    );
    for (const p of members) {
      const was = old.get(p.part);
      old.delete(p.part);
      if (!persistent || full || p.stamp === null || was !== p.stamp || dirty.has(p.part)) changed.push(p);
    }
    gone.push(...old.keys());
  };
  for (const p of inventory.parts()) {
    all.push(p);
    if (group.length > 0 && group[0]?.part.slice(0, 2) !== p.part.slice(0, 2)) closeGroup();
    group.push(p);
  }
  closeGroup();
  // Top folders gone from storage, and blobs rows whose leaf folder does not exist.
  for (const [folder, stamps] of cached) {
    if (!seenFolders.has(folder)) gone.push(...stamps.split('\n').map((l) => l.split(' ')[0] ?? ''));
  }
  if (dirty.size > 0) {
    const present = new Set(all.map((p) => p.part));
    for (const part of dirty) if (!present.has(part) && !gone.includes(part)) gone.push(part);
  }

  const at = new Date().toISOString();
  // One statement per folder, its entries as one JSON array: a call per file would cost more than
  // SQLite's insert itself (a first listing is every file in storage).
  const putFolderEntries = db.prepare(
    "INSERT OR REPLACE INTO blob_listing (sha256, size) SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?)",
  );
  const putEntries = (part: string) => {
    const entries = [...inventory.list(part)].map((e) => [e.sha256, e.size]);
    if (entries.length > 0) putFolderEntries.run(JSON.stringify(entries));
  };
  const bulk = !persistent || changed.length + gone.length > all.length * FULL_SHARE;
  db.transaction(() => {
    if (bulk) {
      db.exec('DELETE FROM blob_listing; DELETE FROM blob_listing_diff');
      for (const p of all) putEntries(p.part);
      diff(db, null);
    } else {
      const clear = db.prepare('DELETE FROM blob_listing WHERE sha256 >= ? AND sha256 < ?');
      for (const p of changed) {
        clear.run(p.part, `${p.part}g`);
        putEntries(p.part);
        diff(db, p.part);
      }
      for (const part of gone) {
        clear.run(part, `${part}g`);
        diff(db, part);
      }
    }
    // Stamps are saved for the top folders that changed (or all, after a full listing).
    const putFolder = db.prepare(
      'INSERT OR REPLACE INTO blob_listing_parts (folder, stamps, listed_at) VALUES (?, ?, ?)',
    );
    for (const [folder, stamps] of folders)
      if (bulk || cached.get(folder) !== stamps) putFolder.run(folder, stamps, at);
    const dropFolder = db.prepare('DELETE FROM blob_listing_parts WHERE folder = ?');
    for (const folder of cached.keys()) if (!seenFolders.has(folder)) dropFolder.run(folder);
    db.exec('DELETE FROM blob_listing_dirty');
  })();
  return {
    listed: bulk ? all.length : changed.length,
    parts: all.length,
    mode: bulk ? 'full' : 'incremental',
  };
}

/** Recomputes the disagreements within one folder's digest range, or everywhere (null). */
function diff(db: Database, part: string | null): void {
  // Hex digests sort below 'g', so [part, part || 'g') is exactly the digests starting with part.
  const range = (col: string) => (part === null ? '1' : `${col} >= @lo AND ${col} < @hi`);
  const params = part === null ? {} : { lo: part, hi: `${part}g` };
  db.prepare(`DELETE FROM blob_listing_diff WHERE ${range('sha256')}`).run(params);
  db.prepare(
    `INSERT INTO blob_listing_diff (sha256, state, size, actual_size)
     SELECT b.sha256, CASE WHEN l.sha256 IS NULL THEN 'absent' ELSE 'size' END, b.size, l.size
     FROM blobs b LEFT JOIN blob_listing l ON l.sha256 = b.sha256
     WHERE ${range('b.sha256')} AND (l.sha256 IS NULL OR l.size <> b.size)`,
  ).run(params);
  db.prepare(
    `INSERT INTO blob_listing_diff (sha256, state, size, actual_size)
     SELECT l.sha256, 'orphan', NULL, l.size FROM blob_listing l
     WHERE ${range('l.sha256')} AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = l.sha256)`,
  ).run(params);
}

/** True when the database keeps the listing between runs (migration 9); otherwise temp tables. */
function ensureTables(db: Database): boolean {
  const persistent =
    db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'blob_listing'").get() !==
    undefined;
  if (persistent) return true;
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS blob_listing (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS blob_listing_parts (folder TEXT PRIMARY KEY, stamps TEXT NOT NULL, listed_at TEXT NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS blob_listing_diff (sha256 TEXT PRIMARY KEY, state TEXT NOT NULL, size INTEGER, actual_size INTEGER) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS blob_listing_dirty (part TEXT PRIMARY KEY) WITHOUT ROWID;
  `);
  return false;
}
