import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { EChartsCoreOption } from 'echarts';
import type { MonthlyStatsView, StatsTopic } from '../../core/contracts/api-stats';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { EChart } from '../charts/EChart';
import { useI18n } from '../i18n/i18n';
import {
  byOperatorOption,
  byStateOption,
  byTypeOption,
  checkTrendOption,
  dailyPagesOption,
  qaOption,
  reasonsOption,
  topic,
  transfersOption,
} from './stats/chart-options';

/** The current month and the 23 before it, `YYYY-MM`, counted in China Standard Time as the figures are. */
function recentMonths(): string[] {
  const cst = new Date(Date.now() + 8 * 3_600_000);
  const index = cst.getUTCFullYear() * 12 + cst.getUTCMonth();
  return Array.from({ length: 24 }, (_, i) => {
    const k = index - i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * A table cell: in Chinese exactly the workbook's value; in English the few Chinese words the figures
 * carry (the unrecorded operator, reason names) and the transfer methods in English.
 */
function useCellText(reasonNames: MonthlyStatsView['reasonNames'] | undefined) {
  const { t, locale } = useI18n();
  return (key: string, v: string | number | null, row: StatsTopic['rows'][number]): string => {
    const value = v === null ? '' : String(v);
    if (locale === 'zh') return value;
    if (key === 'operator' && value === UNRECORDED) return t(UNRECORDED, '(not recorded)');
    if (key === 'reasonName') return reasonNames?.[String(row['reason'])]?.en ?? value;
    if (key === 'kind')
      return value === 'upload' ? 'Online upload' : value === 'export' ? 'Offline export' : value;
    return value;
  };
}

/** How the figures name pages without a recorded operator (db/stats/monthly.ts). */
const UNRECORDED = '（未记录）';

/** A chart, or with 表格 chosen the topic's rows exactly as the exported workbook holds them. */
function ChartCard({
  title,
  empty,
  children,
  testId,
  table,
  reasonNames,
}: {
  title: string;
  empty: boolean;
  children: ReactNode;
  testId: string;
  table?: StatsTopic | undefined;
  reasonNames?: MonthlyStatsView['reasonNames'];
}) {
  const { t } = useI18n();
  const cellText = useCellText(reasonNames);
  const [asTable, setAsTable] = useState(false);
  const showTable = asTable && table !== undefined && !empty;
  return (
    <Card
      size="small"
      title={title}
      data-testid={testId}
      extra={
        table !== undefined && !empty ? (
          <Segmented
            size="small"
            value={asTable ? 'table' : 'chart'}
            onChange={(v) => {
              setAsTable(v === 'table');
            }}
            options={[
              { value: 'chart', label: t('图', 'Chart') },
              { value: 'table', label: t('表', 'Table') },
            ]}
            data-testid={`${testId}-view`}
          />
        ) : null
      }
    >
      {empty ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('本月没有数据', 'No data this month')}
          style={{ height: 268, paddingTop: 72, margin: 0 }}
        />
      ) : showTable ? (
        <Table
          size="small"
          pagination={false}
          scroll={{ y: 236 }}
          style={{ height: 268 }}
          rowKey="rowNumber"
          dataSource={table.rows.map((r, i) => ({ ...r, rowNumber: i }))}
          columns={table.columns.map((c) => ({
            key: c.key,
            dataIndex: c.key,
            title: t(c.header, c.headerEn),
            render: (v: string | number | null, row: StatsTopic['rows'][number]) => cellText(c.key, v, row),
          }))}
          data-testid={`table-${table.id}`}
        />
      ) : (
        children
      )}
    </Card>
  );
}

/**
 * 统计: the month's figures of `dangan report monthly` as charts — pages per day and operator, volumes
 * by state, QA pass rate, rejection reasons, transfers, the trend of check findings — for one bureau
 * or all, and the same workbook to download.
 */
export function StatsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference, user } = useApp();
  const allowed = user.roles.some((r) => r === 'qa' || r === 'technician' || r === 'admin');
  const months = useMemo(recentMonths, []);
  const [month, setMonth] = useState(months[0] ?? '2026-01');
  const [bureau, setBureau] = useState<string>('');
  const [stats, setStats] = useState<MonthlyStatsView | null>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [download, setDownload] = useState<{ url: string; fileName: string } | null>(null);

  const input = useMemo(() => (bureau === '' ? { month } : { month, bureau }), [month, bureau]);
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setStats(await client.call('stats.monthly', input));
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setLoading(false);
    }
  }, [client, i18n, input]);

  useEffect(() => {
    if (allowed) void load();
  }, [load, allowed]);
  useEffect(
    () => () => {
      if (download) URL.revokeObjectURL(download.url);
    },
    [download],
  );

  const exportWorkbook = async () => {
    setExporting(true);
    setError(null);
    try {
      const r = await client.call('stats.workbook', input);
      const bytes = Uint8Array.from(atob(r.xlsxBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(
        new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
      );
      setDownload({ url, fileName: r.fileName });
      // Start the download at once; the link stays for a second try.
      const a = document.createElement('a');
      a.href = url;
      a.download = r.fileName;
      a.click();
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setExporting(false);
    }
  };

  const bureauOptions = [
    { value: '', label: t('全部登记机关', 'All bureaus') },
    ...reference.bureaus
      .filter((b) => stats === null || stats.bureaus.includes(b.code) || b.code === bureau)
      .map((b) => ({ value: b.code, label: t(b.name, b.nameEn) })),
  ];
  const totalPages = stats?.daily.reduce((n, d) => n + d.pages, 0) ?? 0;
  const byType = stats ? (topic(stats, 'by-type')?.rows ?? []) : [];
  const volumes = byType.reduce((n, r) => n + Number(r['volumes'] ?? 0), 0);
  const qaRows = stats ? (topic(stats, 'qa')?.rows ?? []) : [];
  const reviews = qaRows.reduce((n, r) => n + Number(r['reviews'] ?? 0), 0);
  const passed = qaRows.reduce((n, r) => n + Number(r['passed'] ?? 0), 0);
  const rows = (id: Parameters<typeof topic>[1]) => (stats ? (topic(stats, id)?.rows.length ?? 0) : 0);
  /** One card per topic of the monthly report (a sheet of the workbook each), chart or table. */
  const topicCharts = (
    s: MonthlyStatsView,
  ): { id: StatsTopic['id']; testId: string; title: string; span: 12 | 24; option: EChartsCoreOption }[] => [
    {
      id: 'by-type',
      testId: 'chart-type',
      title: t('按案卷类型的数字化量', 'Digitized by volume type'),
      span: 12,
      option: byTypeOption(s, reference, i18n),
    },
    {
      id: 'by-operator',
      testId: 'chart-operator',
      title: t('按扫描员的数字化量', 'Digitized by operator'),
      span: 12,
      option: byOperatorOption(s, i18n),
    },
    {
      id: 'qa',
      testId: 'chart-qa',
      title: t('质检通过率', 'QA pass rate'),
      span: 12,
      option: qaOption(s, reference, i18n),
    },
    {
      id: 'qa-reasons',
      testId: 'chart-reasons',
      title: t('退回原因', 'Rejection reasons'),
      span: 12,
      option: reasonsOption(s, i18n),
    },
    {
      id: 'transfers',
      testId: 'chart-transfers',
      title: t('移交', 'Transfers'),
      span: 12,
      option: transfersOption(s, reference, i18n),
    },
    {
      id: 'check-trend',
      testId: 'chart-trend',
      title: t('检错结果趋势（近 12 个月）', 'Check findings, last 12 months'),
      span: 24,
      option: checkTrendOption(s, i18n),
    },
  ];

  return (
    <Space orientation="vertical" size="large" className="screen" style={{ width: '100%' }}>
      <Typography.Title level={3} data-testid="screen-title">
        {t('统计', 'Statistics')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Typography.Text>{t('月份', 'Month')}</Typography.Text>
          <Select
            value={month}
            onChange={setMonth}
            style={{ width: 140 }}
            options={months.map((m) => ({
              value: m,
              label: t(`${m.slice(0, 4)}年${Number(m.slice(5))}月`, m),
            }))}
            data-testid="stats-month"
          />
          <Typography.Text>{t('登记机关', 'Bureau')}</Typography.Text>
          <Select
            value={bureau}
            onChange={setBureau}
            style={{ width: 220 }}
            options={bureauOptions}
            data-testid="stats-bureau"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
            {t('刷新', 'Refresh')}
          </Button>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void exportWorkbook()}
            data-testid="stats-export"
          >
            {t('导出 Excel（与月报相同）', 'Export Excel (the monthly report)')}
          </Button>
          {download && (
            <a href={download.url} download={download.fileName} data-testid="stats-download">
              {download.fileName}
            </a>
          )}
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t(
            '按北京时间统计；退回原因与检错趋势不分登记机关。',
            'Counted in Beijing time; rejection reasons and the check trend are for all bureaus.',
          )}
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="error" showIcon title={error} data-testid="stats-error" />}
      {!allowed ? (
        <Alert
          type="info"
          showIcon
          title={t(
            '统计供质检员、运维人员和管理员查看；今日工作量见“工作台”',
            'Statistics are for QA, technicians and administrators; your own counts are on the Workbench',
          )}
        />
      ) : stats === null ? (
        <Spin />
      ) : (
        <Spin spinning={loading}>
          <Row gutter={[16, 16]}>
            <Col span={6}>
              <Card size="small">
                <Statistic title={t('本月扫描页数', 'Pages this month')} value={totalPages} />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic title={t('本月数字化案卷', 'Volumes digitized')} value={volumes} />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title={t('质检通过率', 'QA pass rate')}
                  value={reviews === 0 ? '—' : ((passed / reviews) * 100).toFixed(1)}
                  suffix={reviews === 0 ? undefined : '%'}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic title={t('质检次数', 'QA reviews')} value={reviews} />
              </Card>
            </Col>
            <Col span={24}>
              <ChartCard
                title={t('每日扫描页数（按扫描员）', 'Pages per day by operator')}
                empty={stats.daily.length === 0}
                testId="chart-daily"
              >
                <EChart option={dailyPagesOption(stats, i18n)} />
              </ChartCard>
            </Col>
            <Col span={12}>
              <ChartCard
                title={t('案卷状态分布（当前）', 'Volumes by state (now)')}
                empty={stats.byState.length === 0}
                testId="chart-state"
              >
                <EChart option={byStateOption(stats, reference, i18n)} />
              </ChartCard>
            </Col>
            {topicCharts(stats).map((c) => (
              <Col span={c.span} key={c.id}>
                <ChartCard
                  title={c.title}
                  empty={rows(c.id) === 0}
                  testId={c.testId}
                  table={topic(stats, c.id)}
                  reasonNames={stats.reasonNames}
                >
                  <EChart option={c.option} />
                </ChartCard>
              </Col>
            ))}
          </Row>
        </Spin>
      )}
    </Space>
  );
}
