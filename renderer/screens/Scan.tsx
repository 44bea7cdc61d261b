import { Result } from 'antd';
import { useI18n } from '../i18n/i18n';

/** 扫描: placeholder until its screen lands (the route stays marked pending in Shell.tsx). */
export function ScanScreen() {
  const { t } = useI18n();
  return <Result status="info" title={t('扫描', 'Scanning')} subTitle={t('即将推出', 'Coming soon')} />;
}
