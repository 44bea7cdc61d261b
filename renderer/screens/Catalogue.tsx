import { Result } from 'antd';
import { useI18n } from '../i18n/i18n';

/** 著录标引: placeholder until its screen lands (the route stays marked pending in Shell.tsx). */
export function CatalogueScreen() {
  const { t } = useI18n();
  return (
    <Result status="info" title={t('著录标引', 'Cataloguing')} subTitle={t('即将推出', 'Coming soon')} />
  );
}
