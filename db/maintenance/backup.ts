import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { BlobStore } from '../blob-store';
import { sha256Hex } from '../digest';
import { fsyncDirectory, isErrno, mkdirDurably, writeFileDurably } from '../durable-file';
import { pick } from '../health';
import type { Db } from '../open';
import { lostImages, type LostImage } from './image-uses';

/**
 * Backups of a data folder: the database through SQLite's online backup API, the blobs copied
 * incrementally into a shared content-addressed folder beside the backups (each blob is copied once,
 * ever). A backup counts only once it is verified: the copy is opened, integrity-checked, its row counts
 * compared with the snapshot it was taken of, every blob looked for and a sample re-hashed, and only then
 * is it renamed durably to its final name. Older verified backups beyond `keep` are removed.
 *
 * The copy is taken from a connection of its own holding one read transaction for the whole copy: a
 * fixed snapshot (WAL), so writers — the running app included — go on, the backup never restarts
 * because of them, and the row counts it is checked against are exactly the copy's.
 *
 * Layout: <to>/blobs/sha256/ab/cd/<digest>, <to>/dangan-<UTC time>/{dangan.db, manifest.json}. While a
 * backup runs it lives in <to>/.dangan-<time>.partial/ and <to>/.dangan-backup.lock is held; a backup
 * killed half-way leaves only a `.partial` folder, which is never listed, refused by restore and removed
 * by the next backup.
 */

export interface BackupProgress {
  readonly phase: 'database' | 'blobs' | 'verify';
  readonly done: number;
  readonly total: number;
}

export interface BackupOptions {
  /** Verified backups to keep (oldest removed first). */
  readonly keep?: number;
  /** Blobs to re-hash in the copy (random sample); 'all' for every one. */
  readonly blobSample?: number | 'all';
  readonly now?: () => Date;
  readonly onProgress?: (p: BackupProgress) => void;
  /** Database pages copied per step (between steps the event loop turns; default 4096 = 16 MiB). */
  readonly pagesPerStep?: number;
  /** A store's folder (STORE_LAYOUT) or, by default, a workstation's. */
  readonly layout?: BackupLayout;
  /** Test seam: runs after everything is copied and before it is verified (tests damage the copy here). */
  readonly beforeVerify?: (copy: { readonly database: string; readonly blobRoot: string }) => void;
}

/** What differs between the folders backed up: the database's name and the files that go with it. */
export interface BackupLayout {
  readonly kind: 'workstation' | 'store';
  readonly dbFile: string;
  /** Files of the data folder (relative paths) copied and verified with the database when present. */
  readonly files: readonly string[];
}

export const WORKSTATION_LAYOUT: BackupLayout = { kind: 'workstation', dbFile: 'dangan.db', files: [] };

/**
 * A store: `store.db`, its settings and its receipt-signing key (a store restored with another key
 * would sign receipts its workstations do not trust). `uploads/` holds unfinished transfers only:
 * the workstation sends them again.
 */
export const STORE_LAYOUT: BackupLayout = {
  kind: 'store',
  dbFile: 'store.db',
  files: ['store.json', 'keys/receipt-key.pem'],
};

export interface BackupManifest {
  readonly format: 'dangan-backup-1';
  /** Absent (a workstation) in backups made before stores were backed up. */
  readonly kind: BackupLayout['kind'];
  /** The layout's files as copied, each with its SHA-256. */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly createdAt: string;
  readonly schemaVersion: number;
  readonly rowCounts: Readonly<Record<string, number>>;
  /** `unreadable`: blobs missing or corrupt at the source, so not in the backup (the checks report them). */
  readonly blobs: {
    readonly total: number;
    readonly copied: number;
    readonly sampled: number;
    readonly unreadable: number;
  };
  /**
   * Each image the backup does not hold because it was missing or damaged here, with the pages using
   * it: a backup with any is complete only for the rest, and says so (absent before it was listed).
   */
  readonly notBackedUp: readonly LostImage[];
}

