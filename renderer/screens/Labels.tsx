import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { useEffect, useRef, useState } from 'react';
import type { VolumeRow } from '../../core/contracts';
import { useApp } from '../app/context';
import { errorText } from '../app/errors';
import { useI18n } from '../i18n/i18n';
import { volumeColumns } from './volume-columns';
import { hiddenHint, useVolumeSearch } from './volume-picker';

const PRINTABLE = [
  'registered',
  'scanning',
  'scanned',
  'catalogued',
  'verified',
  'queued',
  'rejected',
] as const;

/**
 * Sends the PDF shown in `frame` to the system print dialog. The frame holds the browser's own PDF
 * viewer (Chromium's, also Electron's), and printing its window prints the PDF at its own page size, so
 * labels come out at 100 %; the page around it is never printed.
 */
function printPdfFrame(frame: HTMLIFrameElement | null): boolean {
  const w = frame?.contentWindow;
  if (!w) return false;
  w.focus();
  w.print();
  return true;
}

/**
 * 标签打印: choose volumes and a sheet layout; the engine makes the PDF, shown here in a preview, then
 * printed through the system print dialog (or saved).
 */
export function LabelsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, reference } = useApp();
  const columns = volumeColumns<VolumeRow>(reference, i18n);
  // Latest changed first (the volumes just registered are the ones to label), searched on the engine.
  const volumes = useVolumeSearch(client, { states: PRINTABLE, order: 'recent', limit: 500 }, (e) => {
    setError(errorText(e, i18n));
  });
  const hint = hiddenHint(volumes.hidden, volumes.query, i18n);
  const [layouts, setLayouts] = useState<{ name: string; description: string }[]>([]);
  const [layout, setLayout] = useState<string>('');
  const [skip, setSkip] = useState(0);
  const [selected, setSelected] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ url: string; fileName: string; labels: number } | null>(null);
  const [previewLoaded, setPreviewLoaded] = useState(false);
  const preview = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    void (async () => {
      try {
        const l = await client.call('labels.layouts', {});
        setLayouts(l);
        setLayout((current) => current || (l[0]?.name ?? ''));
      } catch (e) {
        setError(errorText(e, i18n));
      }
    })();
  }, [client, i18n]);

  useEffect(
    () => () => {
      if (done) URL.revokeObjectURL(done.url);
    },
    [done],
  );

  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.call('labels.pdf', { volumeIds: selected, layout, skip });
      const bytes = Uint8Array.from(atob(r.pdfBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
      setPreviewLoaded(false);
      setDone({ url, fileName: r.fileName, labels: r.labels });
    } catch (e) {
      setError(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="large" className="screen">
      <Typography.Title level={3} data-testid="screen-title">
        {t('标签打印', 'Labels')}
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Card size="small">
        <Row gutter={16} align="bottom">
          <Col span={10}>
            <Typography.Text type="secondary">{t('版式', 'Layout')}</Typography.Text>
            <Select
              className="full-width"
              value={layout}
              onChange={setLayout}
              options={layouts.map((l) => ({ value: l.name, label: `${l.name} — ${l.description}` }))}
              data-testid="label-layout"
            />
          </Col>
          <Col span={6}>
            <Typography.Text type="secondary">{t('跳过已用位置', 'Skip used positions')}</Typography.Text>
            <InputNumber
              className="full-width"
              min={0}
              max={100}
              value={skip}
              onChange={(v) => {
                setSkip(v ?? 0);
              }}
            />
          </Col>
          <Col span={8}>
            <Button
              type="primary"
              icon={<PrinterOutlined />}
              disabled={selected.length === 0 || layout === ''}
              loading={busy}
              onClick={() => void make()}
              data-testid="make-labels"
            >
              {t(`生成 ${selected.length} 个标签`, `Make ${selected.length} label(s)`)}
            </Button>
          </Col>
        </Row>
        {done && (
          <Alert
            className="labels-done"
            type="success"
            showIcon
            data-testid="labels-done"
            title={t(`已生成 ${done.labels} 个标签`, `${done.labels} label(s) ready`)}
            description={
              <Space wrap>
                <Button
                  type="primary"
                  icon={<PrinterOutlined />}
                  disabled={!previewLoaded}
                  onClick={() => {
                    if (!printPdfFrame(preview.current))
                      setError(t('预览尚未就绪，无法打印', 'The preview is not ready; cannot print'));
                  }}
                  data-testid="labels-print"
                >
                  {t('打印…', 'Print…')}
                </Button>
                <a href={done.url} download={done.fileName} data-testid="labels-download">
                  <FilePdfOutlined /> {t('保存 PDF', 'Save the PDF')} ({done.fileName})
                </a>
                <Typography.Text type="secondary">
                  {t(
                    '在打印对话框中选择标签打印机，缩放选“实际大小（100%）”',
                    'In the print dialog choose the label printer and “actual size (100 %)”',
                  )}
                </Typography.Text>
              </Space>
            }
          />
        )}
      </Card>
      {/* The volumes beside the preview: choosing and checking happen without scrolling past the PDF. */}
      <div className="labels-workspace">
        <Card
          size="small"
          title={t(`选择案卷（已选 ${selected.length}）`, `Volumes (${selected.length} chosen)`)}
          data-testid="labels-volumes"
        >
          <Input.Search
            allowClear
            className="volume-search-box"
            placeholder={t('输入档号、企业名称或代码查找', 'Type an archive number, enterprise name or code')}
            value={volumes.query}
            onChange={(e) => {
              volumes.setQuery(e.target.value);
            }}
            data-testid="labels-search"
          />
          {hint !== null && (
            <Typography.Text type="secondary" className="volume-search-hint" data-testid="volume-picker-hint">
              {hint}
            </Typography.Text>
          )}
          <Table<VolumeRow>
            size="small"
            rowKey="id"
            dataSource={[...volumes.rows]}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            rowSelection={{
              // Chosen volumes stay chosen while the text shows others.
              preserveSelectedRowKeys: true,
              selectedRowKeys: selected,
              onChange: (keys) => {
                setSelected(keys.map(Number));
              },
            }}
            columns={[
              columns.archiveNo,
              { title: t('企业', 'Enterprise'), dataIndex: 'enterpriseName', key: 'e' },
              columns.type,
              columns.state,
            ]}
          />
        </Card>
        <Card size="small" title={t('打印预览', 'Print preview')} data-testid="labels-preview-card">
          {done ? (
            <iframe
              ref={preview}
              key={done.url}
              src={done.url}
              title={t('标签 PDF 预览', 'Label PDF preview')}
              className="labels-preview"
              data-testid="labels-preview"
              onLoad={() => {
                setPreviewLoaded(true);
              }}
            />
          ) : (
            <Empty
              className="labels-preview-empty"
              description={t(
                '选好案卷后按“生成”，标签在此预览',
                'Choose volumes and make the labels to preview them here',
              )}
            />
          )}
        </Card>
      </div>
    </Space>
  );
}
