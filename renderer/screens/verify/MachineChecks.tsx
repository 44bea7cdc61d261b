import { Button, Collapse, Tag, Tooltip } from 'antd';
import type { MachineCheckView } from '../../../core/contracts/api-verification';
import { useI18n } from '../../i18n/i18n';

const STATUS: Readonly<Record<MachineCheckView['status'], readonly [string, string, string]>> = {
  pass: ['通过', 'Pass', 'success'],
  fail: ['不通过', 'Fail', 'error'],
  warning: ['请查看', 'Look', 'warning'],
  skipped: ['未检查', 'Skipped', 'default'],
};

/**
 * The machine checks (DA/T 31: 100 % of pages) with their findings; failures open by default, and so
 * does a check proposing a USCC to record. `onRecordUscc` (given when the user may record one) offers
 * 补录为统一社会信用代码 on such a finding.
 */
export function MachineChecks({
  checks,
  onRecordUscc,
}: {
  readonly checks: readonly MachineCheckView[];
  readonly onRecordUscc: ((uscc: string) => void) | null;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Collapse
      size="small"
      data-testid="machine-checks"
      defaultActiveKey={checks
        .filter((c) => c.status === 'fail' || c.issues.some((x) => x.proposedUscc !== undefined))
        .map((c) => c.id)}
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
                    {x.proposedUscc !== undefined && (
                      <RecordButton uscc={x.proposedUscc} onRecord={onRecordUscc} />
                    )}
                  </li>
                ))}
              </ul>
            ),
        };
      })}
    />
  );
}

function RecordButton({
  uscc,
  onRecord,
}: {
  readonly uscc: string;
  readonly onRecord: ((uscc: string) => void) | null;
}) {
  const { t } = useI18n();
  const button = (
    <Button
      size="small"
      className="record-uscc"
      disabled={onRecord === null}
      onClick={() => onRecord?.(uscc)}
      data-testid="record-uscc"
    >
      {t('补录为统一社会信用代码', 'Record as the USCC')}
    </Button>
  );
  return onRecord === null ? (
    <Tooltip
      title={t(
        '补录企业代码需要扫描员、运维人员或管理员角色',
        "Recording an enterprise's code needs the operator, technician or administrator role",
      )}
    >
      <span>{button}</span>
    </Tooltip>
  ) : (
    button
  );
}
