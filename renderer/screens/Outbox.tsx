import {
  Alert,
  Button,
  Card,
  Col,
  Input,
  Popconfirm,
  Progress,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import {
  CloudUploadOutlined,
  ExportOutlined,
  RedoOutlined,
  SettingOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useCallback, useEffect, useState } from 'react';
import type { OutboxRow, OutboxStatus, Text } from '../../core/contracts';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { localTime } from '../app/format';
import { useI18n } from '../i18n/i18n';
import { useVolumeSearch, VolumePicker } from './volume-picker';

type OutboxState = OutboxRow['state'];

const STATE_LABELS: Readonly<Record<OutboxState, readonly [string, string, string]>> = {
  queued: ['排队中', 'Queued', 'default'],
  sending: ['上传中', 'Sending', 'processing'],
  failed: ['失败', 'Failed', 'error'],
  committed: ['已入库', 'Committed', 'success'],
  cancelled: ['已取消', 'Cancelled', 'default'],
};
const SHOWN: OutboxState[] = ['queued', 'sending', 'failed', 'committed'];
/** Volumes that may be queued for upload (one already in the queue is left out of the picker). */
const READY = ['verified', 'queued'] as const;
/** While something is moving, the table refreshes itself: the uploader runs beside the UI. */
const POLL_MS = 3000;

function percent(r: OutboxRow): number {
  if (r.state === 'committed') return 100;
  if (r.bytesTotal === null || r.bytesTotal === 0) return 0;
  return Math.floor((r.bytesDone / r.bytesTotal) * 100);
}

function mib(bytes: number): string {
  // Small volumes in KB: "0.0 MB / 0.0 MB" says nothing.
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 上传队列: volumes waiting for, in, or done with transfer to the archive store; retry, cancel, export. */
export function OutboxScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, user, navigate } = useApp();
  const isTech = user.roles.includes('technician');
  const [rows, setRows] = useState<OutboxRow[]>([]);
  const [status, setStatus] = useState<OutboxStatus | null>(null);
  // Verified volumes, oldest first (the upload order), searched on the engine.
  const ready = useVolumeSearch(client, { states: READY, order: 'queue', limit: 500 }, (e) => {
    setError(errorText(e, i18n));
  });
  const reloadReady = ready.reload;
  const [toQueue, setToQueue] = useState<number[]>([]);
  const [selected, setSelected] = useState<number[]>([]);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Text | null>(null);

  const load = useCallback(async () => {
    try {
      const [o, st] = await Promise.all([
        client.call('outbox.list', { states: SHOWN }),
        client.call('outbox.status', {}),
        reloadReady(),
      ]);
      setRows([...o].reverse());
      setStatus(st);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n, reloadReady]);

  useEffect(() => {
    void load();
  }, [load]);

  // The engine's uploader reports each step: progress is updated in place, a finished or failed entry
  // (its error, its attempts) is fetched again.
  useEffect(
    () =>
      client.subscribe((e) => {
        if (e.name === 'engine.ready') void load();
        if (e.name !== 'outbox.changed') return;
        const p = e.payload;
        if (p.state === 'sending') {
          setRows((old) =>
            old.map((r) =>
              r.id === p.id ? { ...r, state: p.state, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal } : r,
            ),
          );
        } else void load();
      }),
    [client, load],
  );

  const moving = rows.some((r) => r.state === 'queued' || r.state === 'sending');
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      clearInterval(timer);
    };
  }, [moving, load]);

  const act = async (key: string, work: () => Promise<Text | null>) => {
    setBusy(key);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
      await load();
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };

  const enqueue = () =>
    act('enqueue', async () => {
      for (const volumeId of toQueue) await client.call('outbox.enqueue', { volumeId });
      const n = toQueue.length;
      setToQueue([]);
      return { zh: `已加入上传队列：${n} 卷`, en: `${n} volume(s) queued` };
    });

  const exportBags = () =>
    act('export', async () => {
      const volumeIds = rows.filter((r) => selected.includes(r.id)).map((r) => r.volumeId);
      const r = await client.call('bag.export', { volumeIds, to: folder });
      setSelected([]);
      return {
        zh: `已导出 ${r.bags.length} 个包到 ${r.to}（批次 ${r.batch}）`,
        en: `${r.bags.length} bag(s) exported to ${r.to} (batch ${r.batch})`,
      };
    });

  const live = new Set(rows.filter((r) => r.state !== 'committed').map((r) => r.volumeId));

  return (
    <Space orientation="vertical" size="large" className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t('上传队列', 'Upload queue')}
      </Typography.Title>
      {status && (
        <StoreAlert
          status={status}
          canConfigure={isTech || user.roles.includes('admin')}
          onConfigure={() => {
            navigate('/maintenance');
          }}
        />
      )}
      {error && <Alert type="error" showIcon title={error} data-testid="outbox-error" />}
      {notice && <Alert type="success" showIcon title={i18n.tx(notice)} data-testid="outbox-notice" />}
      <Card size="small">
        <Row gutter={16} align="bottom">
          <Col span={16}>
            <Typography.Text type="secondary">
              {t('已校核、待上传的案卷', 'Verified volumes to upload')}
            </Typography.Text>
            <VolumePicker
              mode="multiple"
              className="full-width"
              value={toQueue}
              onChange={(ids) => {
                setToQueue(Array.isArray(ids) ? ids : [ids]);
              }}
              placeholder={t('选择案卷（可输入档号、企业名称）', 'Choose volumes (type to search)')}
              search={ready}
              i18n={i18n}
              shown={(v) => !live.has(v.id)}
              label={(v) => `${v.archiveNo} ${v.enterpriseName}`}
              data-testid="outbox-volumes"
            />
          </Col>
          <Col span={8}>
            <Button
              type="primary"
              icon={<CloudUploadOutlined />}
              disabled={toQueue.length === 0}
              loading={busy === 'enqueue'}
              onClick={() => void enqueue()}
              data-testid="outbox-enqueue"
            >
              {t('加入上传队列', 'Queue for upload')}
            </Button>
          </Col>
        </Row>
        {isTech && (
          <Row gutter={16} align="bottom" className="outbox-export">
            <Col span={16}>
              <Typography.Text type="secondary">
                {t(
                  '离线移交：把选中的案卷导出为包，写到此文件夹（完整路径）',
                  'Offline transfer: export the selected volumes as bags to this folder (full path)',
                )}
              </Typography.Text>
              <Input
                value={folder}
                onChange={(e) => {
                  setFolder(e.target.value);
                }}
                placeholder={t('例如 E:\\移交\\2026-03 或 /media/usb', 'e.g. E:\\transfer or /media/usb')}
                data-testid="outbox-folder"
              />
            </Col>
            <Col span={8}>
              <Button
                icon={<ExportOutlined />}
                disabled={selected.length === 0 || folder.trim() === ''}
                loading={busy === 'export'}
                onClick={() => void exportBags()}
                data-testid="outbox-export"
              >
                {t(`导出到磁盘（${selected.length}）`, `Export to disk (${selected.length})`)}
              </Button>
            </Col>
          </Row>
        )}
      </Card>
      <Table<OutboxRow>
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('上传队列为空', 'The upload queue is empty') }}
        {...(isTech
          ? {
              rowSelection: {
                selectedRowKeys: selected,
                onChange: (keys) => {
                  setSelected(keys.map(Number));
                },
              },
            }
          : {})}
        columns={[
          { title: t('档号', 'Archive no.'), dataIndex: 'archiveNo', key: 'a', width: 200 },
          { title: t('企业', 'Enterprise'), dataIndex: 'enterpriseName', key: 'e' },
          {
            title: t('状态', 'State'),
            dataIndex: 'state',
            key: 's',
            width: 80,
            render: (s: OutboxState) => {
              const [zh, en, color] = STATE_LABELS[s];
              return <Tag color={color}>{t(zh, en)}</Tag>;
            },
          },
          {
            title: t('进度', 'Progress'),
            key: 'p',
            width: 170,
            render: (_: unknown, r: OutboxRow) => (
              <Space orientation="vertical" size={0} className="full-width">
                <Progress
                  percent={percent(r)}
                  size="small"
                  status={r.state === 'failed' ? 'exception' : r.state === 'sending' ? 'active' : 'normal'}
                />
                {r.bytesTotal !== null && (
                  <Typography.Text type="secondary" className="outbox-bytes">
                    {mib(r.bytesDone)} / {mib(r.bytesTotal)}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('尝试次数', 'Attempts'), dataIndex: 'attempts', key: 'n', width: 80, align: 'right' },
          {
            title: t('最近错误', 'Last error'),
            key: 'err',
            render: (_: unknown, r: OutboxRow) =>
              r.lastError === null ? (
                '—'
              ) : (
                // Kept after a retry until the next attempt starts: shown muted, as history.
                <Typography.Text
                  type={r.state === 'failed' ? 'danger' : 'secondary'}
                  title={r.lastError.detail}
                >
                  {r.state === 'failed' ? '' : t('上次：', 'Last time: ')}
                  {i18n.tx(r.lastError.message)}
                </Typography.Text>
              ),
          },
          {
            title: t('更新时间', 'Updated'),
            dataIndex: 'updatedAt',
            key: 'u',
            width: 130,
            render: (iso: string) => localTime(iso),
          },
          ...(isTech
            ? [
                {
                  title: t('操作', 'Actions'),
                  key: 'x',
                  width: 160,
                  render: (_: unknown, r: OutboxRow) => (
                    <Space size="small">
                      {r.state === 'failed' && (
                        <Button
                          size="small"
                          icon={<RedoOutlined />}
                          loading={busy === `retry-${r.id}`}
                          onClick={() =>
                            void act(`retry-${r.id}`, async () => {
                              await client.call('outbox.retry', { id: r.id });
                              return null;
                            })
                          }
                          data-testid={`outbox-retry-${r.id}`}
                        >
                          {t('重试', 'Retry')}
                        </Button>
                      )}
                      {r.state !== 'committed' && (
                        <Popconfirm
                          title={t(`取消上传 ${r.archiveNo}？`, `Cancel the upload of ${r.archiveNo}?`)}
                          okText={t('取消上传', 'Cancel upload')}
                          cancelText={t('不取消', 'Keep it')}
                          onConfirm={() =>
                            void act(`cancel-${r.id}`, async () => {
                              await client.call('outbox.cancel', { id: r.id });
                              return null;
                            })
                          }
                        >
                          <Button
                            size="small"
                            danger
                            icon={<StopOutlined />}
                            loading={busy === `cancel-${r.id}`}
                            data-testid={`outbox-cancel-${r.id}`}
                          >
                            {t('取消', 'Cancel')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}

/**
 * Why queued volumes are not moving: no archive store configured (they wait for ever, which the queue
 * alone cannot show), or the configured one failing (its last error and the next automatic try).
 */
function StoreAlert(props: { status: OutboxStatus; canConfigure: boolean; onConfigure: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { store, lastFailure } = props.status;
  const configure = props.canConfigure && (
    <Button
      size="small"
      icon={<SettingOutlined />}
      onClick={props.onConfigure}
      data-testid="outbox-configure"
    >
      {t('打开系统维护', 'Open maintenance')}
    </Button>
  );
  if (store === null) {
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="outbox-no-store"
        title={t(
          '未配置档案库：已排队的案卷不会上传。请在“系统维护 → 档案库连接”中设置',
          'No archive store is configured: queued volumes will not upload. Set it in Maintenance → Store connection',
        )}
        action={configure}
      />
    );
  }
  if (lastFailure === null) return null;
  const next =
    lastFailure.nextRetryAt === null
      ? t('下次检查时自动重试', 'It is retried at the next check')
      : t(
          `将于 ${localTime(lastFailure.nextRetryAt)} 自动重试`,
          `Next retry ${localTime(lastFailure.nextRetryAt)}`,
        );
  return (
    <Alert
      type="error"
      showIcon
      data-testid="outbox-store-failing"
      title={t(`上传到档案库 ${store.url} 未成功`, `Uploads to the archive store ${store.url} are failing`)}
      description={
        <span title={lastFailure.error.detail}>
          {t(
            `最近错误（${lastFailure.archiveNo}，${localTime(lastFailure.at)}）：`,
            `Last error (${lastFailure.archiveNo}, ${localTime(lastFailure.at)}): `,
          )}
          {i18n.tx(lastFailure.error.message)}
          {t('。', '. ')}
          {next}
        </span>
      }
      action={configure}
    />
  );
}
