import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { BlobStore } from '../blob-store';
import { fsyncDirectory, isErrno, writeFileDurably } from '../durable-file';
import { sha256Hex } from '../digest';
import { MIGRATIONS } from '../migrations';
import { STORE_MIGRATIONS } from '../store/migrations';
import {
  WORKSTATION_LAYOUT,
  type BackupLayout,
  backupStamp,
  blobPath,
  countsDiffer,
  isPartialBackup,
  listBackups,
  rowCounts,
  type BackupManifest,
} from './backup';
import { lostImages, type LostImage } from './image-uses';

/**
 * Per kind of folder: the newest database version this program knows, tables its database has from
 * its first version on and the column that tells its `pages` apart (each lacks the other's).
 */
const DATABASES = {
  workstation: {
    latest: MIGRATIONS.at(-1)?.version ?? 0,
    tables: ['audit_log', 'blobs', 'pages', 'volumes'],
    pagesColumn: 'volume_id',
    name: text('工作站', 'workstation'),
  },
  store: {
    latest: STORE_MIGRATIONS.at(-1)?.version ?? 0,
    tables: ['audit_log', 'blobs', 'pages', 'volume_versions', 'receipts'],
    pagesColumn: 'version_id',
    name: text('档案库', 'store'),
  },
} as const;

const Manifest = z.object({
  format: z.literal('dangan-backup-1'),
  kind: z.enum(['workstation', 'store']).default('workstation'),
  files: z.array(z.object({ path: z.string(), sha256: z.string() })).default([]),
  createdAt: z.string(),
  schemaVersion: z.int().nonnegative(),
  rowCounts: z.record(z.string(), z.int().nonnegative()),
  blobs: z.object({
    total: z.int(),
    copied: z.int(),
    sampled: z.int(),
    unreadable: z.int().default(0), // absent from backups made before it was counted
  }),
  notBackedUp: z
    .array(
      z.object({
        sha256: z.string(),
        problem: z.enum(['missing', 'corrupt']),
        pages: z.array(
          z.object({
            archiveNo: z.string().nullable(),
            seq: z.int(),
            use: z.enum(['original', 'master', 'thumbnail', 'transform']),
            deleted: z.boolean(),
          }),
        ),
        pageCount: z.int(),
      }),
    )
    .default([]), // absent from backups made before they were named
});

