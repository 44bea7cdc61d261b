import { isDomainError } from '../../core/errors';
import { text } from '../../core/text';
import { AuditLog } from '../../db/audit-log';
import { applyFix, planFix, planUndo, undoFix, type FixPlan, type UndoPlan } from '../../db/checks/fixes';
import { MAINTENANCE_API } from '../../core/contracts/api-maintenance';
import type { Db } from '../../db/open';
import { createRepos, type Actor } from '../../db/repos';
import { refuseWhileEngineRuns } from '../../workstation/engine-lock';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { cliActor } from './capture-operator';
import { openDataFolder } from './data-folder';

export interface FixCommandOptions {
  readonly dataDir: string;
  readonly category: string;
  /** For `fix undo <audit id>`. */
  readonly auditId?: string | undefined;
  /** `dry-run` shows the changes (for undo: the rows it would restore) and writes nothing. */
  readonly mode: 'dry-run' | 'apply';
  readonly reason?: string | undefined;
  /** The Dangan user the audit names (`--as`); without it the login name, if such a user exists. */
  readonly as?: string | undefined;
  readonly json: boolean;
}

/** Who applies or undoes a fix: the user `--as` names (else the login name), by the engine's own rule. */
function fixActor(db: Db, as: string | undefined, undo: boolean): Actor {
  const endpoint = undo ? 'maintenance.fixUndo' : 'maintenance.fixApply';
  return cliActor(createRepos(db), as, {
    access: MAINTENANCE_API[endpoint].access,
    action: undo
      ? text('撤销自动修正', 'undo an automatic fix')
      : text('执行自动修正', 'apply an automatic fix'),
    code: 'cli.actor',
    who: text('操作人', 'acting user'),
  });
}

/** `dangan fix <category> --dry-run|--apply` and `dangan fix undo <audit id>`. */
export function fixCommand(options: FixCommandOptions, io: Io): number {
  const data = openDataFolder(options.dataDir);
  const audit = new AuditLog(data.db);
  try {
    // Writes go through the app while it runs (系统维护 offers the same fixes): its screens hold the
    // rows a fix changes, and a preview there is applied only if the data did not change behind it.
    if (options.mode === 'apply') refuseWhileEngineRuns(data.dir);
    if (options.category === 'undo') {
      const seq = Number(options.auditId);
      if (!Number.isInteger(seq) || seq < 1) {
        io.err('用法：dangan fix undo <审计记录号> / usage: dangan fix undo <audit id>');
        return EXIT.usage;
      }
      if (options.mode === 'dry-run') {
        const plan = planUndo(data.db, seq);
        if (options.json) io.out(JSON.stringify({ undone: false, auditSeq: null, ...plan }, null, 2));
        else printUndo(plan, io);
        return EXIT.ok;
      }
      const r = undoFix(data.db, audit, seq, fixActor(data.db, options.as, true));
      if (options.json) io.out(JSON.stringify({ undone: true, ...r }));
      else
        io.out(
          line(
            text(
              `已撤销修正 ${r.undoes}，恢复 ${r.rows} 条记录（审计记录 ${r.auditSeq}）`,
              `Fix ${r.undoes} undone: ${r.rows} rows restored (audit record ${r.auditSeq})`,
            ),
          ),
        );
      return EXIT.ok;
    }
    const reason = options.reason === undefined ? {} : { reason: options.reason };
    if (options.mode === 'dry-run') {
      const plan = planFix(data.db, options.category, reason);
      if (options.json) io.out(JSON.stringify({ applied: false, auditSeq: null, ...plan }, null, 2));
      else print(plan, null, io);
      return EXIT.ok;
    }
    const applied = applyFix(data.db, audit, options.category, fixActor(data.db, options.as, false), reason);
    if (options.json)
      io.out(JSON.stringify({ applied: true, auditSeq: applied.auditSeq, ...applied.plan }, null, 2));
    else print(applied.plan, applied.auditSeq, io);
    return EXIT.ok;
  } catch (e) {
    if (isDomainError(e)) {
      io.err(line(e.text));
      return EXIT.finding;
    }
    throw e;
  } finally {
    data.close();
  }
}

function print(plan: FixPlan, auditSeq: number | null, io: Io): void {
  const applied = auditSeq !== null;
  io.out(
    applied
      ? `已修正 ${plan.changes.length} 处 / ${plan.changes.length} changes applied (${plan.category})`
      : `将修正 ${plan.changes.length} 处（试运行，未改动）/ ${plan.changes.length} changes planned (dry run, nothing changed) (${plan.category})`,
  );
  for (const c of plan.changes) {
    io.out(`  ${c.table} ${c.id}: ${line(c.description)}`);
    for (const [col, [before, after]] of Object.entries(c.columns)) {
      io.out(`      ${col}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    }
  }
  for (const s of plan.skipped) io.out(`  跳过 skipped ${s.table} ${s.id}: ${line(s.reason)}`);
  if (applied) io.out(`撤销 / undo: dangan fix undo ${auditSeq}`);
}

function printUndo(plan: UndoPlan, io: Io): void {
  io.out(
    `将撤销修正 ${plan.undoes}，恢复 ${plan.rows.length} 条记录（试运行，未改动）/ ` +
      `would undo fix ${plan.undoes}: ${plan.rows.length} rows restored (dry run, nothing changed) (${plan.category})`,
  );
  for (const r of plan.rows) {
    if (r.now === null) {
      io.out(`  ${r.table} ${r.id}: 恢复已删除的记录 / restore the deleted row`);
      continue;
    }
    io.out(`  ${r.table} ${r.id}:`);
    for (const [col, value] of Object.entries(r.restored ?? {})) {
      const now = r.now[col] ?? null;
      if (JSON.stringify(now) !== JSON.stringify(value))
        io.out(`      ${col}: ${JSON.stringify(now)} → ${JSON.stringify(value)}`);
    }
  }
}
