import { Result } from 'antd';
import { useI18n } from '../i18n/i18n';

/** 系统维护: placeholder until its screen lands (the route stays marked pending in Shell.tsx). */
export function MaintenanceScreen() {
  const { t } = useI18n();
  return (
    <Result status="info" title={t('系统维护', 'Maintenance')} subTitle={t('即将推出', 'Coming soon')} />
  );
}
