import { Alert, Button, Descriptions, Modal, Space, Table, Tag, Typography } from 'antd';
import { visibleValue } from '../../../core/contracts/visible-value';
import type { FindingTarget } from '../../../core/contracts/api-maintenance';
import { useApp } from '../../app/context';
import { targetUrl } from '../../app/targets';
import { useI18n } from '../../i18n/i18n';
import { CATALOGUE, SCAN } from './finding-links';

export type BlobTarget = Extract<FindingTarget, { kind: 'blob' }>;
type BlobPage = BlobTarget['pages'][number];

const USE: Readonly<Record<BlobPage['use'], readonly [string, string]>> = {
  original: ['扫描原图', 'Scanned original'],
  master: ['处理后图像', 'Processed image'],
  thumbnail: ['缩略图', 'Thumbnail'],
  transform: ['图像处理结果', 'Transform result'],
};

/** A stored image a finding is about: its digest and size, and every page that uses it (opened in 扫描). */
export function BlobModal({
  blob,
  problem,
  onClose,
}: {
  blob: BlobTarget | null;
  problem: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { navigate } = useApp();
  return (
    <Modal
      open={blob !== null}
      width={760}
      title={t('图像文件', 'Image file')}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('关闭', 'Close')}</Button>}
    >
      {blob && (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="blob-target">
          <Alert type="warning" showIcon title={problem} />
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('SHA-256 摘要', 'SHA-256 digest')}>
              <Typography.Text code copyable data-testid="blob-digest">
                {blob.sha256}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('登记大小', 'Recorded size')}>
              {blob.size === null ? t('未登记', 'not recorded') : `${blob.size.toLocaleString()} B`}
            </Descriptions.Item>
            <Descriptions.Item label={t('使用此图像的页面', 'Pages using it')}>
              {blob.pageCount === 0
                ? t('没有页面使用此图像', 'No page uses it')
                : t(`${blob.pageCount} 处`, `${blob.pageCount}`)}
            </Descriptions.Item>
          </Descriptions>
          {blob.pages.length > 0 && (
            <Table<BlobPage>
              size="small"
              rowKey={(p) => `${p.pageId} ${p.use}`}
              dataSource={blob.pages}
              pagination={false}
              data-testid="blob-pages"
              columns={[
                {
                  title: t('档号', 'Archive no.'),
                  key: 'a',
                  render: (_: unknown, p) => (p.archiveNo === null ? '—' : visibleValue(p.archiveNo)),
                },
                {
                  title: t('页', 'Page'),
                  key: 's',
                  width: 90,
                  render: (_: unknown, p) => t(`第 ${p.seq} 页`, `Page ${p.seq}`),
                },
                {
                  title: t('用途', 'Use'),
                  key: 'u',
                  width: 160,
                  render: (_: unknown, p) => {
                    const [zh, en] = USE[p.use];
                    return (
                      <Space size={4}>
                        {t(zh, en)}
                        {p.deleted && <Tag>{t('已删除', 'deleted')}</Tag>}
                      </Space>
                    );
                  },
                },
                {
                  title: '',
                  key: 'o',
                  width: 200,
                  render: (_: unknown, p) =>
                    p.deleted ? null : (
                      <Space size={4}>
                        {[SCAN, CATALOGUE].map((place) => (
                          <Button
                            key={place.path}
                            size="small"
                            onClick={() => {
                              onClose();
                              navigate(targetUrl(place.path, { volumeId: p.volumeId, pageId: p.pageId }));
                            }}
                            data-testid={`blob-page-open-${place.path.slice(1)}`}
                          >
                            {t(place.zh, place.en)}
                          </Button>
                        ))}
                      </Space>
                    ),
                },
              ]}
            />
          )}
          {blob.pageCount > blob.pages.length && (
            <Typography.Text type="secondary">
              {t(`此处列出前 ${blob.pages.length} 处`, `The first ${blob.pages.length} shown`)}
            </Typography.Text>
          )}
        </Space>
      )}
    </Modal>
  );
}
