import path from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import {
  FINDINGS_SHOWN,
  type CheckResult,
  type FixPreview,
  type MAINTENANCE_API,
} from '../../../core/contracts/api-maintenance';
import { CATEGORIES, CHECK_IDS, type CheckId } from '../../../core/checks/categories';
import { buildReport, type CategoryReport, type CheckReport } from '../../../core/checks/finding';
import type { Roster } from '../../../core/checks/roster';
import { canonicalJson } from '../../../core/canonical-json';
import { DomainError, isDomainError } from '../../../core/errors';
import type { Role } from '../../../core/roles';
import { text, type Text } from '../../../core/text';
import type { AuditVerifyResult } from '../../../db/audit-log';
import { applyFix, planFix, undoFix, type FixPlan } from '../../../db/checks/fixes';
import { runFixitySlice, shownFixityProblems, type FixityRun } from '../../../db/checks/fixity';
import { blobStoreInventory } from '../../../db/checks/inventory';
import { readRosterFile } from '../../../db/checks/roster-file';
import { runChecks } from '../../../db/checks/run';
import { sha256Hex } from '../../../db/digest';
import { backupDataDir, type BackupProgress } from '../../../db/maintenance/backup';
import type { LostImage } from '../../../db/maintenance/image-uses';
import { restoreDataDir } from '../../../db/maintenance/restore';
import { appliedFixes } from '../../../db/maintenance/fix-history';
import { maintain, recordMaintenanceRun } from '../../../db/maintenance/maintain';
import { recordCheckRun } from '../../../db/stats/check-runs';
import type { User } from '../../../db/repos';
import { findBureau } from '../../../core/bureaus';
import type { StoreConnectionView } from '../../../core/contracts/api-maintenance';
import { FindingTargets } from '../../../db/repos/finding-targets';
import { TransfersRepo } from '../../../db/repos/transfers';
import {
  fetchStoreKey,
  normalizeStoreUrl,
  readSavedConnectionInfo,
  readStoredConnection,
  testStoreConnection,
  writeStoredConnection,
} from '../../transfer/store-settings';
import { actorOf, caller, type EngineHandlers, type EngineServices } from '../context';

type MaintenanceHandlers = Pick<EngineHandlers, keyof typeof MAINTENANCE_API>;
type Task = 'checks' | 'backup' | 'maintain' | 'audit' | 'restore';

/** The image categories share one listing of blob storage (the slow part at scale): one step. */
const IMAGE_CATEGORIES: readonly CheckId[] = ['image-missing', 'image-redundant', 'image-wrong'];

function role(user: User): Role {
  return user.roles.includes('technician') ? 'technician' : 'admin';
}

/** The plan's identity: what the technician saw in the preview must be what gets applied. */
export function planDigest(plan: FixPlan): string {
  return sha256Hex(
    new TextEncoder().encode(canonicalJson({ category: plan.category, changes: plan.changes })),
  );
}

/** `digest`: of the plan made without a reason (see `maintenance.fixPreview`). */
function previewOf(plan: FixPlan, digest: string): FixPreview {
  return {
    category: plan.category,
    changes: plan.changes.map((c) => ({
      table: c.table,
      id: c.id,
      action: c.action,
      columns: Object.entries(c.columns).map(([column, [before, after]]) => ({
        column,
        before: scalar(before),
        after: scalar(after),
      })),
      description: c.description,
    })),
    skipped: plan.skipped.map((s) => ({ table: s.table, id: s.id, reason: s.reason })),
    planDigest: digest,
  };
}

function scalar(v: unknown): string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? v
    : JSON.stringify(v);
}

/** The contract's mutable copy of an image the backup or restore lacks. */
function lostImageView(i: LostImage) {
  return { ...i, pages: i.pages.map((p) => ({ ...p })) };
}

function auditView(r: AuditVerifyResult) {
  return r.ok
    ? { ok: true, checked: r.checked, seq: null, problem: null }
    : { ok: false, checked: r.checked, seq: r.seq, problem: r.problem };
}

