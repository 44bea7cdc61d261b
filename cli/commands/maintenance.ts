import fs from 'node:fs';
import path from 'node:path';
import { isDomainError } from '../../core/errors';
import { text, type Text } from '../../core/text';
import { AuditLog } from '../../db/audit-log';
import { backupDataDir, STORE_LAYOUT, WORKSTATION_LAYOUT } from '../../db/maintenance/backup';
import { BlobStore } from '../../db/blob-store';
import type { Json } from '../../core/canonical-json';
import {
  maintain,
  recordMaintenanceRun,
  STORE_RETENTION,
  type MaintainReport,
} from '../../db/maintenance/maintain';
import type { Db } from '../../db/open';
import { openStoreDatabase } from '../../db/store/open-store';
import { describeLostImage, type LostImage } from '../../db/maintenance/image-uses';
import { restoreDataDir } from '../../db/maintenance/restore';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { takeEngineLock, type EngineLock } from '../../workstation/engine-lock';
import { checkDataFolder, openDataFolder, STORE_FOLDER } from './data-folder';

/**
 * `dangan maintain`: exit 1 when integrity, foreign keys or the audit chain are not in order. Refused
 * (`data.in-use`) while the app holds the folder: its VACUUM and checkpoint would take the write lock
 * from the running app for as long as they last; the 系统维护 screen runs the same in the app.
 */
export function maintainCommand(options: { dataDir: string; json: boolean }, io: Io): number {
  const data = openDataFolder(options.dataDir);
  let lock: EngineLock;
  try {
    lock = takeEngineLock(options.dataDir);
  } catch (e) {
    data.close();
    if (!isDomainError(e)) throw e;
    io.err(line(e.text));
    return EXIT.finding;
  }
  try {
    const started = new Date();
    const r = maintain(data.db);
    recordMaintenanceRun(data.db, 'maintain', started, r.ok ? 'ok' : 'error', {
      vacuum: r.vacuum,
      removed: r.removed,
      freePagesBefore: r.freePagesBefore,
    });
    return reportMaintained(data.db, r, options.json, io);
  } finally {
    data.close();
    lock.release();
  }
}

/**
 * `dangan maintain --store-data`: the same on a store's database, with the store's retention. A store
 * has no hold on its folder like the app's engine.lock: SQLite's own locks keep `store serve` and this
 * from harming the file, but a full VACUUM stops the server's writes while it lasts (they wait up to
 * busy_timeout, then fail and are retried by the workstation), so ARCHITECTURE says to stop the server.
 */
export function maintainStoreCommand(options: { storeDir: string; json: boolean }, io: Io): number {
  let db: Db;
  try {
    db = openStoreDb(options.storeDir);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    io.err(line(e.text));
    return EXIT.finding;
  }
  try {
    return reportMaintained(db, maintain(db, { retention: STORE_RETENTION }), options.json, io);
  } finally {
    db.close();
  }
}

/** A store folder's database only (like `check --store-data`): no key or uploads folder is touched. */
function openStoreDb(dir: string): Db {
  checkDataFolder(STORE_FOLDER, dir);
  return openStoreDatabase(path.join(dir, STORE_FOLDER.dbFile));
}

/** Audits the run in the database's own log, prints it, and gives the exit code. */
function reportMaintained(db: Db, r: MaintainReport, json: boolean, io: Io): number {
  new AuditLog(db).append({
    username: 'cli',
    action: 'db.maintain',
    outcome: r.ok ? 'ok' : 'error',
    details: { vacuum: r.vacuum },
  });
  if (json) io.out(JSON.stringify(r, null, 2));
  else {
    const mark = (ok: boolean) => (ok ? '✓' : '✗');
    io.out(`${mark(r.integrity[0] === 'ok')} 完整性 integrity_check: ${r.integrity.join('; ')}`);
    io.out(`${mark(r.foreignKeys === 0)} 外键 foreign_key_check: ${r.foreignKeys}`);
    io.out(
      r.audit.ok
        ? `✓ 审计链 audit chain: ${r.audit.checked} 条完好 records intact`
        : `✗ 审计链 audit chain: 第 ${r.audit.seq} 条不符 record ${r.audit.seq} does not fit (${r.audit.problem})`,
    );
    io.out(`✓ ANALYZE; 空间回收 vacuum: ${r.vacuum} (${r.freePagesBefore} → ${r.freePagesAfter} free pages)`);
    io.out(`✓ WAL checkpoint: ${r.checkpoint.checkpointed}/${r.checkpoint.log}`);
    io.out(
      `✓ 按保留期清理 retention clean-up: ${JSON.stringify(r.removed)}（审计日志永久保留 / the audit log is kept for good）`,
    );
  }
  return r.ok ? EXIT.ok : EXIT.finding;
}

