import { Empty, Tag } from 'antd';
import type { PageTextView } from '../../../core/contracts/api-verification';
import { useI18n } from '../../i18n/i18n';

/** A page's OCR text, line by line, the enterprise's code and name marked where they were found. */
export function OcrText({
  text,
  loading,
}: {
  readonly text: PageTextView | null;
  readonly loading: boolean;
}) {
  const { t } = useI18n();
  if (text === null || text.state !== 'done') {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          loading
            ? t('正在读取…', 'Loading…')
            : text?.state === 'failed'
              ? t('本页文字识别失败（不影响校核，请看图像）', 'OCR failed on this page (look at the image)')
              : t('本页尚未完成文字识别', 'This page has not been read yet')
        }
      />
    );
  }
  return (
    <div className="ocr-text" data-testid="ocr-text">
      <div className="ocr-found">
        <Tag color={text.found.uscc || text.found.regNo ? 'gold' : 'default'} data-testid="found-code">
          {text.found.uscc || text.found.regNo
            ? t('已找到企业代码', 'Code found')
            : t('未找到企业代码', 'Code not found')}
        </Tag>
        <Tag color={text.found.name ? 'green' : 'default'} data-testid="found-name">
          {text.found.name ? t('已找到企业名称', 'Name found') : t('未找到企业名称', 'Name not found')}
        </Tag>
        {text.zone === 'title' && <Tag>{t('仅标题区', 'Title zone only')}</Tag>}
      </div>
      {text.lines.map((line, i) => (
        <div key={i} className="ocr-line">
          {line.words.length === 0
            ? line.text
            : line.words.map((w, j) => (
                <span
                  key={j}
                  className={w.match === null ? undefined : `ocr-match ocr-match-${w.match}`}
                  data-match={w.match ?? undefined}
                  title={`${Math.round(w.confidence)}%`}
                >
                  {w.text}
                </span>
              ))}
        </div>
      ))}
    </div>
  );
}
