import { isDomainError } from '../../core/errors';
import { text } from '../../core/text';
import { AuditLog } from '../../db/audit-log';
import { backupDataDir } from '../../db/maintenance/backup';
import { maintain, recordMaintenanceRun } from '../../db/maintenance/maintain';
import { restoreDataDir } from '../../db/maintenance/restore';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { refuseWhileEngineRuns } from '../../workstation/engine-lock';
import { openDataFolder } from './data-folder';

/** `dangan maintain`: exit 1 when integrity, foreign keys or the audit chain are not in order. */
export function maintainCommand(options: { dataDir: string; json: boolean }, io: Io): number {
  const data = openDataFolder(options.dataDir);
  try {
    const started = new Date();
    const r = maintain(data.db);
    recordMaintenanceRun(data.db, 'maintain', started, r.ok ? 'ok' : 'error', {
      vacuum: r.vacuum,
      removed: r.removed,
      freePagesBefore: r.freePagesBefore,
    });
    new AuditLog(data.db).append({
      username: 'cli',
      action: 'db.maintain',
      outcome: r.ok ? 'ok' : 'error',
      details: { vacuum: r.vacuum },
    });
    if (options.json) io.out(JSON.stringify(r, null, 2));
    else {
      const mark = (ok: boolean) => (ok ? '✓' : '✗');
      io.out(`${mark(r.integrity[0] === 'ok')} 完整性 integrity_check: ${r.integrity.join('; ')}`);
      io.out(`${mark(r.foreignKeys === 0)} 外键 foreign_key_check: ${r.foreignKeys}`);
      io.out(
        r.audit.ok
          ? `✓ 审计链 audit chain: ${r.audit.checked} 条完好 records intact`
          : `✗ 审计链 audit chain: 第 ${r.audit.seq} 条不符 record ${r.audit.seq} does not fit (${r.audit.problem})`,
      );
      io.out(
        `✓ ANALYZE; 空间回收 vacuum: ${r.vacuum} (${r.freePagesBefore} → ${r.freePagesAfter} free pages)`,
      );
      io.out(`✓ WAL checkpoint: ${r.checkpoint.checkpointed}/${r.checkpoint.log}`);
      io.out(
        `✓ 按保留期清理 retention clean-up: ${JSON.stringify(r.removed)}（审计日志永久保留 / the audit log is kept for good）`,
      );
    }
    return r.ok ? EXIT.ok : EXIT.finding;
  } finally {
    data.close();
  }
}

export async function backupCommand(
  options: { dataDir: string; to: string; keep: number; json: boolean },
  io: Io,
): Promise<number> {
  const data = openDataFolder(options.dataDir);
  const started = new Date();
  try {
    const r = await backupDataDir(data.db, data.blobs, options.to, { keep: options.keep });
    recordMaintenanceRun(data.db, 'backup', started, 'ok', { dir: r.dir, rowCounts: r.manifest.rowCounts });
    if (options.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(line(text(`备份已完成并通过校验：${r.dir}`, `Backup written and verified: ${r.dir}`)));
      io.out(
        `  图像 blobs: ${r.manifest.blobs.total}（新复制 copied ${r.manifest.blobs.copied}，抽查 sampled ${r.manifest.blobs.sampled}）`,
      );
      for (const old of r.removed) io.out(`  已轮换删除 rotated out: ${old}`);
    }
    return EXIT.ok;
  } catch (e) {
    if (isDomainError(e)) {
      recordMaintenanceRun(data.db, 'backup', started, 'error', { error: e.text.en });
      io.err(line(e.text));
      return EXIT.finding;
    }
    throw e;
  } finally {
    data.close();
  }
}

export function restoreCommand(
  options: { dataDir: string; from: string; dryRun: boolean; json: boolean },
  io: Io,
): number {
  try {
    // Replacing the database under a running app would lose what it writes after (engine-lock.ts).
    if (!options.dryRun) refuseWhileEngineRuns(options.dataDir);
    const r = restoreDataDir(options.from, options.dataDir, { dryRun: options.dryRun });
    if (options.json) io.out(JSON.stringify(r, null, 2));
    else if (r.dryRun) {
      io.out(
        line(
          text(
            `试运行：备份 ${r.manifest.createdAt} 校验通过，将恢复到 ${options.dataDir}，需补回 ${r.blobsToCopy} 个图像`,
            `Dry run: backup of ${r.manifest.createdAt} verified; would restore into ${options.dataDir}, copying back ${r.blobsToCopy} blobs`,
          ),
        ),
      );
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
    }
    return EXIT.ok;
  } catch (e) {
    if (isDomainError(e)) {
      io.err(line(e.text));
      return EXIT.finding;
    }
    throw e;
  }
}