export async function backupCommand(
  options: { dataDir: string; store?: boolean; to: string; keep: number; json: boolean },
  io: Io,
): Promise<number> {
  if (!Number.isInteger(options.keep) || options.keep < 1) {
    // As 系统维护 allows: at least the backup just made. 0 would delete every older one unasked.
    io.err(
      line(
        text(
          `--keep 至少为 1（保留刚做的这一份）：${options.keep}`,
          `--keep must be at least 1 (the backup just made): ${options.keep}`,
        ),
      ),
    );
    return EXIT.usage;
  }
  const store = options.store === true;
  // A store keeps no maintenance_runs: its backups are recorded by their manifests only.
  const data = store
    ? { db: openStoreDb(options.dataDir), blobs: new BlobStore(path.join(options.dataDir, 'blobs')) }
    : openDataFolder(options.dataDir);
  const started = new Date();
  const record = (outcome: 'ok' | 'error', details: Json) => {
    if (!store) recordMaintenanceRun(data.db, 'backup', started, outcome, details);
  };
  try {
    const r = await backupDataDir(data.db, data.blobs, options.to, {
      keep: options.keep,
      layout: store ? STORE_LAYOUT : WORKSTATION_LAYOUT,
    });
    const lost = r.manifest.notBackedUp;
    record('ok', { dir: r.dir, rowCounts: r.manifest.rowCounts, notBackedUp: lost.length });
    if (options.json) io.out(JSON.stringify(r, null, 2));
    else {
      const { total, copied, sampled } = r.manifest.blobs;
      if (r.created)
        io.out(line(text(`已新建备份文件夹 ${options.to}`, `Made the backup folder ${options.to}`)));
      if (lost.length === 0)
        io.out(line(text(`备份已完成并通过校验：${r.dir}`, `Backup written and verified: ${r.dir}`)));
      else
        printLost(
          io,
          text(
            `备份完成，但有 ${lost.length} 个图像无法备份（其余内容已通过校验）：${r.dir}`,
            `Backup written, but ${lost.length} ${lost.length === 1 ? 'image' : 'images'} could not be backed up (the rest is verified): ${r.dir}`,
          ),
          lost,
          text(
            '这些图像在本机已丢失或损坏，备份中没有它们：请重新扫描这些页，或从更早的备份找回',
            'They are missing or damaged here, so no backup holds them from now on: rescan those pages or find them in an older backup',
          ),
        );
      io.out(
        `  图像 blobs: ${total}（已备份 in the backup ${total - lost.length}，新复制 copied ${copied}，抽查 sampled ${sampled}）`,
      );
      for (const old of r.removed) io.out(`  已轮换删除 rotated out: ${old}`);
    }
    // Exit 1 so that a scheduled backup shows someone that pages are at risk; the backup itself stands.
    return lost.length === 0 ? EXIT.ok : EXIT.finding;
  } catch (e) {
    if (isDomainError(e)) {
      record('error', { error: e.text.en });
      io.err(line(e.text));
      return EXIT.finding;
    }
    throw e;
  } finally {
    data.db.close();
  }
}

export function restoreCommand(
  options: { dataDir: string; store?: boolean; from: string; dryRun: boolean; json: boolean },
  io: Io,
): number {
  const store = options.store === true;
  let lock: EngineLock | undefined;
  try {
    // Replacing the database under a running app would lose what it writes after: refused while it
    // holds the folder, and held meanwhile so that no app starts half-way (engine-lock.ts). A store
    // has no such hold: `store serve` must be stopped first (docs/ARCHITECTURE.md).
    if (!options.dryRun) {
      fs.mkdirSync(options.dataDir, { recursive: true }); // a new machine's empty folder is fine
      if (!store) lock = takeEngineLock(options.dataDir);
    }
    const r = restoreDataDir(options.from, options.dataDir, {
      dryRun: options.dryRun,
      layout: store ? STORE_LAYOUT : WORKSTATION_LAYOUT,
    });
    if (options.json) io.out(JSON.stringify(r, null, 2));
    else if (r.dryRun) {
      io.out(
        line(
          text(
            `试运行：备份 ${r.manifest.createdAt} 校验通过，将恢复到 ${options.dataDir}，需补回 ${r.blobsToCopy} 个图像`,
            `Dry run: backup of ${r.manifest.createdAt} verified; would restore into ${options.dataDir}, copying back ${r.blobsToCopy} ${r.blobsToCopy === 1 ? 'image' : 'images'}`,
          ),
        ),
      );
      printUnrecoverable(io, r.lost, text('恢复后仍将缺少', 'would still lack'));
    } else {
      io.out(
        line(
          text(
            `已从备份 ${r.manifest.createdAt} 恢复`,
            `Restored from the backup of ${r.manifest.createdAt}`,
          ),
        ),
      );
      if (r.previous)
        io.out(line(text(`原数据库保存在 ${r.previous}`, `The replaced database is kept at ${r.previous}`)));
      printUnrecoverable(io, r.lost, text('恢复后的目录仍缺少', 'still lacks'));
    }
    return r.lost.length === 0 ? EXIT.ok : EXIT.finding;
  } catch (e) {
    if (isDomainError(e)) {
      io.err(line(e.text));
      return e.code === 'restore.pick-one' ? EXIT.usage : EXIT.finding;
    }
    throw e;
  } finally {
    lock?.release();
  }
}

const LOST_SHOWN = 50;

/** A heading, one line per image (the first 50; the rest are in the manifest or the JSON), advice. */
function printLost(io: Io, heading: Text, lost: readonly LostImage[], advice: Text): void {
  io.out(line(heading));
  for (const i of lost.slice(0, LOST_SHOWN)) io.out(`  ✗ ${line(describeLostImage(i))}`);
  if (lost.length > LOST_SHOWN)
    io.out(
      `  … 另有 ${lost.length - LOST_SHOWN} 个，见 manifest.json 或 --json / ${lost.length - LOST_SHOWN} more in manifest.json or --json`,
    );
  io.out(line(advice));
}

function printUnrecoverable(io: Io, lost: readonly LostImage[], verb: Text): void {
  if (lost.length === 0) return;
  printLost(
    io,
    text(
      `注意：${verb.zh} ${lost.length} 个图像——备份中没有，本机也没有完好的副本：`,
      `Note: the restored catalogue ${verb.en} ${lost.length} ${lost.length === 1 ? 'image' : 'images'} — neither the backup nor this folder holds an intact copy:`,
    ),
    lost,
    text(
      '恢复不能找回它们：请重新扫描这些页，或试更早的备份（dangan restore --dry-run 可先查看）',
      'A restore cannot bring them back: rescan those pages, or try an older backup (check it with dangan restore --dry-run)',
    ),
  );
}
