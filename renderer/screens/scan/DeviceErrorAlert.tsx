import { Alert, Button, Space, Typography } from 'antd';
import type { ScanErrorCategoryName, ScanErrorView } from '../../../core/contracts/api-capture';
import { useI18n } from '../../i18n/i18n';

/** Per category: a short title and the one thing to do, beside the engine's fuller message. */
const HELP: Readonly<
  Record<ScanErrorCategoryName, { zh: string; en: string; todo: [string, string]; resume: boolean }>
> = {
  'no-paper': {
    zh: '进纸器无纸',
    en: 'Feeder empty',
    todo: ['放入纸张后继续', 'Load paper and continue'],
    resume: true,
  },
  'paper-jam': {
    zh: '卡纸',
    en: 'Paper jam',
    todo: [
      '清除卡纸，检查最后一页是否完整（不完整就重扫），再继续',
      'Clear the jam, check the last page (rescan it if cut), then continue',
    ],
    resume: true,
  },
  'cover-open': {
    zh: '盖板未关',
    en: 'Cover open',
    todo: ['合上盖板后继续', 'Close the cover and continue'],
    resume: true,
  },
  'double-feed': {
    zh: '重张进纸',
    en: 'Double feed',
    todo: [
      '取出这几页分开放好，删除或重扫最后一页，再继续',
      'Separate the sheets, delete or rescan the last page, then continue',
    ],
    resume: true,
  },
  'device-busy': {
    zh: '扫描仪忙',
    en: 'Scanner busy',
    todo: ['关闭其他扫描程序后重试', 'Close other scanning programs and try again'],
    resume: true,
  },
  'device-gone': {
    zh: '扫描仪已断开',
    en: 'Scanner disconnected',
    todo: ['检查电源和数据线，刷新设备后继续', 'Check power and cable, refresh the devices, then continue'],
    resume: false,
  },
  cancelled: {
    zh: '已取消',
    en: 'Cancelled',
    todo: ['已扫描的页面均已保存', 'Pages scanned so far are saved'],
    resume: true,
  },
  'invalid-option': {
    zh: '设置不受支持',
    en: 'Setting not supported',
    todo: ['更换分辨率、颜色或纸张来源后再扫', 'Choose another resolution, colour or source'],
    resume: false,
  },
  'access-denied': {
    zh: '无权使用扫描仪',
    en: 'Access denied',
    todo: ['请联系运维人员', 'Contact a technician'],
    resume: false,
  },
  io: {
    zh: '读取出错',
    en: 'Read error',
    todo: ['重试；反复出现时重启扫描仪', 'Retry; restart the scanner if it recurs'],
    resume: true,
  },
  unknown: {
    zh: '未知错误',
    en: 'Unknown error',
    todo: ['重试，并把详细信息告知运维人员', 'Retry and pass the details to a technician'],
    resume: true,
  },
};

/** A scan run's device error, explained: what happened, what to do, and a button to go on. */
export function DeviceErrorAlert({
  error,
  pages,
  onResume,
  onClose,
}: {
  readonly error: ScanErrorView;
  /** Pages the run stored before it stopped. */
  readonly pages: number;
  readonly onResume: (() => void) | null;
  readonly onClose: () => void;
}) {
  const { t, tx } = useI18n();
  const help = HELP[error.category];
  return (
    <Alert
      type={error.category === 'cancelled' ? 'info' : 'warning'}
      showIcon
      closable={{ onClose }}
      data-testid="device-error"
      data-category={error.category}
      title={
        <Space wrap>
          <strong>{t(help.zh, help.en)}</strong>
          <span>{t(...help.todo)}</span>
        </Space>
      }
      description={
        <Space orientation="vertical" size={4}>
          <span>{tx(error.message)}</span>
          <Typography.Text type="secondary">
            {t(`本次已保存 ${pages} 页。`, `${pages} page(s) of this run are saved.`)}
            {error.detail !== null && error.detail !== ''
              ? ` ${t('设备信息', 'Device said')}: ${error.detail}`
              : ''}
          </Typography.Text>
        </Space>
      }
      action={
        help.resume && onResume ? (
          <Button type="primary" size="small" onClick={onResume} data-testid="resume-scan">
            {t('继续扫描', 'Continue')}
          </Button>
        ) : undefined
      }
    />
  );
}
