import { Alert, Button, Empty, Modal, Select, Space, Tag, Typography } from 'antd';
import type { VolumeRow } from '../../../core/contracts';
import type { PageRow, SplitPreviewView } from '../../../core/contracts/api-capture';
import { useI18n } from '../../i18n/i18n';
import { PageImage } from './PageImage';

/**
 * Where QR labels and Patch-T sheets split the scanned pages: one row per segment with its first page,
 * where it goes and why it cannot (yet); 应用分批 moves them (undoable from this volume).
 */
export function SplitPreview({
  preview,
  pages,
  archiveNo,
  volumes,
  nextVolumes,
  onNextVolumes,
  onApply,
  applying,
  onClose,
}: {
  readonly preview: SplitPreviewView | null;
  readonly pages: readonly PageRow[];
  readonly archiveNo: string;
  /** Volumes a Patch-T segment without a label may go to (the operator's queue). */
  readonly volumes: readonly VolumeRow[];
  readonly nextVolumes: readonly number[];
  readonly onNextVolumes: (ids: number[]) => void;
  readonly onApply: () => void;
  readonly applying: boolean;
  readonly onClose: () => void;
}) {
  const { t, tx } = useI18n();
  const seqOf = new Map(pages.map((p) => [p.id, p.seq]));
  const range = (ids: readonly number[]) => {
    const seqs = ids.map((id) => seqOf.get(id) ?? 0);
    return seqs.length === 0 ? '—' : `${Math.min(...seqs)}–${Math.max(...seqs)}`;
  };
  const hasPatchT = preview?.segments.some((s) => s.by === 'patch-t') === true;
  return (
    <Modal
      open={preview !== null}
      onCancel={onClose}
      width={780}
      title={t(
        '分批预览（按二维码标签 / Patch-T 分隔页）',
        'Batch split preview (QR labels / Patch-T sheets)',
      )}
      footer={
        <Space>
          <Button onClick={onClose}>{t('关闭', 'Close')}</Button>
          {preview && preview.movingPages > 0 && (
            <Button
              type="primary"
              disabled={!preview.canApply}
              loading={applying}
              onClick={onApply}
              data-testid="split-apply"
            >
              {t(`应用分批（移出 ${preview.movingPages} 页）`, `Apply (move ${preview.movingPages} pages)`)}
            </Button>
          )}
        </Space>
      }
    >
      <div data-testid="split-preview">
        {preview && preview.pendingPages > 0 && (
          <Alert
            type="info"
            showIcon
            title={t(
              `还有 ${preview.pendingPages} 页在处理中，标签尚未全部识别；处理完再应用`,
              `${preview.pendingPages} page(s) are still being processed; apply once they are done`,
            )}
          />
        )}
        {preview && preview.movingPages === 0 && preview.segments.every((s) => s.problem === null) && (
          <Alert
            type="success"
            showIcon
            title={t(
              `没有需要拆分的页面：全部属于本卷 ${archiveNo}`,
              `Nothing to split: every page belongs to ${archiveNo}`,
            )}
          />
        )}
        {hasPatchT && (
          <Space className="split-next">
            <span>
              {t(
                '本批次后续案卷（Patch-T 分隔页依次对应）：',
                'Next volumes of the batch (one per Patch-T sheet):',
              )}
            </span>
            <Select
              mode="multiple"
              className="split-next-select"
              value={[...nextVolumes]}
              onChange={onNextVolumes}
              options={volumes.map((v) => ({ value: v.id, label: v.archiveNo }))}
            />
          </Space>
        )}
        {preview && preview.segments.length > 0 && (
          <div className="split-segments">
            {preview.segments.map((seg, i) => (
              <div className="split-segment" key={seg.separators[0] ?? seg.pages[0] ?? i}>
                <Space align="start">
                  {seg.pages[0] !== undefined || seg.separators[0] !== undefined ? (
                    <PageImage
                      pageId={seg.separators[0] ?? seg.pages[0] ?? 0}
                      size="thumb"
                      className="split-thumb"
                    />
                  ) : (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
                  )}
                  <Space orientation="vertical" size={2}>
                    <Typography.Text strong>
                      {t(`第 ${i + 1} 段`, `Segment ${i + 1}`)}{' '}
                      {seg.by === 'source' ? (
                        <Tag>{t('留在本卷', 'Stays here')}</Tag>
                      ) : seg.moves ? (
                        <Tag color="purple">
                          {t('移到', 'To')} {seg.archiveNo ?? '—'}
                        </Tag>
                      ) : seg.volumeId !== null ? (
                        <Tag>{t('本卷标签', "This volume's label")}</Tag>
                      ) : (
                        <Tag color="warning">{t('无处可放', 'No home')}</Tag>
                      )}
                      {seg.by === 'patch-t' && <Tag color="magenta">Patch-T</Tag>}
                    </Typography.Text>
                    <span>
                      {t(
                        `内容页 ${seg.pages.length} 页（第 ${range(seg.pages)} 页），分隔页 ${seg.separators.length} 页`,
                        `${seg.pages.length} content page(s) (pages ${range(seg.pages)}), ${seg.separators.length} separator(s)`,
                      )}
                    </span>
                    {seg.problem && <Typography.Text type="danger">{tx(seg.problem)}</Typography.Text>}
                  </Space>
                </Space>
              </div>
            ))}
          </div>
        )}
      </div>
    </Modal>
  );
}