export interface RestoreResult {
  readonly dryRun: boolean;
  readonly manifest: BackupManifest;
  /** Blobs the backup's catalogue refers to that the data folder lacks (copied back unless dry run). */
  readonly blobsToCopy: number;
  /**
   * Images the restored catalogue uses that neither the backup nor this folder holds intact: a restore
   * cannot bring them back (rescan those pages). `problem` is their state in this folder.
   */
  readonly lost: readonly LostImage[];
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
  options: { dryRun?: boolean; now?: () => Date; layout?: BackupLayout } = {},
): RestoreResult {
  const now = options.now ?? (() => new Date());
  const layout = options.layout ?? WORKSTATION_LAYOUT;
  if (isPartialBackup(backupDir))
    throw refused(
      '这是未完成的备份（备份时被中断），不是可用的备份',
      'this backup never finished (it was interrupted)',
    );
  refuseBackupFolder(backupDir);
  let manifest: BackupManifest;
  try {
    manifest = Manifest.parse(JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')));
  } catch (e) {
    throw refused(
      '清单文件缺失或无效',
      `manifest.json missing or invalid (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const blobs = new BlobStore(path.join(dataDir, 'blobs'));
  const backupBlobs = path.join(path.dirname(backupDir), 'blobs');
  if (manifest.kind !== layout.kind) {
    const [made, into] = [DATABASES[manifest.kind].name, DATABASES[layout.kind].name];
    throw refused(
      `这是${made.zh}的备份，不能恢复为${into.zh}数据（${manifest.kind === 'store' ? '请用 --store-data' : '请用 --data'}）`,
      `it is a ${made.en}'s backup and cannot be restored as a ${into.en}'s data (${manifest.kind === 'store' ? 'use --store-data' : 'use --data'})`,
    );
  }
  const files = manifest.files.map((f) => {
    const file = path.join(backupDir, f.path);
    return { ...f, bytes: fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0) };
  });
  // A missing file fails its digest; a path outside the layout (a hand-made manifest) is never written.
  const changed = files.find((f) => !layout.files.includes(f.path) || sha256Hex(f.bytes) !== f.sha256);
  if (changed)
    throw refused(`文件 ${changed.path} 与清单不符`, `${changed.path} does not match the manifest`);
  const source = path.join(backupDir, layout.dbFile);
  const copy = new Database(source, { readonly: true, fileMustExist: true });
  let needed: string[];
  let lost: LostImage[];
  try {
    const integrity = copy.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (integrity.length !== 1 || integrity[0] !== 'ok') refusedIntegrity(integrity);
    refuseForeign(copy, manifest, layout);
    const differ = countsDiffer(rowCounts(copy), manifest.rowCounts);
    if (differ.length > 0)
      throw refused(
        `行数与清单不符：${differ.join('、')}`,
        `row counts differ from the manifest: ${differ.join(', ')}`,
      );
    needed = copy.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
    lost = lostImages(copy, beyondReach(needed, blobs, backupBlobs));
  } catch (e) {
    if (e instanceof Error && 'code' in e && /^SQLITE_(NOTADB|CORRUPT)/.test(String(e.code)))
      refusedIntegrity([e.message]);
    throw e;
  } finally {
    copy.close();
  }
  const lostHere = new Set(lost.map((i) => i.sha256));
  const missing = needed.filter(
    (d) => !lostHere.has(d) && !blobs.has(d) && fs.existsSync(blobPath(backupBlobs, d)),
  );
  if (options.dryRun ?? false)
    return { dryRun: true, manifest, blobsToCopy: missing.length, lost, previous: null };

  // Each copied image is checked: a file damaged in the backup never lands under another digest; it is
  // left out and named, as one the backup lacks (the rest of the restore goes on).
  const damaged = new Map<string, LostImage['problem']>();
  for (const d of missing) {
    const bytes = fs.readFileSync(blobPath(backupBlobs, d));
    if (sha256Hex(bytes) === d) blobs.put(bytes);
    else damaged.set(d, 'missing');
  }
  if (damaged.size > 0) {
    const named = new Database(source, { readonly: true, fileMustExist: true });
    try {
      lost = [...lost, ...lostImages(named, damaged)];
    } finally {
      named.close();
    }
  }
  const stamp = backupStamp(now());
  // The layout's files (a store's settings and key): the one there before is kept beside it.
  for (const f of files) {
    const file = path.join(dataDir, f.path);
    if (fs.existsSync(file) && sha256Hex(fs.readFileSync(file)) === f.sha256) continue;
    if (fs.existsSync(file)) fs.renameSync(file, `${file}.before-restore-${stamp}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileDurably(file, f.bytes);
    fs.chmodSync(file, fs.statSync(path.join(backupDir, f.path)).mode & 0o777);
  }
  const target = path.join(dataDir, layout.dbFile);
  const previous = `${target}.before-restore-${stamp}`;
  const temp = path.join(dataDir, `.${layout.dbFile}.restore`);
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
  return { dryRun: false, manifest, blobsToCopy: missing.length - damaged.size, lost, previous: moved };
}

/**
 * Images the backup lacks and this folder has no intact copy of. Only images the backup lacks are
 * re-hashed here (few; normally none), so a restore of terabytes does not read them all.
 */
function beyondReach(
  needed: readonly string[],
  blobs: BlobStore,
  backupBlobs: string,
): Map<string, LostImage['problem']> {
  const out = new Map<string, LostImage['problem']>();
  for (const d of needed) {
    if (fs.existsSync(blobPath(backupBlobs, d))) continue;
    const state = blobs.verify(d).status;
    if (state !== 'ok') out.set(d, state);
  }
  return out;
}

/** A database of the layout's kind, of a version this program can open, and the one the manifest describes. */
function refuseForeign(copy: Database.Database, manifest: BackupManifest, layout: BackupLayout): void {
  const version = Number(copy.pragma('user_version', { simple: true }));
  const expected = DATABASES[layout.kind];
  const latest = expected.latest;
  if (version > latest) {
    throw refused(
      `备份来自较新版本的程序（数据库第 ${version} 版，本程序只支持到第 ${latest} 版）：请先升级程序`,
      `it was made by a newer program (database version ${version}; this one supports up to ${latest}): upgrade first`,
    );
  }
  const tables = new Set(
    copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  const pages = copy.prepare("SELECT name FROM pragma_table_info('pages')").pluck().all() as string[];
  if (version === 0 || expected.tables.some((t) => !tables.has(t)) || !pages.includes(expected.pagesColumn)) {
    throw refused(
      `其中不是${expected.name.zh}的档案数据库（可能是另一种或其他程序的数据库）`,
      `it does not hold a ${expected.name.en} archive database (another kind's or another program's?)`,
    );
  }
  if (version !== manifest.schemaVersion) {
    throw refused(
      `数据库版本（第 ${version} 版）与清单（第 ${manifest.schemaVersion} 版）不符`,
      `the database version (${version}) is not the manifest's (${manifest.schemaVersion})`,
    );
  }
}

/**
 * The folder given to `backup --to` holds many backups: which one to restore is the user's choice (the
 * newest may already hold a mistake), so it is refused with the newest ones named.
 */
function refuseBackupFolder(dir: string): void {
  if (fs.existsSync(path.join(dir, 'manifest.json'))) return;
  const backups = listBackups(dir);
  if (backups.length === 0) return;
  const newest = backups.slice(-3).reverse();
  throw new DomainError(
    'restore.pick-one',
    text(
      `${dir} 是备份文件夹，其中有 ${backups.length} 份备份：请选其中一份（dangan-<时间> 文件夹），最新的是：${newest.join('、')}`,
      `${dir} is the folder backups are written to and holds ${backups.length}: pick one of its dangan-<time> folders; the newest: ${newest.join(', ')}`,
    ),
    { dir, newest },
  );
}

function refusedIntegrity(problems: readonly string[]): never {
  throw refused('备份数据库已损坏', `the backup database is damaged: ${problems.join('; ')}`);
}
