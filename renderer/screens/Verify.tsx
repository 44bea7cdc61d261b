import { Result } from 'antd';
import { useI18n } from '../i18n/i18n';

/** 图文校核: placeholder until its screen lands (the route stays marked pending in Shell.tsx). */
export function VerifyScreen() {
  const { t } = useI18n();
  return (
    <Result status="info" title={t('图文校核', 'Verification')} subTitle={t('即将推出', 'Coming soon')} />
  );
}
