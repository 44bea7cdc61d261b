import { Tag, Tooltip } from 'antd';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { PageRow } from '../../../core/contracts/api-capture';
import { useI18n } from '../../i18n/i18n';
import { PageImage } from './PageImage';

const TILE_W = 132;
const TILE_H = 214;
const GAP = 10;

/** The badges of a page: what the pipeline found, and what still needs the operator's eye. */
export function PageBadges({ page }: { readonly page: PageRow }) {
  const { t } = useI18n();
  return (
    <span className="page-badges">
      {page.state === 'pending' && <Tag color="processing">{t('处理中', 'Processing')}</Tag>}
      {page.state === 'failed' && (
        <Tooltip title={page.error}>
          <Tag color="error">{t('处理失败', 'Failed')}</Tag>
        </Tooltip>
      )}
      {page.isBlank && <Tag color="default">{t('空白', 'Blank')}</Tag>}
      {page.labelFound !== null && <Tag color="purple">{t('标签', 'Label')}</Tag>}
      {page.patchT && <Tag color="magenta">{t('分隔页', 'Separator')}</Tag>}
      {page.isSeparator && page.labelFound === null && !page.patchT && (
        <Tag color="magenta">{t('分隔页', 'Separator')}</Tag>
      )}
      {page.autoColour && page.state === 'done' && (
        <Tooltip
          title={
            page.colorMode === 'color'
              ? t(
                  `自动：有彩色内容（印章、红头），保存为彩色（彩色分 ${page.colourScore ?? 0}）`,
                  `Auto: colour content (seals, red headers), kept in colour (score ${page.colourScore ?? 0})`,
                )
              : t(
                  `自动：无彩色内容，保存为灰度（彩色分 ${page.colourScore ?? 0}）`,
                  `Auto: no colour content, stored grey (score ${page.colourScore ?? 0})`,
                )
          }
        >
          <Tag
            color={page.colorMode === 'color' ? 'red' : 'default'}
            data-testid="colour-badge"
            data-mode={page.colorMode}
          >
            {page.colorMode === 'color' ? t('彩色', 'Colour') : t('灰度', 'Grey')}
          </Tag>
        </Tooltip>
      )}
      {page.lowDpi && (
        <Tooltip title={t('低于 200 dpi（DA/T 31），建议重扫', 'Under 200 dpi (DA/T 31): rescan')}>
          <Tag color="warning">{t('低分辨率', 'Low dpi')}</Tag>
        </Tooltip>
      )}
    </span>
  );
}

const Tile = memo(function Tile({
  page,
  selected,
  onSelect,
  onOpen,
}: {
  readonly page: PageRow;
  readonly selected: boolean;
  readonly onSelect: (id: number) => void;
  readonly onOpen: (id: number) => void;
}) {
  const { t } = useI18n();
  return (
    <div
      className={`thumb-tile${selected ? ' selected' : ''}`}
      data-testid="thumb-tile"
      data-page-id={page.id}
      data-seq={page.seq}
      role="option"
      aria-selected={selected}
      onClick={() => {
        onSelect(page.id);
      }}
      onDoubleClick={() => {
        onOpen(page.id);
      }}
    >
      <div className="thumb-frame">
        {page.thumbKey === null && page.state === 'pending' ? (
          <div className="page-image-placeholder">{t('处理中…', 'Processing…')}</div>
        ) : (
          <PageImage pageId={page.id} size="thumb" version={page.thumbKey} className="thumb-img" />
        )}
      </div>
      <div className="thumb-caption">
        <span className="thumb-seq">{page.seq}</span>
        <PageBadges page={page} />
      </div>
    </div>
  );
});

/**
 * The pages of a volume as a virtualized grid: only the rows in view (plus a few) are in the DOM, so
 * 500 or 5 000 pages scroll alike. Thumbnails load as rows come into view, in batches.
 */
export function ThumbnailGrid({
  pages,
  selectedId,
  onSelect,
  onOpen,
  followEnd,
}: {
  readonly pages: readonly PageRow[];
  readonly selectedId: number | null;
  readonly onSelect: (id: number) => void;
  readonly onOpen: (id: number) => void;
  /** Keep the newest page in view (while scanning). */
  readonly followEnd: boolean;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useLayoutEffect(() => {
    const el = parent.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);
  const columns = Math.max(1, Math.floor((width + GAP) / (TILE_W + GAP)));
  const rows = Math.ceil(pages.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => parent.current,
    estimateSize: () => TILE_H + GAP,
    overscan: 3,
  });

  // The selected page stays in view when moved by keyboard.
  const selectedIndex = selectedId === null ? -1 : pages.findIndex((p) => p.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(Math.floor(selectedIndex / columns), { align: 'auto' });
  }, [selectedIndex, columns, virtualizer]);
  useEffect(() => {
    if (followEnd && rows > 0) virtualizer.scrollToIndex(rows - 1, { align: 'end' });
  }, [followEnd, rows, virtualizer]);

  return (
    <div ref={parent} className="thumb-grid" data-testid="thumb-grid" role="listbox">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="thumb-row"
            style={{ transform: `translateY(${row.start}px)`, height: TILE_H, gap: GAP }}
          >
            {pages.slice(row.index * columns, row.index * columns + columns).map((p) => (
              <Tile key={p.id} page={p} selected={p.id === selectedId} onSelect={onSelect} onOpen={onOpen} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
