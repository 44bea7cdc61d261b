import { DEFAULT_PROVINCE, findBureau } from '../../core/bureaus';
import { CHECK_IDS } from '../../core/checks/categories';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { qaReason } from '../../core/verification/review-rules';
import { volumeTypeByCode } from '../../core/vocabulary';
import type { Db } from '../open';

/** One topic of the monthly statistics (综合统计): a table the workbook shows as a sheet and the UI as a chart. */
export interface StatsTopic {
  readonly id: 'by-type' | 'by-operator' | 'qa' | 'qa-reasons' | 'transfers' | 'check-trend';
  readonly title: string;
  readonly titleEn: string;
  /** `header` is the workbook's (Chinese); `headerEn` the English screen's. */
  readonly columns: readonly { readonly key: string; readonly header: string; readonly headerEn: string }[];
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
  readonly decorate?: (row: Row) => Row;
}

const col = (key: string, header: string, headerEn: string) => ({ key, header, headerEn }) as const;
const BUREAU = col('bureau', '登记机关', 'Bureau');
const VOLUMES = col('volumes', '案卷数', 'Volumes');
const PAGES = col('pages', '页数', 'Pages');

/**
 * Who digitized a page: the batch's operator, else the volume's creator (pages imported without a
 * batch). Shared with the 统计 screen's pages per day (daily.ts), so both name operators alike.
 */
export const OPERATOR_SQL = `coalesce(u.display_name, u.username, cu.display_name, cu.username, '（未记录）')`;

/** Live pages captured in [@from, @to), with their volume (`v`), batch operator (`u`) and volume creator (`cu`). */
export const MONTH_PAGES_SQL = `FROM pages p JOIN volumes v ON v.id = p.volume_id
          LEFT JOIN batches b ON b.id = p.batch_id LEFT JOIN users u ON u.id = b.operator_id
          LEFT JOIN users cu ON cu.id = v.created_by
          WHERE p.deleted_at IS NULL AND p.captured_at >= @from AND p.captured_at < @to`;

