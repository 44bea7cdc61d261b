import type { EChartsCoreOption } from 'echarts';
import type { Reference, VolumeState } from '../../../core/contracts';
import type { MonthlyStatsView, StatsTopic } from '../../../core/contracts/api-stats';
import type { I18n } from '../../i18n/i18n';

/** The option of each chart on the 统计 screen, from the figures the engine sends (pure functions). */

const FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
/** A horizontal chart's value-axis name under the axis (at its end it is cut off in English). */
const BELOW = { nameLocation: 'middle', nameGap: 26 } as const;
/** Bars no wider than this (a single bar would otherwise fill the whole card). */
const BAR = 48;
const base = { textStyle: { fontFamily: FONT }, grid: { left: 48, right: 24, top: 48, bottom: 40 } };

export function topic(stats: MonthlyStatsView, id: StatsTopic['id']): StatsTopic | undefined {
  return stats.topics.find((t) => t.id === id);
}

const num = (v: string | number | null | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** Pages without a recorded operator are named so by the figures (db/stats/monthly.ts). */
function operatorName(op: string, i18n: I18n): string {
  return op === '（未记录）' ? i18n.t(op, '(not recorded)') : op;
}

function bureauLabel(reference: Reference, code: unknown, i18n: I18n): string {
  const b = reference.bureaus.find((x) => x.code === code);
  return b ? i18n.t(b.shortName, b.nameEn) : String(code);
}

/** Every day of the month, `DD`, and the stacked pages of each operator on it. */
export function dailyPagesOption(stats: MonthlyStatsView, i18n: I18n): EChartsCoreOption {
  const [y, m] = stats.month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const labels = Array.from({ length: days }, (_, i) => `${stats.month}-${String(i + 1).padStart(2, '0')}`);
  const operators = [...new Set(stats.daily.map((d) => d.operator))].sort();
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 8, type: 'scroll' },
    xAxis: { type: 'category', data: labels.map((d) => d.slice(8)), name: i18n.t('日', 'Day') },
    yAxis: { type: 'value', name: i18n.t('页数', 'Pages'), minInterval: 1 },
    series: operators.map((op) => ({
      name: operatorName(op, i18n),
      type: 'bar',
      stack: 'pages',
      data: labels.map((d) => stats.daily.find((x) => x.day === d && x.operator === op)?.pages ?? 0),
    })),
  };
}

export function byStateOption(stats: MonthlyStatsView, reference: Reference, i18n: I18n): EChartsCoreOption {
  const name = (s: string) => {
    const found = reference.states.find((x) => x.state === (s as VolumeState));
    return found ? i18n.tx(found.name) : s;
  };
  return {
    ...base,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { orient: 'vertical', left: 8, top: 'middle' },
    series: [
      {
        type: 'pie',
        radius: ['38%', '68%'],
        center: ['62%', '52%'],
        label: { formatter: '{b}\n{c}' },
        data: stats.byState.map((s) => ({ name: name(s.state), value: s.volumes })),
      },
    ],
  };
}

export function qaOption(stats: MonthlyStatsView, reference: Reference, i18n: I18n): EChartsCoreOption {
  const rows = topic(stats, 'qa')?.rows ?? [];
  const bureaus = rows.map((r) => bureauLabel(reference, r['bureau'], i18n));
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: { top: 8 },
    xAxis: { type: 'category', data: bureaus },
    yAxis: [
      { type: 'value', name: i18n.t('次数', 'Reviews'), minInterval: 1 },
      { type: 'value', name: i18n.t('通过率 %', 'Pass rate %'), min: 0, max: 100 },
    ],
    series: [
      {
        name: i18n.t('通过', 'Passed'),
        type: 'bar',
        stack: 'qa',
        barMaxWidth: BAR * 2,
        data: rows.map((r) => num(r['passed'])),
      },
      {
        name: i18n.t('退回', 'Rejected'),
        type: 'bar',
        stack: 'qa',
        barMaxWidth: BAR * 2,
        data: rows.map((r) => num(r['rejected'])),
      },
      {
        name: i18n.t('通过率', 'Pass rate'),
        type: 'line',
        yAxisIndex: 1,
        label: { show: true, formatter: '{c}%' },
        data: rows.map((r) => Math.round(num(r['passRate']) * 1000) / 10),
      },
    ],
  };
}

export function reasonsOption(stats: MonthlyStatsView, i18n: I18n): EChartsCoreOption {
  const rows = [...(topic(stats, 'qa-reasons')?.rows ?? [])].reverse();
  return {
    ...base,
    grid: { left: 24, right: 40, top: 24, bottom: 40, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: i18n.t('次数', 'Times'), minInterval: 1, ...BELOW },
    yAxis: {
      type: 'category',
      data: rows.map((r) => {
        const code = String(r['reason'] ?? '');
        const name = stats.reasonNames[code];
        return name ? i18n.tx(name) : code;
      }),
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: BAR,
        data: rows.map((r) => num(r['count'])),
        label: { show: true, position: 'right' },
      },
    ],
  };
}

