import fs from 'node:fs';
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
    await writeStatsWorkbook(stats, options.xlsx);
    if (!options.json) io.out(`已写入 / written: ${options.xlsx}`);
  }
  return EXIT.ok;
}

export async function writeStatsWorkbook(stats: MonthlyStats, file: string): Promise<void> {
  fs.writeFileSync(file, await statsWorkbook(stats));
}
