import { Alert, App as AntApp, Descriptions, Modal, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Output } from '../../core/contracts';
import { usccRegionHint } from '../../core/contracts/uscc-region';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { useI18n } from '../i18n/i18n';

/** A USCC to record for an enterprise known here only by its 注册号 (a finding's, or typed in 登记). */
export interface UsccToRecord {
  readonly enterpriseId: number;
  readonly name: string;
  readonly regNo: string;
  readonly uscc: string;
}

/**
 * 补录为统一社会信用代码: says what will be recorded for whom — name, 注册号, the USCC and whether its
 * division fits the 注册号's — and records it on 补录 (Enter; Esc cancels). A refusal (the code taken
 * meanwhile, no permission) is shown here and nothing changes.
 */
export function RecordUsccDialog({
  record,
  onClose,
  onRecorded,
}: {
  readonly record: UsccToRecord | null;
  readonly onClose: () => void;
  readonly onRecorded: (r: Output<'enterprises.recordUscc'>) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useApp();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    setBusy(false);
  }, [record]);
  const hint = record === null ? null : usccRegionHint(record.uscc, record.regNo);

  const submit = async () => {
    if (record === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await client.call('enterprises.recordUscc', { id: record.enterpriseId, uscc: record.uscc });
      message.success(
        r.recorded
          ? t(`已补录统一社会信用代码：${r.uscc}`, `USCC recorded: ${r.uscc}`)
          : t(`该代码已登记：${r.uscc}`, `Already recorded: ${r.uscc}`),
      );
      onRecorded(r);
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={record !== null}
      title={t('补录为统一社会信用代码', 'Record as the USCC')}
      okText={t('补录', 'Record')}
      cancelText={t('取消', 'Cancel')}
      okButtonProps={{ autoFocus: true, loading: busy }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      // The screen puts focus back itself.
      focusable={{ focusTriggerAfterClose: false }}
      width={560}
      data-testid="record-uscc-dialog"
    >
      {record !== null && hint !== null && (
        <Space orientation="vertical" className="full-width">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('企业名称', 'Name')}>{record.name}</Descriptions.Item>
            <Descriptions.Item label={t('注册号', 'Reg. no.')}>
              <Typography.Text code>{record.regNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('统一社会信用代码', 'USCC')}>
              <Typography.Text code strong data-testid="record-uscc-code">
                {record.uscc}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Alert
            type={hint.agrees ? 'success' : 'warning'}
            showIcon
            // The words also end the finding's sentence, where English starts lower case.
            title={capitalised(i18n.tx(hint.text))}
            data-testid="record-uscc-region"
          />
          <Typography.Text type="secondary">
            {t(
              '补录后，本系统按此代码也能找到该企业，印有它的页面不再提示；企业记录仍以注册号为准。此操作记入审计日志。',
              'Once recorded, the enterprise is found by this code too and pages showing it are confirmed; the record keeps its registration number as its key. The change is audited.',
            )}
          </Typography.Text>
          {error !== null && <Alert type="error" showIcon title={error} data-testid="record-uscc-error" />}
        </Space>
      )}
    </Modal>
  );
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