const TOPICS: readonly TopicQuery[] = [
  {
    id: 'by-type',
    title: '按案卷类型的数字化量',
    titleEn: 'Digitized by volume type',
    columns: [
      BUREAU,
      col('volumeType', '类型代码', 'Type code'),
      col('volumeTypeName', '案卷类型', 'Volume type'),
      VOLUMES,
      PAGES,
    ],
    sql: `SELECT v.bureau_code AS bureau, v.volume_type AS volumeType, count(DISTINCT v.id) AS volumes, count(*) AS pages
          ${MONTH_PAGES_SQL}
          GROUP BY v.bureau_code, v.volume_type ORDER BY v.bureau_code, v.volume_type`,
    decorate: (r) => ({
      ...r,
      volumeTypeName: volumeTypeByCode(String(r['volumeType']))?.name ?? r['volumeType'] ?? null,
    }),
  },
  {
    id: 'by-operator',
    title: '按扫描员的数字化量',
    titleEn: 'Digitized by operator',
    columns: [BUREAU, col('operator', '扫描员', 'Operator'), VOLUMES, PAGES],
    sql: `SELECT v.bureau_code AS bureau, ${OPERATOR_SQL} AS operator, count(DISTINCT v.id) AS volumes, count(*) AS pages
          ${MONTH_PAGES_SQL}
          GROUP BY 1, 2 ORDER BY 1, pages DESC, 2`,
  },
  {
    id: 'qa',
    title: '质检通过率',
    titleEn: 'QA pass rate',
    columns: [
      BUREAU,
      col('reviews', '质检次数', 'Reviews'),
      col('passed', '通过', 'Passed'),
      col('rejected', '退回', 'Rejected'),
      col('passRate', '通过率', 'Pass rate'),
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
      col('reason', '原因代码', 'Reason code'),
      col('reasonName', '原因', 'Reason'),
      col('count', '次数', 'Times'),
    ],
    table: 'qa_decisions',
    sql: `SELECT reason_code AS reason, count(*) AS count FROM qa_decisions
          WHERE verdict = 'problem' AND decided_at >= @from AND decided_at < @to GROUP BY reason_code ORDER BY count DESC, reason`,
    // The workbook is read by people: the reason's Chinese name beside its code.
    decorate: (r) => ({ ...r, reasonName: qaReason(String(r['reason']))?.name.zh ?? r['reason'] ?? null }),
  },
  {
    id: 'transfers',
    title: '移交',
    titleEn: 'Transfers',
    columns: [BUREAU, col('kind', '方式', 'Method'), VOLUMES, col('bytes', '字节数', 'Bytes')],
    sql: `SELECT v.bureau_code AS bureau, o.kind AS kind, count(DISTINCT o.volume_id) AS volumes, sum(coalesce(o.bytes_total, 0)) AS bytes
          FROM outbox o JOIN volumes v ON v.id = o.volume_id
          WHERE o.state = 'committed' AND o.updated_at >= @from AND o.updated_at < @to
          GROUP BY v.bureau_code, o.kind ORDER BY v.bureau_code, o.kind`,
  },
  // The trend: the last full check run of each of the twelve months up to this one. A run of some
  // categories only (`check --only`, a re-check after a fix) counts nothing of the others: taken as the
  // month's figure it would make the month look clean, so only runs covering every category count.
  {
    id: 'check-trend',
    title: '检错结果趋势',
    titleEn: 'Check findings trend',
    columns: [
      col('month', '月份', 'Month'),
      col('runAt', '检查时间（北京时间）', 'Run at (China Standard Time)'),
      col('errors', '错误数', 'Errors'),
      col('findings', '问题总数', 'Findings'),
    ],
    table: 'check_runs',
    sql: `WITH runs AS (
            SELECT strftime('%Y-%m', started_at, @offset) AS month, started_at, errors,
                   (SELECT sum(value) FROM json_each(counts)) AS findings,
                   row_number() OVER (PARTITION BY strftime('%Y-%m', started_at, @offset) ORDER BY started_at DESC) AS k
            FROM check_runs WHERE started_at >= @from AND started_at < @to
              AND NOT EXISTS (SELECT 1 FROM json_each(@all) a WHERE a.value NOT IN (SELECT value FROM json_each(categories))))
          SELECT month, strftime('%Y-%m-%d %H:%M', started_at, @offset) AS runAt, errors, findings
          FROM runs WHERE k = 1 ORDER BY month`,
    params: (b) => ({ from: b.trendFrom, to: b.to, offset: b.offset, all: JSON.stringify(CHECK_IDS) }),
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
  const topics = TOPICS.map(({ table, note, sql, params, decorate, ...shown }): StatsTopic => {
    const present = table === undefined || hasTable(db, table);
    const rows = present ? (db.prepare(sql).all(params ? params(bounds) : { from, to }) as Row[]) : [];
    const decorated = decorate ? rows.map(decorate) : rows;
    return {
      ...shown,
      ...withBureauNames(shown.columns, decorated),
      ...(!present && note !== undefined ? { note } : {}),
    };
  });
  return { month, from, to, topics };
}

const BUREAU_NAME = col('bureauName', '登记机关名称', 'Bureau name');

/** The workbook is read by people: each bureau code gets its name beside it. */
function withBureauNames(
  columns: StatsTopic['columns'],
  rows: readonly Row[],
): Pick<StatsTopic, 'columns' | 'rows'> {
  const at = columns.findIndex((c) => c.key === BUREAU.key);
  if (at < 0) return { columns, rows };
  return {
    columns: [...columns.slice(0, at + 1), BUREAU_NAME, ...columns.slice(at + 1)],
    rows: rows.map((r) => ({
      ...r,
      bureauName: findBureau(DEFAULT_PROVINCE, String(r['bureau']))?.name ?? null,
    })),
  };
}

function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
