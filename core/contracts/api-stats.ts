import { z } from 'zod';
import { TextSchema } from './envelope';
import { endpoint, short, type Endpoint } from './endpoint';

/** Who reads the figures: QA staff (pass rates), technicians (transfers, checks) and administrators. */
const READERS = ['qa', 'technician', 'admin'] as const;

const MonthInput = z.strictObject({
  /** YYYY-MM; months are counted in China Standard Time (UTC+8), as `dangan report monthly` does. */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  /** One bureau's rows only; absent: every bureau. */
  bureau: short(12).optional(),
});

const Cell = z.union([z.string(), z.number(), z.null()]);

/** One topic of `dangan report monthly` (db/stats/monthly.ts): the same rows feed its sheet and a chart. */
export const StatsTopicSchema = z.object({
  id: z.enum(['by-type', 'by-operator', 'qa', 'qa-reasons', 'transfers', 'check-trend']),
  title: z.string(),
  titleEn: z.string(),
  /** `header`: the workbook's Chinese header; `headerEn`: the English screen's. */
  columns: z.array(z.object({ key: z.string(), header: z.string(), headerEn: z.string() })),
  rows: z.array(z.record(z.string(), Cell)),
  note: z.string().optional(),
});
export type StatsTopic = z.infer<typeof StatsTopicSchema>;

export const MonthlyStatsSchema = z.object({
  month: z.string(),
  from: z.string(),
  to: z.string(),
  bureau: z.string().nullable(),
  topics: z.array(StatsTopicSchema),
  /** Pages captured per day (CST) and operator in the month. */
  daily: z.array(z.object({ day: z.string(), operator: z.string(), pages: z.number().int() })),
  /** Volumes by current state (a snapshot, not the month's). */
  byState: z.array(z.object({ state: z.string(), volumes: z.number().int() })),
  /** The names of QA rejection reasons (the topic holds their codes). */
  reasonNames: z.record(z.string(), TextSchema),
  /** Bureaus that have data here, for the bureau choice. */
  bureaus: z.array(z.string()),
});
export type MonthlyStatsView = z.infer<typeof MonthlyStatsSchema>;

/** 统计: the figures behind the charts, and the same workbook as `dangan report monthly --xlsx`. */
export const STATS_API = {
  'stats.monthly': endpoint(READERS, MonthInput, MonthlyStatsSchema),
  'stats.workbook': endpoint(READERS, MonthInput, z.object({ fileName: z.string(), xlsxBase64: z.string() })),
} as const satisfies Record<string, Endpoint>;
