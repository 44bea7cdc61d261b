import { Alert, Spin, Tabs, Typography, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { AppliedFixView, CheckCategoryView } from '../../core/contracts/api-maintenance';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { mayCall } from '../app/RoleGate';
import { useI18n } from '../i18n/i18n';
import { ChecksPanel } from './maintenance/ChecksPanel';
import { DatabasePanel } from './maintenance/DatabasePanel';
import { FixHistory } from './maintenance/FixHistory';
import { StorePanel } from './maintenance/StorePanel';
import { PasswordPolicy, SECURITY_TAB } from './PasswordPolicy';

/**
 * 系统维护 (technicians, administrators): the monthly data checks with automatic fixes (previewed,
 * audited, undoable) and guided manual fixes; database check and maintenance, audit-chain
 * verification and verified backups; the archive store connection of the uploader; the password
 * lifetime (administrators).
 */
export function MaintenanceScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, user } = useApp();
  const allowed = user.roles.includes('technician') || user.roles.includes('admin');
  const [categories, setCategories] = useState<CheckCategoryView[] | null>(null);
  const [fixes, setFixes] = useState<AppliedFixView[]>([]);
  const [error, setError] = useState<string | null>(null);

  const loadFixes = useCallback(async () => {
    try {
      setFixes(await client.call('maintenance.fixHistory', {}));
    } catch (e) {
      setError(errorText(e, i18n));
    }
  }, [client, i18n]);

  useEffect(() => {
    if (!allowed) return;
    void (async () => {
      try {
        setCategories(await client.call('maintenance.categories', {}));
        await loadFixes();
      } catch (e) {
        setError(errorText(e, i18n));
      }
    })();
  }, [client, i18n, loadFixes, allowed]);

  return (
    <Space orientation="vertical" size="large" className="screen" style={{ width: '100%' }}>
      <Typography.Title level={3} data-testid="screen-title">
        {t('系统维护', 'Maintenance')}
      </Typography.Title>
      {!allowed && (
        <Alert
          type="info"
          showIcon
          title={t(
            '系统维护由运维人员或管理员进行；如需检查数据，请联系运维人员',
            'Maintenance is for technicians and administrators; ask a technician',
          )}
        />
      )}
      {error && <Alert type="error" showIcon title={error} />}
      {allowed && categories === null && !error && <Spin />}
      {allowed && categories !== null && (
        <Tabs
          // A link may open a tab (用户管理 → 安全设置).
          defaultActiveKey={new URLSearchParams(window.location.search).get('tab') ?? 'checks'}
          items={[
            {
              key: 'checks',
              label: t('数据检错与改错', 'Data checks and fixes'),
              children: <ChecksPanel categories={categories} onFixed={() => void loadFixes()} />,
            },
            {
              key: 'fixes',
              label: t(`已执行的修正（${fixes.length}）`, `Applied fixes (${fixes.length})`),
              children: <FixHistory fixes={fixes} categories={categories} reload={loadFixes} />,
            },
            {
              key: 'database',
              label: t('数据库与备份', 'Database and backup'),
              children: <DatabasePanel />,
            },
            {
              key: 'store',
              label: t('档案库连接', 'Archive store'),
              children: <StorePanel />,
            },
            // System settings that are the administrator's alone (the password rules of 等保).
            ...(mayCall(user, 'users.setPasswordPolicy')
              ? [
                  {
                    key: SECURITY_TAB,
                    label: t('安全设置', 'Security'),
                    children: <PasswordPolicy />,
                  },
                ]
              : []),
          ]}
        />
      )}
    </Space>
  );
}
