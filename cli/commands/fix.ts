import os from 'node:os';
import { isDomainError } from '../../core/errors';
import { text } from '../../core/text';
import { AuditLog } from '../../db/audit-log';
import { applyFix, planFix, undoFix, type FixPlan } from '../../db/checks/fixes';
import type { Actor } from '../../db/repos/actor';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { openDataFolder } from './data-folder';

export interface FixCommandOptions {
  readonly dataDir: string;
  readonly category: string;
  /** For `fix undo <audit id>`. */
  readonly auditId?: string | undefined;
  readonly mode: 'dry-run' | 'apply';
  readonly reason?: string | undefined;
  readonly json: boolean;
}

/** Who runs the CLI: a technician, named by the OS account (recorded in the audit log). */
function cliActor(): Actor {
  return { userId: null, username: `cli:${os.userInfo().username}`, role: 'technician' };
}

/** `dangan fix <category> --dry-run|--apply` and `dangan fix undo <audit id>`. */
export function fixCommand(options: FixCommandOptions, io: Io): number {
  const data = openDataFolder(options.dataDir);
  const audit = new AuditLog(data.db);
  try {
    if (options.category === 'undo') {
      const seq = Number(options.auditId);
      if (!Number.isInteger(seq) || seq < 1) {
        io.err('用法：dangan fix undo <审计记录号> / usage: dangan fix undo <audit id>');
        return EXIT.usage;
      }
      const r = undoFix(data.db, audit, seq, cliActor());
      if (options.json) io.out(JSON.stringify(r));
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
    const applied = applyFix(data.db, audit, options.category, cliActor(), reason);
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