function absoluteFolder(p: string, what: Text): string {
  // The engine may run as another process with another working folder: only absolute paths.
  if (!path.isAbsolute(p)) {
    throw new DomainError(
      'maintenance.path',
      text(
        `请输入${what.zh}的完整路径（例如 E:\\备份 或 /media/usb/backup）：${p}`,
        `Give the full path of the ${what.en}: ${p}`,
      ),
      { path: p },
    );
  }
  return p;
}

function readRoster(file: string): Roster {
  return readRosterFile(absoluteFolder(file, text('名录文件', 'roster file')));
}

const BACKUP_PHASES: Readonly<Record<BackupProgress['phase'], Text>> = {
  database: text('正在复制数据库（页）', 'Copying the database (pages)'),
  blobs: text('正在复制图像', 'Copying the images'),
  verify: text('正在校验备份副本', 'Verifying the copy'),
};

/** Passes on a phase's first and last report and at most one every 200 ms between (events are not free). */
function backupProgress(emit: (p: BackupProgress) => void): (p: BackupProgress) => void {
  let last: { phase: string; at: number } | null = null;
  return (p) => {
    const at = Date.now();
    if (last?.phase === p.phase && at - last.at < 200 && p.done < p.total) return;
    last = { phase: p.phase, at };
    emit(p);
  };
}

/** A file-system failure while backing up, told as what happened and what to do. */
function backupFolderError(e: unknown, to: string): DomainError | null {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : null;
  if (code === null) return null;
  const what: Record<string, Text> = {
    EACCES: text('没有写入权限', 'no permission to write'),
    EPERM: text('没有写入权限', 'no permission to write'),
    ENOSPC: text('磁盘空间不足', 'the disk is full'),
    EROFS: text('该磁盘是只读的', 'the disk is read-only'),
    ENOENT: text('路径不存在', 'the path does not exist'),
    ENOTDIR: text('路径中有一段不是文件夹', 'part of the path is not a folder'),
  };
  const w = what[code] ?? text(`文件系统错误 ${code}`, `file-system error ${code}`);
  return new DomainError(
    'backup.folder',
    text(
      `无法备份到 ${to}：${w.zh}。请换一个文件夹或检查磁盘后重试；当前数据未受影响`,
      `Cannot back up to ${to}: ${w.en}. Choose another folder or check the disk, then retry; the data is untouched`,
    ),
    { to, code },
  );
}

function shown(c: CategoryReport, targets: FindingTargets): CheckResult['categories'][number] {
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    severity: c.severity,
    count: c.count,
    findings: c.findings.slice(0, FINDINGS_SHOWN).map((f) => ({
      kind: f.kind,
      severity: f.severity,
      entityType: f.entityType,
      entityId: f.entityId,
      message: f.message,
      fix: f.fix,
      autoFix: f.autoFix,
      target: targets.resolve(f),
    })),
    notes: [...c.notes],
  };
}

/**
 * 系统维护: `dangan maintain`, `backup`, `check` and `fix` for the technician at the screen. Long tasks
 * run one at a time (they compete for the one database connection anyway) and report their steps as
 * `maintenance.progress` events; the checks run category by category, yielding between them so the
 * events reach the screen and other calls are answered.
 */