export function transfersOption(
  stats: MonthlyStatsView,
  reference: Reference,
  i18n: I18n,
): EChartsCoreOption {
  const rows = topic(stats, 'transfers')?.rows ?? [];
  const bureaus = [...new Set(rows.map((r) => String(r['bureau'])))];
  const kinds = [...new Set(rows.map((r) => String(r['kind'])))];
  const kindName = (k: string) =>
    k === 'upload'
      ? i18n.t('在线上传', 'Online upload')
      : k === 'export'
        ? i18n.t('离线导出', 'Offline export')
        : k;
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 8 },
    xAxis: { type: 'category', data: bureaus.map((b) => bureauLabel(reference, b, i18n)) },
    yAxis: { type: 'value', name: i18n.t('案卷数', 'Volumes'), minInterval: 1 },
    series: kinds.map((k) => ({
      name: kindName(k),
      type: 'bar',
      barMaxWidth: BAR,
      data: bureaus.map((b) => num(rows.find((r) => r['bureau'] === b && r['kind'] === k)?.['volumes'])),
    })),
  };
}

export function checkTrendOption(stats: MonthlyStatsView, i18n: I18n): EChartsCoreOption {
  const rows = topic(stats, 'check-trend')?.rows ?? [];
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: { top: 8 },
    xAxis: { type: 'category', data: rows.map((r) => String(r['month'])) },
    yAxis: { type: 'value', name: i18n.t('问题数', 'Findings'), minInterval: 1 },
    series: [
      { name: i18n.t('问题总数', 'All findings'), type: 'line', data: rows.map((r) => num(r['findings'])) },
      {
        name: i18n.t('错误数', 'Errors'),
        type: 'line',
        data: rows.map((r) => num(r['errors'])),
        itemStyle: { color: '#d4380d' },
      },
    ],
  };
}

export function byTypeOption(stats: MonthlyStatsView, reference: Reference, i18n: I18n): EChartsCoreOption {
  const rows = topic(stats, 'by-type')?.rows ?? [];
  const types = [...new Set(rows.map((r) => String(r['volumeType'])))];
  const typeName = (c: string) => {
    const v = reference.volumeTypes.find((x) => x.code === c);
    return v ? i18n.t(v.name, v.nameEn) : c;
  };
  const sum = (c: string, key: string) =>
    rows.filter((r) => r['volumeType'] === c).reduce((n, r) => n + num(r[key]), 0);
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 8 },
    grid: { ...base.grid, bottom: i18n.locale === 'en' ? 76 : 40 },
    // Every type named: English names are long, so they lean rather than drop out.
    xAxis: {
      type: 'category',
      data: types.map(typeName),
      axisLabel: { interval: 0, rotate: i18n.locale === 'en' ? 30 : 0 },
    },
    yAxis: [
      { type: 'value', name: i18n.t('页数', 'Pages'), minInterval: 1 },
      { type: 'value', name: i18n.t('案卷数', 'Volumes'), minInterval: 1 },
    ],
    series: [
      { name: i18n.t('页数', 'Pages'), type: 'bar', data: types.map((c) => sum(c, 'pages')) },
      {
        name: i18n.t('案卷数', 'Volumes'),
        type: 'bar',
        yAxisIndex: 1,
        data: types.map((c) => sum(c, 'volumes')),
      },
    ],
  };
}

/** Pages each operator digitized in the month (all bureaus shown, or the chosen one), most first. */
export function byOperatorOption(stats: MonthlyStatsView, i18n: I18n): EChartsCoreOption {
  const rows = topic(stats, 'by-operator')?.rows ?? [];
  const pages = new Map<string, number>();
  for (const r of rows)
    pages.set(String(r['operator']), (pages.get(String(r['operator'])) ?? 0) + num(r['pages']));
  const sorted = [...pages].sort((a, b) => a[1] - b[1]); // the largest at the top of the axis
  return {
    ...base,
    grid: { left: 24, right: 48, top: 24, bottom: 40, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: i18n.t('页数', 'Pages'), minInterval: 1, ...BELOW },
    yAxis: { type: 'category', data: sorted.map(([op]) => operatorName(op, i18n)) },
    series: [
      {
        type: 'bar',
        barMaxWidth: BAR,
        data: sorted.map(([, n]) => n),
        label: { show: true, position: 'right' },
      },
    ],
  };
}
