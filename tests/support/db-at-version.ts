import type Database from 'better-sqlite3';
import path from 'node:path';
import { MIGRATIONS } from '../../db/migrations';
import { openDatabase } from '../../db/open';
import { tempDir } from './temp-dir';

/** A database file migrated to `version` exactly, for migration tests. */
export function dbAtVersion(version: number): { db: Database.Database; file: string } {
  const file = path.join(tempDir(), 'dangan.db');
  const { db } = openDatabase(file, { migrations: MIGRATIONS.slice(0, version) });
  return { db, file };
}

/** Reopens the file with every migration, as the program does after an upgrade. */
export function upgrade(file: string): Database.Database {
  return openDatabase(file).db;
}

/** The time every row of an older version's test data carries. */
export const THEN = '2026-01-01T00:00:00.000Z';

/**
 * Enterprise 1 and its volume 1 (uid u1, type SL) as an older version wrote them, in the bureau and
 * year of the volume's archive number; with `page`, page 1 of the volume on a blob of that digest.
 */
export function insertOldVolume(
  db: Database.Database,
  enterprise: { uscc?: string; regNo?: string; name: string },
  volume: { archiveNo: string; state: string },
  page?: { sha256: string; size: number; mediaType: string },
): void {
  const [bureau, year] = volume.archiveNo.split('-');
  db.prepare(
    'INSERT INTO enterprises (id, uscc, reg_no, name, bureau_code, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)',
  ).run(enterprise.uscc ?? null, enterprise.regNo ?? null, enterprise.name, bureau, THEN, THEN);
  db.prepare(
    "INSERT INTO volumes (id, uid, enterprise_id, archive_no, volume_type, year, bureau_code, state, created_at, updated_at) VALUES (1, 'u1', 1, ?, 'SL', ?, ?, ?, ?, ?)",
  ).run(volume.archiveNo, Number(year), bureau, volume.state, THEN, THEN);
  if (page === undefined) return;
  db.prepare('INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)').run(
    page.sha256,
    page.size,
    page.mediaType,
    THEN,
  );
  db.prepare('INSERT INTO pages (id, volume_id, seq, blob_sha256, captured_at) VALUES (1, 1, 1, ?, ?)').run(
    page.sha256,
    THEN,
  );
}
