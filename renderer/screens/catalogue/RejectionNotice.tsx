import { Alert } from 'antd';
import type { DocumentDraftView, RejectionView } from '../../../core/contracts/api-cataloguing';
import { localTime } from '../../app/format';
import { useI18n } from '../../i18n/i18n';

/** Why QA sent the volume back: every problem with its place (a click goes there), reason and note. */
export function RejectionNotice({
  rejection,
  documents,
  onGo,
  forReviewer = false,
}: {
  readonly rejection: RejectionView;
  /** Shown to QA with a new review: the earlier reasons, to check they were fixed. */
  readonly forReviewer?: boolean;
  readonly documents: readonly DocumentDraftView[];
  readonly onGo?: (page: number) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const who = [rejection.reviewer, rejection.finishedAt === null ? null : localTime(rejection.finishedAt)]
    .filter((x) => x !== null)
    .join('，');
  return (
    <Alert
      type={forReviewer ? 'warning' : 'error'}
      showIcon
      data-testid="rejection"
      title={
        forReviewer
          ? t(
              `上次退回的原因${who === '' ? '' : `（${who}）`}：请核对是否已改正`,
              `Reasons of the last rejection${who === '' ? '' : ` (${who})`}: check they were fixed`,
            )
          : t(
              `质检退回${who === '' ? '' : `（${who}）`}：请按以下原因修改后重新提交`,
              `Rejected by QA${who === '' ? '' : ` (${who})`}: fix the following and resubmit`,
            )
      }
      description={
        <ul className="issue-list">
          {rejection.problems.map((p) => {
            const page =
              p.targetKind === 'page' ? p.targetSeq : (documents[p.targetSeq - 1]?.firstPage ?? undefined);
            const where =
              p.targetKind === 'page'
                ? t(`第 ${p.targetSeq} 页`, `Page ${p.targetSeq}`)
                : t(`第 ${p.targetSeq} 件`, `Document ${p.targetSeq}`);
            return (
              <li key={`${p.targetKind}-${p.targetSeq}`} data-testid="rejection-problem">
                <button
                  type="button"
                  className="link-button"
                  disabled={onGo === undefined || page === undefined}
                  onClick={() => {
                    if (page !== undefined) onGo?.(page);
                  }}
                >
                  {where}
                </button>
                {t('：', ': ')}
                {i18n.tx(p.reason)}
                {p.note !== null && p.note !== '' && (
                  <span className="problem-note">
                    {t('——', ' — ')}
                    {p.note}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      }
    />
  );
}