export interface BackupResult {
  readonly dir: string;
  /** The backup folder did not exist and was made (its parent had to exist). */
  readonly created: boolean;
  readonly manifest: BackupManifest;
  readonly removed: readonly string[];
}

const PREFIX = 'dangan-';
const LOCK_FILE = '.dangan-backup.lock';
const PARTIAL = /^\.dangan-.*\.partial$/;

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

/** Names that differ between two row-count maps (a table missing on one side counts). */
export function countsDiffer(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): string[] {
  return Object.keys({ ...a, ...b }).filter((t) => a[t] !== b[t]);
}

export function backupStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

interface Snapshot {
  readonly counts: Record<string, number>;
  readonly blobs: readonly { readonly sha256: string; readonly size: number }[];
}

/** The database copied from one read transaction of a connection of its own (see the file's comment). */
async function copyDatabase(db: Db, copyFile: string, options: BackupOptions): Promise<Snapshot> {
  const src = new Database(db.name, { fileMustExist: true });
  try {
    src.pragma('query_only = ON');
    src.pragma('busy_timeout = 5000');
    src.exec('BEGIN');
    // The first read starts the transaction: these counts and this list are of the snapshot copied.
    const counts = rowCounts(src);
    const blobs = src.prepare('SELECT sha256, size FROM blobs ORDER BY sha256').all() as Snapshot['blobs'];
    const step = options.pagesPerStep ?? 4096;
    await src.backup(copyFile, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ phase: 'database', done: totalPages - remainingPages, total: totalPages });
        return step;
      },
    });
    src.exec('COMMIT');
    return { counts, blobs };
  } finally {
    src.close();
  }
}

