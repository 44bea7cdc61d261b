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
