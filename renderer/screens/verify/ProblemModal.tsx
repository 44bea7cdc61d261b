import { Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import type { Text } from '../../../core/contracts';
import { useI18n } from '../../i18n/i18n';

/** X: a problem with a reason from the list and free text (required with 其他). */
export function ProblemModal({
  open,
  where,
  reasons,
  initial,
  onOk,
  onClose,
}: {
  readonly open: boolean;
  readonly where: string;
  readonly reasons: readonly { code: string; name: Text }[];
  readonly initial: { reason: string | null; note: string | null } | null;
  readonly onOk: (reason: string, note: string) => void;
  readonly onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!open) return;
    setReason(initial?.reason ?? null);
    setNote(initial?.note ?? '');
    setTried(false);
  }, [open, initial]);
  const noteNeeded = reason === 'other' && note.trim() === '';
  const submit = () => {
    setTried(true);
    if (reason === null || noteNeeded) return;
    onOk(reason, note.trim());
  };
  return (
    <Modal
      open={open}
      title={t(`记录问题：${where}`, `Record a problem: ${where}`)}
      okText={t('记录问题', 'Record')}
      cancelText={t('取消', 'Cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
      // The screen puts focus back itself (see TypePicker).
      focusable={{ focusTriggerAfterClose: false }}
      data-testid="problem-modal"
    >
      <Form layout="vertical">
        <Form.Item
          label={t('问题类型', 'Reason')}
          required
          {...(tried && reason === null
            ? { validateStatus: 'error' as const, help: t('请选择问题类型', 'Choose a reason') }
            : {})}
        >
          <Select
            autoFocus
            defaultOpen
            {...(reason !== null ? { value: reason } : {})}
            onChange={(v: string) => {
              setReason(v);
            }}
            options={reasons.map((r) => ({ value: r.code, label: i18n.tx(r.name) }))}
            placeholder={t('选择问题类型', 'Choose a reason')}
            data-testid="problem-reason"
          />
        </Form.Item>
        <Form.Item
          label={t('说明', 'Note')}
          {...(tried && noteNeeded
            ? {
                validateStatus: 'error' as const,
                help: t('选择“其他”时须填写说明', 'A note is required with “other”'),
              }
            : {})}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            value={note}
            onChange={(e) => {
              setNote(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
            }}
            placeholder={t(
              '例如：题名应为“有限公司章程”（Ctrl+回车 记录）',
              'e.g. the title should read … (Ctrl+Enter records)',
            )}
            data-testid="problem-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
