import { App as AntApp, Button, InputNumber, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { PASSWORD_MAX_AGE_DAYS, type Output } from '../../core/contracts';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { useI18n } from '../i18n/i18n';

/** The 系统维护 tab holding the password policy (用户管理 links to it: `/maintenance?tab=security`). */
export const SECURITY_TAB = 'security';

/**
 * 密码策略 on 系统维护 → 安全设置 (where administrators look for system settings): how long a password
 * lasts (at most 90 days, 等保); the other rules are fixed.
 */
export function PasswordPolicy() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useApp();
  const { message } = AntApp.useApp();
  const [policy, setPolicy] = useState<Output<'users.passwordPolicy'> | null>(null);
  const [days, setDays] = useState<number | null>(null);

  useEffect(() => {
    client
      .call('users.passwordPolicy', {})
      .then((p) => {
        setPolicy(p);
        setDays(p.maxAgeDays);
      })
      .catch((e: unknown) => {
        void message.error(errorText(e, i18n));
      });
  }, [client, i18n, message]);

  if (policy === null) return null;
  return (
    <Space wrap data-testid="password-policy">
      <Typography.Text>{t('密码有效期', 'Password lifetime')}</Typography.Text>
      <InputNumber
        min={1}
        max={PASSWORD_MAX_AGE_DAYS}
        precision={0}
        value={days}
        onChange={(v) => {
          setDays(v);
        }}
        suffix={t('天', 'days')}
        aria-label={t('密码有效期（天）', 'Password lifetime (days)')}
      />
      <Button
        disabled={days === null || days === policy.maxAgeDays}
        onClick={() => {
          if (days === null) return;
          client
            .call('users.setPasswordPolicy', { maxAgeDays: days })
            .then((p) => {
              setPolicy(p);
              void message.success(t('密码有效期已保存', 'Password lifetime saved'));
            })
            .catch((e: unknown) => {
              void message.error(errorText(e, i18n));
            });
        }}
      >
        {t('保存', 'Save')}
      </Button>
      <Typography.Text type="secondary">
        {t(
          `最长 ${PASSWORD_MAX_AGE_DAYS} 天；到期前 ${policy.warningDays} 天提醒；不得与最近 ${policy.history} 次密码相同；管理员设置的密码须在首次登录时修改`,
          `At most ${PASSWORD_MAX_AGE_DAYS} days; warned ${policy.warningDays} days before; none of the last ${policy.history} passwords; a password set by an administrator is changed at first sign-in`,
        )}
      </Typography.Text>
    </Space>
  );
}
