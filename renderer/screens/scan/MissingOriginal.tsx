import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';

/**
 * Said over a page opened by a link (a check finding, the workbench) whose scanned original is missing
 * or unreadable in storage: the processed view may still look normal, so the operator rescans knowingly.
 * Asked once per linked page (it fetches the original), never for pages browsed to.
 */
export function MissingOriginal({ pageId }: { pageId: number }) {
  const { client } = useApp();
  const { t } = useI18n();
  const [problem, setProblem] = useState<'missing' | 'unreadable' | null>(null);
  useEffect(() => {
    let live = true;
    setProblem(null);
    client.call('pages.image', { pageId, size: 'original' }).then(
      () => undefined,
      (e: unknown) => {
        if (!live || !(e instanceof ApiError)) return;
        if (e.code === 'page.image-missing') setProblem('missing');
        else if (e.code === 'page.image-unreadable') setProblem('unreadable');
      },
    );
    return () => {
      live = false;
    };
  }, [client, pageId]);
  if (problem === null) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="original-missing"
      title={
        problem === 'missing'
          ? t(
              '此页的扫描原图文件已丢失（下方为处理后的图像或占位）：请从备份恢复，或重扫此页',
              'The scanned original of this page is missing (below: the processed image or a placeholder): restore it from a backup or rescan the page',
            )
          : t(
              '此页的扫描原图文件已损坏，无法读取：请从备份恢复，或重扫此页',
              'The scanned original of this page is damaged and cannot be read: restore it from a backup or rescan the page',
            )
      }
    />
  );
}