/** Refuses a second backup into the same folder while one runs (an OS lock: a killed run drops it). */
function lockBackupFolder(to: string): () => void {
  const lock = new Database(path.join(to, LOCK_FILE), { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    lock.close();
    if (e instanceof Error && 'code' in e && e.code === 'SQLITE_BUSY') {
      throw new DomainError(
        'backup.busy',
        text(
          `另一个备份正在写入 ${to}，请等它完成后再试`,
          `Another backup is being written to ${to}; try again when it ends`,
        ),
        { dir: to },
      );
    }
    throw e;
  }
  return () => lock.close();
}

export async function backupDataDir(
  db: Db,
  blobs: BlobStore,
  to: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  const created = prepareTarget(db, to);
  const unlock = lockBackupFolder(to);
  try {
    // Holding the lock, any partial folder is a killed run's: never a backup, so removed.
    for (const n of fs.readdirSync(to)) if (PARTIAL.test(n)) fs.rmSync(path.join(to, n), { recursive: true });
    const name = `${PREFIX}${backupStamp(now())}`;
    const finalDir = path.join(to, name);
    if (fs.existsSync(finalDir))
      throw backupFailed('同名备份已存在', `a backup named ${name} exists`, { dir: finalDir });
    const work = path.join(to, `.${name}.partial`);
    mkdirDurably(work);
    try {
      const layout = options.layout ?? WORKSTATION_LAYOUT;
      const copyFile = path.join(work, layout.dbFile);
      const snapshot = await copyDatabase(db, copyFile, options);
      const files = copyFiles(path.dirname(db.name), work, layout);
      const blobRoot = path.join(to, 'blobs');
      const copiedBlobs = await copyBlobs(blobs, blobRoot, snapshot.blobs, options);
      options.beforeVerify?.({ database: copyFile, blobRoot });
      const verified = verifyCopy(copyFile, blobRoot, snapshot, copiedBlobs, options, now());
      const manifest: BackupManifest = { kind: layout.kind, files, ...verified };
      verifyFiles(work, files);
      writeFileDurably(path.join(work, 'manifest.json'), Buffer.from(JSON.stringify(manifest, null, 2)));
      fs.renameSync(work, finalDir);
      fsyncDirectory(to);
      return { dir: finalDir, created, manifest, removed: rotate(to, options.keep ?? 7) };
    } catch (e) {
      fs.rmSync(work, { recursive: true, force: true });
      throw e;
    }
  } finally {
    unlock();
  }
}

function folderRefused(to: string, zh: string, en: string): DomainError {
  return new DomainError(
    'backup.folder',
    text(
      `不能备份到 ${to}：${zh}；当前数据未受影响`,
      `Cannot back up to ${to}: ${en}; the data is untouched`,
    ),
    { to },
  );
}

const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/**
 * The backup folder, checked before anything is written. Inside the data folder is refused (a backup
 * in the live image store or beside the database dies with the disk, and would be mixed with it). A
 * missing folder is made only when its parent exists: a mistyped or unplugged drive (E:\备份, or
 * /media/usb/备份 with nothing mounted) is refused rather than quietly made on the local disk; a new
 * folder on an existing drive is made, and the result says so. True when it was made.
 */
function prepareTarget(db: Db, to: string): boolean {
  const target = path.resolve(to);
  const dataDir = fs.realpathSync(path.dirname(db.name));
  const parent = path.dirname(target);
  const real = isDir(target)
    ? fs.realpathSync(target)
    : isDir(parent)
      ? path.join(fs.realpathSync(parent), path.basename(target))
      : target;
  if (real === dataDir || real.startsWith(dataDir + path.sep))
    throw folderRefused(
      to,
      `它在数据目录 ${dataDir} 之内，请选另一块磁盘（如移动硬盘）上的文件夹`,
      `it is inside the data folder ${dataDir}; choose a folder on another disk (a USB drive, say)`,
    );
  if (isDir(target)) return false;
  if (fs.existsSync(target)) throw folderRefused(to, '这不是文件夹', 'it is not a folder');
  if (fs.existsSync(parent) && !isDir(parent))
    throw folderRefused(to, `${parent} 不是文件夹`, `${parent} is not a folder`);
  if (!isDir(parent))
    throw folderRefused(
      to,
      `上一级文件夹 ${parent} 不存在（移动硬盘未连接或路径写错？）`,
      `its parent folder ${parent} does not exist (a drive not plugged in, or a typo?)`,
    );
  mkdirDurably(target);
  return true;
}

/**
 * Blobs of the snapshot, copied once into the shared folder (content-addressed, so a file present under
 * its digest and of the right size is the same file). Missing or corrupt at the source: not copied, and
 * counted (the checks report them); otherwise one damaged image would make every backup fail.
 */
async function copyBlobs(
  blobs: BlobStore,
  blobRoot: string,
  list: Snapshot['blobs'],
  options: BackupOptions,
): Promise<{ copied: number; unreadable: ReadonlyMap<string, LostImage['problem']> }> {
  let copied = 0;
  const unreadable = new Map<string, LostImage['problem']>();
  for (const [i, b] of list.entries()) {
    if (i % 64 === 0) {
      options.onProgress?.({ phase: 'blobs', done: i, total: list.length });
      await yieldToEvents(); // a first backup of terabytes takes hours: the app goes on meanwhile
    }
    const target = blobPath(blobRoot, b.sha256);
    if (sizeOf(target) === b.size) continue;
    let bytes: Buffer;
    try {
      bytes = blobs.read(b.sha256); // refuses corrupt bytes: a backup never copies damage
    } catch {
      unreadable.set(b.sha256, blobs.has(b.sha256) ? 'corrupt' : 'missing');
      continue;
    }
    mkdirDurably(path.dirname(target));
    writeFileDurably(target, bytes);
    copied++;
  }
  options.onProgress?.({ phase: 'blobs', done: list.length, total: list.length });
  return { copied, unreadable };
}

/** Opens the copy and checks it against the snapshot; throws `backup.unverified` on any difference. */
function verifyCopy(
  copyFile: string,
  blobRoot: string,
  snapshot: Snapshot,
  { copied, unreadable }: { copied: number; unreadable: ReadonlyMap<string, LostImage['problem']> },
  options: BackupOptions,
  createdAt: Date,
): Omit<BackupManifest, 'kind' | 'files'> {
  options.onProgress?.({ phase: 'verify', done: 0, total: 1 });
  let copy: Database.Database | undefined;
  try {
    copy = new Database(copyFile, { readonly: true, fileMustExist: true });
    const integrity = copy.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      throw backupFailed(
        '副本完整性检查失败',
        `integrity_check of the copy: ${integrity.slice(0, 5).join('; ')}`,
      );
    }
    const counts = rowCounts(copy);
    const differ = countsDiffer(counts, snapshot.counts);
    if (differ.length > 0) {
      throw backupFailed(
        `行数与源库不符：${differ.join('、')}`,
        `row counts differ from the source: ${differ.join(', ')}`,
        { tables: differ },
      );
    }
    const readable = snapshot.blobs.filter((b) => !unreadable.has(b.sha256));
    // Present in full: files land by rename (durable-file.ts), never torn; the sample checks contents.
    const absent = readable.find((b) => sizeOf(blobPath(blobRoot, b.sha256)) === undefined);
    if (absent !== undefined) {
      throw backupFailed(`图像 ${absent.sha256} 不在备份中`, `blob ${absent.sha256} is not in the backup`);
    }
    const sample = pick(readable, options.blobSample ?? 50);
    for (const b of sample) {
      const file = blobPath(blobRoot, b.sha256);
      if (sha256Hex(fs.readFileSync(file)) !== b.sha256) {
        // Removed, so that the next backup copies it again (older backups share it: they are mended too).
        fs.rmSync(file);
        throw backupFailed(
          `备份中的图像 ${b.sha256} 摘要不符（已移除，请重新备份）`,
          `blob ${b.sha256} in the backup does not match its digest (removed: back up again)`,
        );
      }
    }
    options.onProgress?.({ phase: 'verify', done: 1, total: 1 });
    return {
      format: 'dangan-backup-1',
      createdAt: createdAt.toISOString(),
      schemaVersion: Number(copy.pragma('user_version', { simple: true })),
      rowCounts: counts,
      blobs: { total: snapshot.blobs.length, copied, sampled: sample.length, unreadable: unreadable.size },
      notBackedUp: lostImages(copy, unreadable),
    };
  } catch (e) {
    // A copy damaged past SQLite's own checks (its header, say) ends the same way.
    if (e instanceof Error && 'code' in e && /^SQLITE_(NOTADB|CORRUPT)/.test(String(e.code)))
      throw backupFailed('副本已损坏', `the copy is damaged: ${e.message}`);
    throw e;
  } finally {
    copy?.close();
  }
}

