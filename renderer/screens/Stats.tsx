import { Result } from 'antd';
import { useI18n } from '../i18n/i18n';

/** 统计: placeholder until its screen lands (the route stays marked pending in Shell.tsx). */
export function StatsScreen() {
  const { t } = useI18n();
  return <Result status="info" title={t('统计', 'Statistics')} subTitle={t('即将推出', 'Coming soon')} />;
}
