import { Result, Typography } from 'antd';
import type { ReactNode } from 'react';
import { API, type Channel, type UserView } from '../../core/contracts';
import { useI18n } from '../i18n/i18n';
import { useApp } from './context';

/** Whether the user's roles let them call `channel` (the contract's access list decides). */
export function mayCall(user: UserView, channel: Channel): boolean {
  const access = API[channel].access;
  return typeof access === 'string' || access.some((role) => user.roles.includes(role));
}

/**
 * A screen whose main channel the signed-in user may not call says which role it needs instead of
 * calling the engine and being refused. The roles come from the contract itself (API[channel].access),
 * so the screen and the engine cannot disagree.
 */
export function RoleGate({
  channel,
  zh,
  en,
  children,
}: {
  channel: Channel;
  zh: string;
  en: string;
  children: ReactNode;
}) {
  const { t, tx } = useI18n();
  const { user, reference } = useApp();
  const access = API[channel].access;
  if (typeof access === 'string' || mayCall(user, channel)) return children;
  const names = access.map((role) => {
    const found = reference.roles.find((r) => r.role === role);
    return found ? tx(found.name) : role;
  });
  return (
    <div className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t(zh, en)}
      </Typography.Title>
      <Result
        status="info"
        data-testid="role-needed"
        title={t(
          `此页面需要以下角色之一：${names.join('、')}`,
          `This screen needs one of these roles: ${names.join(', ')}`,
        )}
        subTitle={t(
          '请管理员在「用户管理」中为您的账号添加该角色，或用具有该角色的账号登录。',
          'Ask an administrator to add the role to your account in Users, or sign in with an account that has it.',
        )}
      />
    </div>
  );
}
