import { Alert, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import type { Output } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';
import { useWatchedText } from './watch';
import { useApp } from './context';
import { errorText } from './errors';
import { PasswordRules } from './PasswordRules';

/** 修改密码: the old one is checked again; the engine ends the old sessions and hands out a new one. */
export function ChangePassword({
  open,
  onClose,
  onSession,
}: {
  open: boolean;
  onClose: () => void;
  onSession: (s: Output<'auth.changePassword'>) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, user } = useApp();
  const [form] = Form.useForm<{ oldPassword: string; newPassword: string }>();
  const [error, setError] = useState<string | null>(null);
  const next = useWatchedText('newPassword', form);
  return (
    <Modal
      open={open}
      title={t('修改密码', 'Change password')}
      okText={t('修改', 'Change')}
      cancelText={t('取消', 'Cancel')}
      onCancel={onClose}
      onOk={() => {
        form.submit();
      }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} className="form-alert" />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => {
          client
            .call('auth.changePassword', v)
            .then((s) => {
              setError(null);
              onSession(s);
              onClose();
            })
            .catch((e: unknown) => {
              setError(errorText(e, i18n));
            });
        }}
      >
        <Form.Item name="oldPassword" label={t('当前密码', 'Current password')} rules={[{ required: true }]}>
          <Input.Password autoFocus autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('新密码', 'New password')} rules={[{ required: true }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <PasswordRules password={next} username={user.username} />
      </Form>
    </Modal>
  );
}
