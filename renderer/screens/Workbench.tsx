import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { EditOutlined, FileSearchOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Dashboard } from '../../core/contracts';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { mayCall } from '../app/RoleGate';
import { STATE_COLORS, localTime, stateName, volumeTypeName } from '../app/format';
import { useI18n } from '../i18n/i18n';
import { VolumeDrawer } from '../app/VolumeDrawer';

type QueueRow = Dashboard['queue'][number]['volumes'][number];

/** QA's reasons for sending a volume back: where (page / document), why (Chinese name), the note. */
function RejectionReasons({ row }: { row: QueueRow }) {
  const i18n = useI18n();
  const { t } = i18n;
  const problems = row.rejection?.problems ?? [];
  if (problems.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space orientation="vertical" size={2} data-testid={`rejection-${row.id}`}>
      {problems.map((p, i) => (
        <span key={i}>
          <Tag>
            {p.targetKind === 'page'
              ? t(`第 ${p.targetSeq} 页`, `Page ${p.targetSeq}`)
              : t(`第 ${p.targetSeq} 件`, `Document ${p.targetSeq}`)}
          </Tag>
          <Typography.Text strong>{i18n.tx(p.reason)}</Typography.Text>
          {p.note !== null && p.note !== '' && <Typography.Text>：{p.note}</Typography.Text>}
        </span>
      ))}
    </Space>
  );
}

/** 工作台: my queue by state, today's counts, what needs attention. Refreshes when a volume changes. */
export function WorkbenchScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference, user, navigate } = useApp();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await client.call('dashboard.get', {}));
      setError(null);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n]);

  useEffect(() => {
    void load();
    return client.subscribe((e) => {
      if (e.name === 'volume.changed' || e.name === 'engine.ready') void load();
    });
  }, [client, load]);

  const columns = [
    { title: t('档号', 'Archive no.'), dataIndex: 'archiveNo', key: 'archiveNo', width: 220 },
    { title: t('企业', 'Enterprise'), dataIndex: 'enterpriseName', key: 'enterpriseName' },
    {
      title: t('代码', 'Code'),
      dataIndex: 'enterpriseCode',
      key: 'enterpriseCode',
      width: 190,
      render: (c: string | null) => <Typography.Text code>{c ?? '—'}</Typography.Text>,
    },
    {
      title: t('类型', 'Type'),
      dataIndex: 'volumeType',
      key: 'volumeType',
      width: 110,
      render: (code: string) => volumeTypeName(reference, code, i18n),
    },
    {
      title: t('更新时间', 'Updated'),
      dataIndex: 'updatedAt',
      key: 'updatedAt',
      width: 160,
      render: (iso: string) => localTime(iso),
    },
  ];

  /** A column whose button opens 著录标引 at the row's volume (`<key>-<id>` names it for tests). */
  const toCatalogue = (key: string, icon: ReactNode, label: string) => ({
    title: '',
    key,
    width: 110,
    render: (_: unknown, row: QueueRow) => (
      <Button
        type="primary"
        size="small"
        icon={icon}
        data-testid={`${key}-${row.id}`}
        onClick={(e) => {
          e.stopPropagation();
          navigate(`/catalogue?volume=${row.id}`);
        }}
      >
        {label}
      </Button>
    ),
  });

  // A rejected volume says why and opens 著录标引 at it, where the operator reworks it.
  const rejectedColumns = [
    ...columns.filter((c) => c.key !== 'enterpriseCode' && c.key !== 'volumeType'),
    {
      title: t('退回原因', 'Why QA sent it back'),
      key: 'rejection',
      render: (_: unknown, row: QueueRow) => <RejectionReasons row={row} />,
    },
    toCatalogue('rework', <EditOutlined />, t('去返工', 'Rework')),
  ];

  // A scanned volume opens 著录标引 at itself: the operator's next step after scanning.
  const scannedColumns = mayCall(user, 'catalogue.save')
    ? [...columns, toCatalogue('catalogue', <FileSearchOutlined />, t('去著录', 'Catalogue'))]
    : columns;

  const mine = user.roles.length === 1 && user.roles[0] === 'operator';
  const stats: [string, number][] = data
    ? [
        [t('登记案卷', 'Volumes registered'), data.today.volumesRegistered],
        [t('扫描页数', 'Pages scanned'), data.today.pagesCaptured],
        [t('完成著录', 'Volumes catalogued'), data.today.volumesCatalogued],
        [t('校核通过', 'Volumes passed QA'), data.today.volumesVerified],
        [t('退回', 'Volumes rejected'), data.today.volumesRejected],
      ]
    : [];

  return (
    <Space orientation="vertical" size="large" className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t('工作台', 'Workbench')}
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Card
        title={mine ? t('我今天的工作', 'My work today') : t('本工作站今天', 'This workstation today')}
        size="small"
      >
        <Row gutter={16}>
          {stats.map(([label, n]) => (
            <Col key={label} span={4}>
              <Statistic title={label} value={n} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title={t('需要处理', 'Needs attention')} size="small">
        {data && data.attention.length === 0 && (
          <Typography.Text type="secondary">
            {t('没有需要特别处理的事项', 'Nothing needs attention')}
          </Typography.Text>
        )}
        <Space orientation="vertical" className="full-width">
          {data?.attention.map((a, i) => (
            <Alert
              key={i}
              type={a.kind === 'rejected' || a.kind === 'outbox-failed' ? 'error' : 'warning'}
              showIcon
              title={i18n.tx(a.message)}
            />
          ))}
        </Space>
      </Card>
      <Card title={t('我的待办队列', 'My queue')} size="small">
        {data && data.queue.length === 0 ? (
          <Empty description={t('队列为空', 'The queue is empty')} />
        ) : (
          <Tabs
            items={(data?.queue ?? []).map((q) => ({
              key: q.state,
              label: (
                <span>
                  <Tag color={STATE_COLORS[q.state]}>{stateName(reference, q.state, i18n)}</Tag>
                  {q.count}
                </span>
              ),
              children: (
                <Table<QueueRow>
                  size="small"
                  rowKey="id"
                  rowClassName="clickable"
                  onRow={(row) => ({
                    onClick: () => {
                      setOpen(row.id);
                    },
                  })}
                  columns={
                    q.state === 'rejected'
                      ? rejectedColumns
                      : q.state === 'scanned'
                        ? scannedColumns
                        : columns
                  }
                  dataSource={q.volumes}
                  pagination={false}
                />
              ),
            }))}
          />
        )}
      </Card>
      <VolumeDrawer
        volumeId={open}
        onClose={() => {
          setOpen(null);
          void load();
        }}
      />
    </Space>
  );
}
