import { Collapse, Tag } from 'antd';
import type { MachineCheckView } from '../../../core/contracts/api-verification';
import { useI18n } from '../../i18n/i18n';

const STATUS: Readonly<Record<MachineCheckView['status'], readonly [string, string, string]>> = {
  pass: ['通过', 'Pass', 'success'],
  fail: ['不通过', 'Fail', 'error'],
  warning: ['请查看', 'Look', 'warning'],
  skipped: ['未检查', 'Skipped', 'default'],
};

/** The machine checks (DA/T 31: 100 % of pages) with their findings; failures open by default. */
export function MachineChecks({ checks }: { readonly checks: readonly MachineCheckView[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Collapse
      size="small"
      data-testid="machine-checks"
      defaultActiveKey={checks.filter((c) => c.status === 'fail').map((c) => c.id)}
      items={checks.map((c) => {
        const [zh, en, color] = STATUS[c.status];
        return {
          key: c.id,
          label: (
            <span className="check-label" data-check={c.id} data-status={c.status}>
              <Tag color={color}>{t(zh, en)}</Tag>
              {i18n.tx(c.name)}
            </span>
          ),
          children:
            c.issues.length === 0 ? (
              <span className="check-none">{t('没有发现问题', 'Nothing found')}</span>
            ) : (
              <ul className="issue-list">
                {c.issues.map((x, i) => (
                  <li key={i} className={x.severity}>
                    {i18n.tx(x.message)}
                  </li>
                ))}
              </ul>
            ),
        };
      })}
    />
  );
}