/** The layout's files present in `from`, copied durably into `to` under the same relative paths. */
export function copyFiles(from: string, to: string, layout: BackupLayout): BackupManifest['files'] {
  return layout.files.flatMap((rel) => {
    const source = path.join(from, rel);
    if (!fs.existsSync(source)) return [];
    const bytes = fs.readFileSync(source);
    mkdirDurably(path.dirname(path.join(to, rel)));
    writeFileDurably(path.join(to, rel), bytes);
    fs.chmodSync(path.join(to, rel), fs.statSync(source).mode & 0o777); // the key stays 0600
    return [{ path: rel, sha256: sha256Hex(bytes) }];
  });
}

/** Each copied file re-read and re-hashed; throws `backup.unverified` on a difference. */
function verifyFiles(dir: string, files: BackupManifest['files']): void {
  for (const f of files) {
    const file = path.join(dir, f.path);
    if (sizeOf(file) === undefined || sha256Hex(fs.readFileSync(file)) !== f.sha256)
      throw backupFailed(`文件 ${f.path} 的副本不符`, `the copy of ${f.path} does not match`);
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

/** True for the folder of a backup that never finished (restore refuses it). */
export function isPartialBackup(dir: string): boolean {
  return PARTIAL.test(path.basename(path.resolve(dir)));
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