export function maintenanceHandlers(s: EngineServices): MaintenanceHandlers {
  const { db, blobs, repos, events } = s;
  const findingTargets = new FindingTargets(db);
  let busy: Task | null = null;

  const exclusive = async <T>(task: Task, work: () => Promise<T>): Promise<T> => {
    if (busy !== null) {
      throw new DomainError(
        'maintenance.busy',
        text(
          '另一项维护任务正在进行，请等它完成后再试',
          'Another maintenance task is running; try again when it ends',
        ),
        { running: busy },
      );
    }
    busy = task;
    try {
      return await work();
    } finally {
      busy = null;
    }
  };
  const progress = (task: Task, done: number, total: number, step: Text) => {
    events.emit('maintenance.progress', { task, done, total, step });
  };

  const transfers = new TransfersRepo(db, s.now);
  const bureau = (code: string) => {
    const b = findBureau(s.province, code);
    if (b === undefined) {
      throw new DomainError(
        'store.bureau-unknown',
        text(`本省没有代码为 ${code} 的登记机关`, `No bureau with code ${code} in this province`),
        { code },
      );
    }
    return b;
  };
  const storeView = (): StoreConnectionView => {
    const saved = readSavedConnectionInfo(repos.settings);
    const source = s.store.fromEnv !== null ? 'env' : saved !== null ? 'settings' : 'none';
    return {
      saved:
        saved === null
          ? null
          : {
              url: saved.url,
              clientId: saved.clientId,
              secretSet: saved.secretSet,
              bureauCode: saved.bureauCode,
            },
      source,
      activeUrl: s.store.activeUrl(),
      uploading: s.store.activeUrl() !== null,
    };
  };
  /** The form's values, the saved secret standing in for an omitted one. */
  const formConnection = (input: { url: string; clientId: string; secret?: string | undefined }) => {
    const secret = input.secret ?? readStoredConnection(repos.settings, s.store.secrets)?.secret;
    if (secret === undefined) {
      throw new DomainError(
        'store.secret-required',
        text('请填写密钥（尚未保存过密钥）', 'Enter the secret (none is saved yet)'),
      );
    }
    return { url: normalizeStoreUrl(input.url), clientId: input.clientId.trim(), secret: secret.trim() };
  };

  return {
    'maintenance.storeGet': () => Promise.resolve(storeView()),

    'maintenance.storeTest': async (input) => {
      const b = bureau(input.bureauCode);
      return testStoreConnection(
        formConnection(input),
        { code: b.code, name: b.name },
        transfers.trustedStoreKeys(),
        (code) => findBureau(s.province, code)?.name ?? code,
      );
    },

    'maintenance.storeSave': async (input, ctx) => {
      const user = caller(ctx);
      const conn = formConnection(input);
      bureau(input.bureauCode);
      if (input.trustKeyId !== undefined) {
        const key = await fetchStoreKey(conn.url);
        if (key?.keyId !== input.trustKeyId) {
          throw new DomainError(
            'store.key-changed',
            text(
              '档案库的回执公钥与测试时看到的不一致，未保存：请重新测试连接',
              'The store’s receipt key is not the one the test showed; nothing saved: test again',
            ),
            { expected: input.trustKeyId, found: key?.keyId ?? null },
          );
        }
        transfers.trustStoreKey(key.keyId, key.publicKey, conn.url);
      }
      writeStoredConnection(
        repos.settings,
        { ...conn, bureauCode: input.bureauCode },
        s.store.secrets,
        actorOf(user, role(user)),
      );
      await s.store.restart();
      return storeView();
    },

    'maintenance.categories': () =>
      Promise.resolve(
        CATEGORIES.map((c) => ({
          id: c.id,
          name: c.name,
          nameEn: c.nameEn,
          severity: c.severity,
          description: c.description,
          fix: c.fix,
          autoFix: c.autoFix,
        })),
      ),

    'maintenance.maintain': (_input, ctx) =>
      exclusive('maintain', async () => {
        const user = caller(ctx);
        progress('maintain', 0, 1, text('正在检查并维护数据库…', 'Checking and maintaining the database…'));
        await yieldToEvents();
        const started = s.now();
        const r = maintain(db, { now: s.now });
        recordMaintenanceRun(db, 'maintain', started, r.ok ? 'ok' : 'error', {
          vacuum: r.vacuum,
          removed: r.removed,
          freePagesBefore: r.freePagesBefore,
        });
        repos.audit.append({
          userId: user.id,
          username: user.username,
          action: 'db.maintain',
          outcome: r.ok ? 'ok' : 'error',
          details: { vacuum: r.vacuum, integrity: r.integrity.slice(0, 20), foreignKeys: r.foreignKeys },
        });
        progress('maintain', 1, 1, text('数据库维护完成', 'Database maintenance done'));
        return {
          ok: r.ok,
          integrity: r.integrity.slice(0, 100),
          foreignKeys: r.foreignKeys,
          audit: auditView(r.audit),
          vacuum: r.vacuum,
          freePagesBefore: r.freePagesBefore,
          freePagesAfter: r.freePagesAfter,
          removed: { ...r.removed },
        };
      }),

    'maintenance.verifyAudit': () =>
      exclusive('audit', async () => {
        progress('audit', 0, 1, text('正在逐条核验审计链…', 'Verifying the audit chain record by record…'));
        await yieldToEvents();
        const r = auditView(repos.audit.verify());
        progress('audit', 1, 1, text('审计链核验完成', 'Audit chain verified'));
        return r;
      }),

    'maintenance.backup': ({ to, keep }, ctx) =>
      exclusive('backup', async () => {
        const user = caller(ctx);
        const target = absoluteFolder(to, text('备份文件夹', 'backup folder'));
        const started = s.now();
        progress(
          'backup',
          0,
          2,
          text(
            '正在备份数据库并复制图像，随后校验副本…',
            'Backing up the database and images, then verifying the copy…',
          ),
        );
        try {
          const r = await backupDataDir(db, blobs, target, {
            keep: keep ?? 7,
            now: s.now,
            onProgress: backupProgress((p) => {
              progress('backup', p.done, p.total, BACKUP_PHASES[p.phase]);
            }),
          });
          const lost = r.manifest.notBackedUp;
          progress(
            'backup',
            2,
            2,
            lost.length === 0
              ? text('备份已完成并通过校验', 'Backup written and verified')
              : text(
                  `备份完成，但有 ${lost.length} 个图像无法备份`,
                  `Backup written, but ${lost.length} images could not be backed up`,
                ),
          );
          recordMaintenanceRun(db, 'backup', started, 'ok', {
            dir: r.dir,
            rowCounts: r.manifest.rowCounts,
            notBackedUp: lost.length,
          });
          repos.audit.append({
            userId: user.id,
            username: user.username,
            action: 'db.backup',
            outcome: 'ok',
            details: { dir: r.dir, blobs: r.manifest.blobs, notBackedUp: lost.map((i) => i.sha256) },
          });
          const counts = Object.values(r.manifest.rowCounts);
          return {
            dir: r.dir,
            created: r.created,
            createdAt: r.manifest.createdAt,
            schemaVersion: r.manifest.schemaVersion,
            tables: counts.length,
            rows: counts.reduce((a, b) => a + b, 0),
            blobs: { ...r.manifest.blobs },
            notBackedUp: lost.map(lostImageView),
            removed: [...r.removed],
            verified: true as const,
          };
        } catch (e) {
          const err = isDomainError(e) ? e : backupFolderError(e, target);
          recordMaintenanceRun(db, 'backup', started, 'error', {
            error: err?.text.en ?? (e instanceof Error ? e.message : String(e)),
          });
          progress('backup', 2, 2, text('备份失败', 'Backup failed'));
          throw err ?? e;
        }
      }),

    'maintenance.restoreCheck': ({ from }) =>
      exclusive('restore', async () => {
        const dir = absoluteFolder(from, text('备份文件夹', 'backup folder'));
        progress('restore', 0, 1, text('正在校验备份…', 'Verifying the backup…'));
        await yieldToEvents();
        try {
          const r = restoreDataDir(dir, s.dataDir, { dryRun: true });
          const counts = Object.values(r.manifest.rowCounts);
          return {
            dir,
            createdAt: r.manifest.createdAt,
            schemaVersion: r.manifest.schemaVersion,
            tables: counts.length,
            rows: counts.reduce((a, b) => a + b, 0),
            blobsToCopy: r.blobsToCopy,
            lost: r.lost.map(lostImageView),
            command: `dangan restore --data "${s.dataDir}" --from "${dir}"`,
          };
        } finally {
          progress('restore', 1, 1, text('备份校验结束', 'Backup verification done'));
        }
      }),

    'maintenance.runChecks': ({ only, rosterPath }) =>
      exclusive('checks', async () => {
        const ids = only ? CHECK_IDS.filter((id) => only.includes(id)) : CHECK_IDS;
        const roster = rosterPath === undefined ? undefined : readRoster(rosterPath);
        const steps: { ids: readonly CheckId[]; label: Text }[] = [];
        const images = ids.filter((id) => IMAGE_CATEGORIES.includes(id));
        for (const id of ids) {
          if (IMAGE_CATEGORIES.includes(id)) {
            if (id === images[0]) steps.push({ ids: images, label: text('图像类检查', 'image checks') });
            continue;
          }
          const c = CATEGORIES.find((x) => x.id === id);
          steps.push({ ids: [id], label: text(c?.name ?? id, c?.nameEn ?? id) });
        }
        const withFixity = ids.includes('image-wrong');
        const total = steps.length + (withFixity ? 1 : 0);
        const started = s.now();
        const t0 = Date.now();
        let done = 0;
        let fixity: FixityRun | null = null;
        if (withFixity) {
          progress(
            'checks',
            0,
            total,
            text('图像完整复核（本月轮转的一段）', 'Fixity: this run’s slice of blobs'),
          );
          await yieldToEvents();
          fixity = runFixitySlice(db, blobs, { now: s.now });
          done++;
        }
        const inventory = blobStoreInventory(blobs);
        const reports: CategoryReport[] = [];
        for (const step of steps) {
          progress('checks', done, total, text(`正在检查：${step.label.zh}`, `Checking: ${step.label.en}`));
          await yieldToEvents();
          const r = runChecks(db, {
            inventory,
            now: s.now(),
            only: step.ids,
            record: false,
            ...(roster === undefined ? {} : { roster: roster.entries, rosterProblems: roster.problems }),
          });
          reports.push(...r.categories);
          done++;
        }
        // One report in the contract's order, recorded once for the trend in the statistics.
        const report: CheckReport = {
          categories: buildReport(ids, [], new Map()).categories.map(
            (empty) => reports.find((r) => r.id === empty.id) ?? empty,
          ),
        };
        recordCheckRun(db, started, report, s.now());
        progress('checks', total, total, text('检查完成', 'Checks done'));
        return {
          at: started.toISOString(),
          durationMs: Date.now() - t0,
          categories: report.categories.map((c) => shown(c, findingTargets)),
          fixity:
            fixity === null
              ? null
              : {
                  checked: fixity.checked,
                  problems: shownFixityProblems(fixity, new Set(ids)),
                  cycleCompleted: fixity.cycleCompleted,
                },
        };
      }),

    // The digest is of the plan without a reason: a preview needs none (the reason is asked for when
    // applying), and a reason changes only the words kept on the volumes, not which rows change.
    'maintenance.fixPreview': ({ category, reason }) => {
      const plan = planFix(db, category);
      const shown = reason === undefined ? plan : planFix(db, category, { reason });
      return Promise.resolve(previewOf(shown, planDigest(plan)));
    },

    'maintenance.fixApply': ({ category, reason, planDigest: expected }, ctx) => {
      const user = caller(ctx);
      const options = reason === undefined ? {} : { reason };
      // The engine is the only writer and this runs to the end without yielding: the plan compared here
      // is the one applyFix makes again inside its transaction.
      if (planDigest(planFix(db, category)) !== expected) {
        throw new DomainError(
          'fix.plan-changed',
          text(
            '预览之后数据已有变化，本次修正未执行；请重新预览，确认后再执行',
            'The data changed after the preview; nothing was applied. Preview again, then apply',
          ),
          { category },
        );
      }
      const applied = applyFix(db, repos.audit, category, actorOf(user, role(user)), options);
      return Promise.resolve({ seq: applied.auditSeq, changes: applied.plan.changes.length });
    },

    'maintenance.fixHistory': () => Promise.resolve(appliedFixes(db)),

    'maintenance.fixUndo': ({ seq }, ctx) => {
      const user = caller(ctx);
      const r = undoFix(db, repos.audit, seq, actorOf(user, role(user)));
      return Promise.resolve({ undoes: r.undoes, rows: r.rows, seq: r.auditSeq });
    },
  };
}
