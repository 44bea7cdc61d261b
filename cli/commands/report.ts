import fs from 'node:fs';
import path from 'node:path';
import { text, type Text } from '../../core/text';
import { isDomainError } from '../../core/errors';
import { monthlyStats, type MonthlyStats } from '../../db/stats/monthly';
import { statsWorkbook } from '../../workstation/stats/workbook';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { openDataFolder } from './data-folder';

/** `dangan report monthly`: the month's figures; one sheet per topic with Chinese headers. */
export async function reportMonthlyCommand(
  options: { dataDir: string; month: string; xlsx?: string | undefined; json: boolean },
  io: Io,
): Promise<number> {
  // Refused before any work, as `dangan check` does: one output per run, and a file that can be written.
  if (options.json && options.xlsx !== undefined) {
    io.err('--json 与 --xlsx 只能选一个 / choose either --json or --xlsx');
    return EXIT.usage;
  }
  if (options.xlsx !== undefined) {
    const problem = xlsxPathProblem(options.xlsx);
    if (problem !== null) {
      io.err(line(problem));
      return EXIT.usage;
    }
  }
  const data = openDataFolder(options.dataDir, { readonly: true });
  let stats: MonthlyStats;
  try {
    stats = monthlyStats(data.db, options.month);
  } catch (e) {
    if (isDomainError(e)) {
      io.err(line(e.text));
      return EXIT.usage;
    }
    throw e;
  } finally {
    data.close();
  }
  if (options.json) io.out(JSON.stringify(stats, null, 2));
  else {
    io.out(`综合统计 monthly report ${stats.month}`);
    for (const t of stats.topics)
      io.out(`  ${t.title} / ${t.titleEn}: ${t.rows.length} 行 rows${t.note ? `（${t.note}）` : ''}`);
  }
  if (options.xlsx !== undefined) {
    try {
      await writeStatsWorkbook(stats, options.xlsx);
    } catch (e) {
      // No permission, a full disk: said plainly, never a stack trace.
      const why = e instanceof Error ? e.message : String(e);
      io.err(`无法写入报表 ${options.xlsx}（${why}） / Cannot write the report ${options.xlsx}: ${why}`);
      return EXIT.finding;
    }
    io.out(`已写入 / written: ${options.xlsx}`);
  }
  return EXIT.ok;
}

/** Why a workbook cannot be written at `file` (its folder is missing, or it is a folder), or null. */
function xlsxPathProblem(file: string): Text | null {
  const dir = path.dirname(path.resolve(file));
  const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (isDir(file))
    return text(`无法写入报表 ${file}：这是一个文件夹`, `Cannot write the report ${file}: it is a folder`);
  if (!isDir(dir))
    return text(
      `无法写入报表 ${file}：文件夹 ${dir} 不存在；请先建好文件夹或换一个路径`,
      `Cannot write the report ${file}: the folder ${dir} does not exist; create it or choose another path`,
    );
  return null;
}

export async function writeStatsWorkbook(stats: MonthlyStats, file: string): Promise<void> {
  fs.writeFileSync(file, await statsWorkbook(stats));
}
