import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Db } from '../open';

/** One topic of the monthly statistics (综合统计): a table the workbook shows as a sheet and the UI as a chart. */
export interface StatsTopic {
  readonly id: 'by-type' | 'by-operator' | 'qa' | 'qa-reasons' | 'transfers' | 'check-trend';
  readonly title: string;
  readonly titleEn: string;
  readonly columns: readonly { readonly key: string; readonly header: string }[];
  readonly rows: readonly Readonly<Record<string, string | number | null>>[];
  /** Why the topic is empty although it should not be (its tables do not exist in this schema). */
  readonly note?: string;
}

export interface MonthlyStats {
  readonly month: string;
  readonly from: string;
  readonly to: string;
  readonly topics: readonly StatsTopic[];
}

/**
 * The month's boundaries in the bureaus' time zone (China Standard Time, UTC+8, by default): a page
 * scanned at 07:00 on 1 November Beijing time is November's, although it is still 31 October in UTC.
 */
export function monthRange(month: string, utcOffsetHours = 8): { from: string; to: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) {
    throw new DomainError(
      'stats.month',
      text(
        `月份应写作 YYYY-MM，例如 2026-10：${month}`,
        `The month must be written YYYY-MM, e.g. 2026-10: ${month}`,
      ),
    );
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const shift = utcOffsetHours * 3_600_000;
  return {
    from: new Date(Date.UTC(y, mo - 1, 1) - shift).toISOString(),
    to: new Date(Date.UTC(y, mo, 1) - shift).toISOString(),
  };
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

type Row = Record<string, string | number | null>;

interface Bounds {
  readonly from: string;
  readonly to: string;
  readonly trendFrom: string;
  readonly offset: string;
}

/** What a topic shows and the one set-based query behind it; `table` names what an older schema may lack. */
interface TopicQuery extends Omit<StatsTopic, 'rows' | 'note'> {
  readonly table?: string;
  readonly note?: string;
  readonly sql: string;
  readonly params?: (b: Bounds) => Readonly<Record<string, string>>;
}

const BUREAU = { key: 'bureau', header: '登记机关' } as const;

const TOPICS: readonly TopicQuery[] = [
  {
    id: 'by-type',
    title: '按案卷类型的数字化量',
    titleEn: 'Digitized by volume type',
    columns: [
      BUREAU,
      { key: 'volumeType', header: '案卷类型' },
      { key: 'volumes', header: '案卷数' },
      { key: 'pages', header: '页数' },
    ],
    sql: `SELECT v.bureau_code AS bureau, v.volume_type AS volumeType, count(DISTINCT v.id) AS volumes, count(*) AS pages
          FROM pages p JOIN volumes v ON v.id = p.volume_id
          WHERE p.deleted_at IS NULL AND p.captured_at >= @from AND p.captured_at < @to
          GROUP BY v.bureau_code, v.volume_type ORDER BY v.bureau_code, v.volume_type`,
  },
  {
    id: 'by-operator',
    title: '按扫描员的数字化量',
    titleEn: 'Digitized by operator',
    columns: [
      BUREAU,
      { key: 'operator', header: '扫描员' },
      { key: 'volumes', header: '案卷数' },
      { key: 'pages', header: '页数' },
    ],
    sql: `SELECT v.bureau_code AS bureau, coalesce(u.display_name, u.username, cu.display_name, cu.username, '（未记录）') AS operator,
                 count(DISTINCT v.id) AS volumes, count(*) AS pages
          FROM pages p JOIN volumes v ON v.id = p.volume_id
          LEFT JOIN batches b ON b.id = p.batch_id LEFT JOIN users u ON u.id = b.operator_id
          LEFT JOIN users cu ON cu.id = v.created_by
          WHERE p.deleted_at IS NULL AND p.captured_at >= @from AND p.captured_at < @to
          GROUP BY 1, 2 ORDER BY 1, pages DESC`,
  },
  {
    id: 'qa',
    title: '质检通过率',
    titleEn: 'QA pass rate',
    columns: [
      BUREAU,
      { key: 'reviews', header: '质检次数' },
      { key: 'passed', header: '通过' },
      { key: 'rejected', header: '退回' },
      { key: 'passRate', header: '通过率' },
    ],
    table: 'qa_reviews',
    note: '本库没有质检记录表 / no QA tables in this database',
    sql: `SELECT v.bureau_code AS bureau, count(*) AS reviews, sum(r.state = 'passed') AS passed, sum(r.state = 'rejected') AS rejected,
                 round(1.0 * sum(r.state = 'passed') / count(*), 4) AS passRate
          FROM qa_reviews r JOIN volumes v ON v.id = r.volume_id
          WHERE r.state IN ('passed', 'rejected') AND r.finished_at >= @from AND r.finished_at < @to
          GROUP BY v.bureau_code ORDER BY v.bureau_code`,
  },
  {
    id: 'qa-reasons',
    title: '退回原因',
    titleEn: 'Rejection reasons',
    columns: [
      { key: 'reason', header: '原因' },
      { key: 'count', header: '次数' },
    ],
    table: 'qa_decisions',
    sql: `SELECT reason_code AS reason, count(*) AS count FROM qa_decisions
          WHERE verdict = 'problem' AND decided_at >= @from AND decided_at < @to GROUP BY reason_code ORDER BY count DESC, reason`,
  },
  {
    id: 'transfers',
    title: '移交',
    titleEn: 'Transfers',
    columns: [
      BUREAU,
      { key: 'kind', header: '方式' },
      { key: 'volumes', header: '案卷数' },
      { key: 'bytes', header: '字节数' },
    ],
    sql: `SELECT v.bureau_code AS bureau, o.kind AS kind, count(DISTINCT o.volume_id) AS volumes, sum(coalesce(o.bytes_total, 0)) AS bytes
          FROM outbox o JOIN volumes v ON v.id = o.volume_id
          WHERE o.state = 'committed' AND o.updated_at >= @from AND o.updated_at < @to
          GROUP BY v.bureau_code, o.kind ORDER BY v.bureau_code, o.kind`,
  },
  // The trend: the last check run of each of the twelve months up to this one.
  {
    id: 'check-trend',
    title: '检错结果趋势',
    titleEn: 'Check findings trend',
    columns: [
      { key: 'month', header: '月份' },
      { key: 'runAt', header: '检查时间' },
      { key: 'errors', header: '错误数' },
      { key: 'findings', header: '问题总数' },
    ],
    table: 'check_runs',
    sql: `WITH runs AS (
            SELECT strftime('%Y-%m', started_at, @offset) AS month, started_at, errors,
                   (SELECT sum(value) FROM json_each(counts)) AS findings,
                   row_number() OVER (PARTITION BY strftime('%Y-%m', started_at, @offset) ORDER BY started_at DESC) AS k
            FROM check_runs WHERE started_at >= @from AND started_at < @to)
          SELECT month, started_at AS runAt, errors, findings FROM runs WHERE k = 1 ORDER BY month`,
    params: (b) => ({ from: b.trendFrom, to: b.to, offset: b.offset }),
  },
];

/** Monthly figures per bureau. All set-based SQL over the month's rows. */
export function monthlyStats(db: Db, month: string, options: { utcOffsetHours?: number } = {}): MonthlyStats {
  const offsetHours = options.utcOffsetHours ?? 8;
  const { from, to } = monthRange(month, offsetHours);
  const bounds: Bounds = {
    from,
    to,
    trendFrom: monthRange(shiftMonth(month, -11), offsetHours).from,
    offset: `${offsetHours} hours`,
  };
  const topics = TOPICS.map(({ table, note, sql, params, ...shown }): StatsTopic => {
    const present = table === undefined || hasTable(db, table);
    return {
      ...shown,
      rows: present ? (db.prepare(sql).all(params ? params(bounds) : { from, to }) as Row[]) : [],
      ...(!present && note !== undefined ? { note } : {}),
    };
  });
  return { month, from, to, topics };
}

function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
