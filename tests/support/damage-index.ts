import fs from 'node:fs';
import type { Db } from '../../db/open';

/**
 * Damages a database file the way integrity_check finds and nothing else trips over: the root page of
 * an index on `table` (a leaf, in a small database) is overwritten with an empty leaf, so the table's
 * rows are no longer all indexed while the table itself still reads. Closes `db` first.
 */
export function emptyAnIndexOf(db: Db, table: string): string {
  const file = db.name;
  const size = Number(db.pragma('page_size', { simple: true }));
  const root = db
    .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = ? LIMIT 1")
    .pluck()
    .get(table) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const fd = fs.openSync(file, 'r+');
  const empty = Buffer.alloc(size);
  empty[0] = 0x0a; // leaf index b-tree page, no cells
  empty.writeUInt16BE(size, 5); // cell content starts at the end: nothing there
  fs.writeSync(fd, empty, 0, size, (root - 1) * size);
  fs.closeSync(fd);
  return file;
}
