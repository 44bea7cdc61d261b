import { Alert, App as AntApp, Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { PASSWORD_HISTORY, type Output } from '../../core/contracts';
import type { EngineClient } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { AuthCard } from './AuthCard';
import { useWatchedText } from './watch';
import { useApp } from './context';
import { errorText } from './errors';
import { PasswordRules, samePasswordRule, strongPasswordRule } from './PasswordRules';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

type Session = Output<'auth.changePassword'>;

/**
 * The fields of 修改密码 (current, new, new again) with the rules ticked off while typing. The engine
 * checks the old password again, refuses the last five, ends the old sessions and hands out a new one.
 */
function ChangePasswordFields({
  client,
  username,
  onSession,
  children,
}: {
  client: EngineClient;
  username: string;
  onSession: (s: Session) => void;
  /** The buttons, inside the form so that Enter submits. */
  children: (busy: boolean) => ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<Values>();
  const { message } = AntApp.useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = useWatchedText('newPassword', form);
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={(v) => {
        setBusy(true);
        client
          .call('auth.changePassword', { oldPassword: v.oldPassword, newPassword: v.newPassword })
          .then((s) => {
            setError(null);
            // Said where it stays in view: the form closes (or gives way to the screen asked for) at once.
            void message.success(t('密码已修改', 'Your password has been changed'), 5);
            onSession(s);
          })
          .catch((e: unknown) => {
            setError(errorText(e, i18n));
          })
          .finally(() => {
            setBusy(false);
          });
      }}
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          className="form-alert"
          data-testid="change-password-error"
        />
      )}
      <Form.Item
        name="oldPassword"
        label={t('当前密码', 'Current password')}
        rules={[{ required: true, message: t('请输入当前密码', 'Enter your current password') }]}
      >
        <Input.Password autoFocus autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('新密码', 'New password')}
        rules={[
          { required: true, message: t('请输入新密码', 'Enter a new password') },
          strongPasswordRule(() => username, t),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <PasswordRules password={next} username={username} />
      <Typography.Paragraph type="secondary" className="hint">
        {t(
          `不能与最近 ${PASSWORD_HISTORY} 次使用过的密码相同`,
          `Must differ from your last ${PASSWORD_HISTORY} passwords`,
        )}
      </Typography.Paragraph>
      <Form.Item
        name="confirm"
        label={t('确认新密码', 'Confirm the new password')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('请再次输入新密码', 'Enter the new password again') },
          samePasswordRule(() => form.getFieldValue('newPassword'), t),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      {children(busy)}
    </Form>
  );
}

/** 修改密码 from the user menu: a dialog that can be cancelled. */
export function ChangePassword({
  open,
  onClose,
  onSession,
}: {
  open: boolean;
  onClose: () => void;
  onSession: (s: Session) => void;
}) {
  const { t } = useI18n();
  const { client, user } = useApp();
  return (
    <Modal
      open={open}
      title={t('修改密码', 'Change password')}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
    >
      <ChangePasswordFields
        client={client}
        username={user.username}
        onSession={(s) => {
          onSession(s);
          onClose();
        }}
      >
        {(busy) => (
          <Flex justify="end" gap="small">
            <Button onClick={onClose}>{t('取消', 'Cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('修改', 'Change')}
            </Button>
          </Flex>
        )}
      </ChangePasswordFields>
    </Modal>
  );
}

/**
 * 修改密码 right after signing in with an initial password (set by an administrator) or an expired one.
 * There is no way around it: the engine answers every other call with `password.change-required`; the
 * only other way out is signing out.
 */
export function RequiredPasswordChange({
  client,
  username,
  reason,
  onSession,
  onLogout,
}: {
  client: EngineClient;
  username: string;
  reason: 'initial' | 'expired';
  onSession: (s: Session) => void;
  onLogout: () => void;
}) {
  const { t } = useI18n();
  return (
    <AuthCard title={t('修改密码', 'Change password')} titleTestId="change-password-title" error={null}>
      <Alert
        type="warning"
        showIcon
        className="form-alert"
        data-testid="change-password-reason"
        title={
          reason === 'initial'
            ? t(
                '这是管理员设置的初始密码，请先修改初始密码再继续',
                'This is an initial password set by an administrator: change it before going on',
              )
            : t(
                '密码已超过有效期，请修改已过期的密码再继续',
                'Your password has expired: change it before going on',
              )
        }
      />
      <ChangePasswordFields client={client} username={username} onSession={onSession}>
        {(busy) => (
          <>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('修改密码并继续', 'Change the password and go on')}
            </Button>
            <Button type="link" block onClick={onLogout}>
              {t('退出登录', 'Sign out')}
            </Button>
          </>
        )}
      </ChangePasswordFields>
    </AuthCard>
  );
}
