import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { BlobStore } from '../blob-store';
import { sha256Hex } from '../digest';
import { fsyncDirectory, isErrno, mkdirDurably, writeFileDurably } from '../durable-file';
import type { Db } from '../open';

/**
 * Backups of a data folder: the database through SQLite's online backup API (a consistent snapshot
 * while the workstation runs), the blobs copied incrementally into a shared content-addressed folder
 * beside the backups (each blob is copied once, ever). A backup counts only once it is verified: the
 * copy is opened, integrity-checked, its row counts compared, a sample of its blobs re-hashed, and only
 * then renamed durably to its final name. Older verified backups beyond `keep` are removed.
 *
 * Layout: <to>/blobs/sha256/ab/cd/<digest>, <to>/dangan-<UTC time>/{dangan.db, manifest.json}.
 */

export interface BackupOptions {
  /** Verified backups to keep (oldest removed first). */
  readonly keep?: number;
  /** Blobs to re-hash in the copy (random sample); 'all' for every one. */
  readonly blobSample?: number | 'all';
  readonly now?: () => Date;
}

export interface BackupManifest {
  readonly format: 'dangan-backup-1';
  readonly createdAt: string;
  readonly schemaVersion: number;
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly blobs: { readonly total: number; readonly copied: number; readonly sampled: number };
}

export interface BackupResult {
  readonly dir: string;
  readonly manifest: BackupManifest;
  readonly removed: readonly string[];
}

const PREFIX = 'dangan-';

function backupFailed(zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(
    'backup.unverified',
    text(`备份未通过校验：${zh}`, `Backup failed verification: ${en}`),
    details,
  );
}

export function rowCounts(db: Db): Record<string, number> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      db
        .prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number,
    ]),
  );
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export async function backupDataDir(
  db: Db,
  blobs: BlobStore,
  to: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  mkdirDurably(to);
  const name = `${PREFIX}${stamp(now())}`;
  const finalDir = path.join(to, name);
  if (fs.existsSync(finalDir))
    throw backupFailed('同名备份已存在', `a backup named ${name} exists`, { dir: finalDir });
  const work = path.join(to, `.${name}.partial`);
  fs.rmSync(work, { recursive: true, force: true });
  mkdirDurably(work);
  try {
    // data_version moves when another connection commits: then counts may legitimately differ.
    const versionBefore = Number(db.pragma('data_version', { simple: true }));
    const countsBefore = rowCounts(db);
    const copyFile = path.join(work, 'dangan.db');
    await db.backup(copyFile);
    const quiet = Number(db.pragma('data_version', { simple: true })) === versionBefore;

    // Blobs the catalogue refers to, copied once into the shared folder (content-addressed, so a
    // file present under its digest and of the right size is the same file).
    const blobRoot = path.join(to, 'blobs');
    const copy = new Database(copyFile, { readonly: true, fileMustExist: true });
    let manifest: BackupManifest;
    try {
      const integrity = copy.prepare('PRAGMA integrity_check').pluck().all() as string[];
      if (integrity.length !== 1 || integrity[0] !== 'ok') {
        throw backupFailed('副本完整性检查失败', `integrity_check of the copy: ${integrity.join('; ')}`);
      }
      const counts = rowCounts(copy);
      const differ = Object.keys({ ...counts, ...countsBefore }).filter((t) =>
        quiet ? counts[t] !== countsBefore[t] : counts[t] === undefined,
      );
      if (differ.length > 0) {
        throw backupFailed(
          `行数与源库不符：${differ.join('、')}`,
          `row counts differ from the source: ${differ.join(', ')}`,
          {
            tables: differ,
          },
        );
      }
      const digests = copy.prepare('SELECT sha256, size FROM blobs ORDER BY sha256').all() as {
        sha256: string;
        size: number;
      }[];
      let copied = 0;
      // Missing or corrupt at the source: not copied, so not looked for in the copy either (the data
      // checks report them); otherwise one damaged image would make every backup fail.
      const unreadable = new Set<string>();
      for (const b of digests) {
        const target = blobPath(blobRoot, b.sha256);
        if (sizeOf(target) === b.size) continue;
        let bytes: Buffer;
        try {
          bytes = blobs.read(b.sha256); // refuses corrupt bytes: a backup never copies damage
        } catch {
          unreadable.add(b.sha256);
          continue;
        }
        mkdirDurably(path.dirname(target));
        writeFileDurably(target, bytes);
        copied++;
      }
      const sample = pick(digests, options.blobSample ?? 50);
      for (const b of sample) {
        if (unreadable.has(b.sha256) || !blobs.has(b.sha256)) continue; // not in the source either
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(blobPath(blobRoot, b.sha256));
        } catch (e) {
          if (isErrno(e, 'ENOENT'))
            throw backupFailed(`图像 ${b.sha256} 不在备份中`, `blob ${b.sha256} is not in the backup`);
          throw e;
        }
        if (sha256Hex(bytes) !== b.sha256) {
          throw backupFailed(
            `备份中的图像 ${b.sha256} 摘要不符`,
            `blob ${b.sha256} in the backup does not match its digest`,
          );
        }
      }
      manifest = {
        format: 'dangan-backup-1',
        createdAt: now().toISOString(),
        schemaVersion: Number(copy.pragma('user_version', { simple: true })),
        rowCounts: counts,
        blobs: { total: digests.length, copied, sampled: sample.length },
      };
    } finally {
      copy.close();
    }
    writeFileDurably(path.join(work, 'manifest.json'), Buffer.from(JSON.stringify(manifest, null, 2)));
    fs.renameSync(work, finalDir);
    fsyncDirectory(to);
    return { dir: finalDir, manifest, removed: rotate(to, options.keep ?? 7) };
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

/** Complete backups in `to`, oldest first. Partial ones (a crash mid-backup) are never listed. */
export function listBackups(to: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(to);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
  return names
    .filter((n) => n.startsWith(PREFIX) && fs.existsSync(path.join(to, n, 'manifest.json')))
    .sort()
    .map((n) => path.join(to, n));
}

function rotate(to: string, keep: number): string[] {
  const all = listBackups(to);
  const old = all.slice(0, Math.max(0, all.length - Math.max(1, keep)));
  for (const dir of old) fs.rmSync(dir, { recursive: true, force: true });
  if (old.length > 0) fsyncDirectory(to);
  return old;
}

export function blobPath(root: string, sha256: string): string {
  return path.join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

function pick<T>(items: readonly T[], n: number | 'all'): T[] {
  if (n === 'all' || n >= items.length) return [...items];
  const copy = [...items];
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(copy.length - i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}
