import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';

/** The line over a page image: its position in the volume, its printed page number, then the screen's own note. */
export function PageCaption({
  seq,
  pageNo,
  testId,
  children,
}: {
  readonly seq: number | null;
  readonly pageNo: number | null;
  readonly testId: string;
  readonly children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="viewer-caption" data-testid={testId}>
      {seq !== null && t(`第 ${seq} 页`, `Page ${seq}`)}
      {pageNo !== null && t(`（页号 ${pageNo}）`, ` (no. ${pageNo})`)}
      {children}
    </div>
  );
}
