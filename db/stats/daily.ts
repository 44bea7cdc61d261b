import type { Db } from '../open';
import { MONTH_PAGES_SQL, OPERATOR_SQL } from './monthly';

/**
 * Figures the 统计 screen shows beside the monthly topics (db/stats/monthly.ts): pages per day and
 * operator, volumes by state, and the bureaus that have data. Operators are named as the monthly
 * figures name them (the batch's operator, else the volume's creator).
 */

export interface DailyPages {
  readonly day: string;
  readonly operator: string;
  readonly pages: number;
}

/** Pages captured in [from, to) per local day (UTC + offset hours) and operator. */
export function pagesPerDay(
  db: Db,
  range: { from: string; to: string },
  options: { bureau?: string | null; utcOffsetHours?: number } = {},
): DailyPages[] {
  return db
    .prepare(
      `SELECT strftime('%Y-%m-%d', p.captured_at, @offset) AS day, ${OPERATOR_SQL} AS operator, count(*) AS pages
       ${MONTH_PAGES_SQL}
         AND (@bureau IS NULL OR v.bureau_code = @bureau)
       GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .all({
      from: range.from,
      to: range.to,
      bureau: options.bureau ?? null,
      offset: `${options.utcOffsetHours ?? 8} hours`,
    }) as DailyPages[];
}

/** Volumes by their current state (withdrawn ones included: they are part of the picture). */
export function volumesByState(db: Db, bureau: string | null = null): { state: string; volumes: number }[] {
  return db
    .prepare(
      `SELECT state, count(*) AS volumes FROM volumes WHERE (@bureau IS NULL OR bureau_code = @bureau)
       GROUP BY state ORDER BY state`,
    )
    .all({ bureau }) as { state: string; volumes: number }[];
}

/** The bureaus that own volumes here, for the bureau choice. */
export function bureausWithVolumes(db: Db): string[] {
  return db.prepare('SELECT DISTINCT bureau_code FROM volumes ORDER BY 1').pluck().all() as string[];
}
