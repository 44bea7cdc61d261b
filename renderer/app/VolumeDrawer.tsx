import { Alert, Button, Descriptions, Drawer, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';
import { useApp } from './context';
import { errorText } from './errors';
import { STATE_COLORS, bureauName, localTime, stateName, volumeTypeName } from './format';

type Detail = Output<'volumes.get'>;

/** One volume: its details and the lifecycle steps the signed-in user may take (core/lifecycle decides). */
export function VolumeDrawer({ volumeId, onClose }: { volumeId: number | null; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference } = useApp();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (volumeId === null) return;
    try {
      setDetail(await client.call('volumes.get', { id: volumeId }));
      setError(null);
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n, volumeId]);

  useEffect(() => {
    setDetail(null);
    void load();
  }, [load]);

  const move = async (to: Detail['transitions'][number]['to']) => {
    if (!detail) return;
    setBusy(to);
    try {
      await client.call('volumes.transition', {
        id: detail.volume.id,
        to,
        expectedState: detail.volume.state,
      });
      await load();
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(null);
    }
  };

  const v = detail?.volume;
  return (
    <Drawer
      open={volumeId !== null}
      onClose={onClose}
      size={520}
      title={v?.archiveNo ?? t('案卷', 'Volume')}
      data-testid="volume-drawer"
    >
      {error && <Alert type="error" showIcon title={error} className="form-alert" />}
      {v && (
        <Space orientation="vertical" size="large" className="full-width">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('状态', 'State')}>
              <Tag color={STATE_COLORS[v.state]} data-testid="volume-state">
                {stateName(reference, v.state, i18n)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('企业', 'Enterprise')}>{v.enterpriseName}</Descriptions.Item>
            <Descriptions.Item label={t('代码', 'Code')}>{v.enterpriseCode ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('类型', 'Type')}>
              {volumeTypeName(reference, v.volumeType, i18n)}
            </Descriptions.Item>
            <Descriptions.Item label={t('年度', 'Year')}>{v.year}</Descriptions.Item>
            <Descriptions.Item label={t('登记日期', 'Registration date')}>
              {v.registrationDate ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('登记机关', 'Authority')}>
              {bureauName(reference, v.bureauCode, i18n)}
            </Descriptions.Item>
            <Descriptions.Item label={t('页数', 'Pages')}>{v.declaredPages ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('更新时间', 'Updated')}>{localTime(v.updatedAt)}</Descriptions.Item>
          </Descriptions>
          <Space wrap>
            {detail.transitions.length === 0 && (
              <Alert
                type="info"
                showIcon
                title={t('当前没有您可执行的操作', 'Nothing for you to do here now')}
              />
            )}
            {detail.transitions.map((tr) => (
              <Button
                key={tr.to}
                type={tr.action === 'withdraw' || tr.action === 'reject' ? 'default' : 'primary'}
                danger={tr.action === 'withdraw' || tr.action === 'reject'}
                loading={busy === tr.to}
                onClick={() => void move(tr.to)}
              >
                {i18n.tx(tr.name)}
              </Button>
            ))}
          </Space>
        </Space>
      )}
    </Drawer>
  );
}
