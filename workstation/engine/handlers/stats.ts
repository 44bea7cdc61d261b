import type { STATS_API } from '../../../core/contracts/api-stats';
import { QA_REASONS } from '../../../core/verification/review-rules';
import { bureausWithVolumes, pagesPerDay, volumesByState } from '../../../db/stats/daily';
import { monthlyStats } from '../../../db/stats/monthly';
import { forBureau, statsWorkbook } from '../../stats/workbook';
import type { EngineHandlers, EngineServices } from '../context';

type StatsHandlers = Pick<EngineHandlers, keyof typeof STATS_API>;

/**
 * 统计: the month's figures from db/stats/monthly.ts (the rows `dangan report monthly` prints and writes),
 * narrowed to one bureau when asked, plus the day-by-day pages and the volumes by state the charts need.
 */
export function statsHandlers(s: EngineServices): StatsHandlers {
  const { db } = s;
  return {
    'stats.monthly': ({ month, bureau }) => {
      const b = bureau === undefined || bureau === '' ? null : bureau;
      const stats = forBureau(monthlyStats(db, month), b);
      return Promise.resolve({
        month: stats.month,
        from: stats.from,
        to: stats.to,
        bureau: b,
        topics: stats.topics.map((t) => ({
          id: t.id,
          title: t.title,
          titleEn: t.titleEn,
          columns: t.columns.map((c) => ({ ...c })),
          rows: t.rows.map((r) => ({ ...r })),
          ...(t.note === undefined ? {} : { note: t.note }),
        })),
        daily: pagesPerDay(db, stats, { bureau: b }),
        byState: volumesByState(db, b),
        reasonNames: Object.fromEntries(QA_REASONS.map((r) => [r.code, r.name])),
        bureaus: bureausWithVolumes(db),
      });
    },
    'stats.workbook': async ({ month, bureau }) => {
      const b = bureau === undefined || bureau === '' ? null : bureau;
      const bytes = await statsWorkbook(forBureau(monthlyStats(db, month), b));
      return {
        fileName: `综合统计-${month}${b === null ? '' : `-${b}`}.xlsx`,
        xlsxBase64: bytes.toString('base64'),
      };
    },
  };
}
