import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { BlobStore } from '../blob-store';
import { fsyncDirectory, isErrno, writeFileDurably } from '../durable-file';
import { blobPath, rowCounts, type BackupManifest } from './backup';

const Manifest = z.object({
  format: z.literal('dangan-backup-1'),
  createdAt: z.string(),
  schemaVersion: z.int().nonnegative(),
  rowCounts: z.record(z.string(), z.int().nonnegative()),
  blobs: z.object({ total: z.int(), copied: z.int(), sampled: z.int() }),
});

export interface RestoreResult {
  readonly dryRun: boolean;
  readonly manifest: BackupManifest;
  /** Blobs the backup's catalogue refers to that the data folder lacks (copied back unless dry run). */
  readonly blobsToCopy: number;
  /** Where the database that was replaced now lies (null in a dry run or when there was none). */
  readonly previous: string | null;
}

function refused(zh: string, en: string): DomainError {
  return new DomainError(
    'restore.refused',
    text(`不能从该备份恢复：${zh}`, `Cannot restore from this backup: ${en}`),
  );
}

/**
 * Puts a verified backup back into a data folder. The backup is checked again first (manifest, integrity,
 * row counts); the current database is kept beside it as `dangan.db.before-restore-<time>` (with its WAL),
 * never deleted; the restored file lands through temp file → fsync → rename. Blobs the restored catalogue
 * needs and the folder lacks are copied back from the backup's blob folder.
 * The workstation must not be running (its engine holds the database open).
 */
export function restoreDataDir(
  backupDir: string,
  dataDir: string,
  options: { dryRun?: boolean; now?: () => Date } = {},
): RestoreResult {
  const now = options.now ?? (() => new Date());
  let manifest: BackupManifest;
  try {
    manifest = Manifest.parse(JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')));
  } catch (e) {
    throw refused(
      '清单文件缺失或无效',
      `manifest.json missing or invalid (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const source = path.join(backupDir, 'dangan.db');
  const copy = new Database(source, { readonly: true, fileMustExist: true });
  let needed: string[];
  try {
    const integrity = copy.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok') refusedIntegrity(integrity);
    const counts = rowCounts(copy);
    const differ = Object.keys({ ...counts, ...manifest.rowCounts }).filter(
      (t) => counts[t] !== manifest.rowCounts[t],
    );
    if (differ.length > 0)
      throw refused(
        `行数与清单不符：${differ.join('、')}`,
        `row counts differ from the manifest: ${differ.join(', ')}`,
      );
    needed = copy.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_NOTADB') refusedIntegrity([e.message]);
    throw e;
  } finally {
    copy.close();
  }
  const blobs = new BlobStore(path.join(dataDir, 'blobs'));
  const backupBlobs = path.join(path.dirname(backupDir), 'blobs');
  const missing = needed.filter((d) => !blobs.has(d) && fs.existsSync(blobPath(backupBlobs, d)));
  if (options.dryRun ?? false) return { dryRun: true, manifest, blobsToCopy: missing.length, previous: null };

  for (const d of missing) blobs.put(fs.readFileSync(blobPath(backupBlobs, d)));
  const target = path.join(dataDir, 'dangan.db');
  const previous = `${target}.before-restore-${now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
  const temp = path.join(dataDir, '.dangan.db.restore');
  writeFileDurably(temp, fs.readFileSync(source));
  let moved: string | null = null;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      fs.renameSync(target + suffix, previous + suffix);
      if (suffix === '') moved = previous;
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }
  fs.renameSync(temp, target);
  fsyncDirectory(dataDir);
  return { dryRun: false, manifest, blobsToCopy: missing.length, previous: moved };
}

function refusedIntegrity(problems: readonly string[]): never {
  throw refused('备份数据库已损坏', `the backup database is damaged: ${problems.join('; ')}`);
}
