import { Tag, Tooltip } from 'antd';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { CataloguePageView } from '../../../core/contracts/api-cataloguing';
import { useI18n } from '../../i18n/i18n';
import { PageImage } from '../scan/PageImage';

const TILE_H = 168;

/** A document's colour in the strip and the list (cycled), so the operator sees where documents change. */
export function docColor(index: number): string {
  const colors = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
  return colors[index % colors.length] ?? '#2563eb';
}

export interface StripPage {
  readonly page: CataloguePageView;
  /** Index of the document holding it (-1: none). */
  readonly doc: number;
  /** A document starts on this page. */
  readonly starts: boolean;
  /** A suggestion not yet taken starts here: its type name. */
  readonly suggestion: string | null;
  /** The rules found an error on this page. */
  readonly error: boolean;
  readonly thumbKey: string | null;
}

const Tile = memo(function Tile({
  item,
  current,
  onSelect,
}: {
  readonly item: StripPage;
  readonly current: boolean;
  readonly onSelect: (seq: number) => void;
}) {
  const { t } = useI18n();
  const { page } = item;
  return (
    <div
      className={`strip-tile${current ? ' current' : ''}${item.error ? ' has-error' : ''}`}
      role="option"
      aria-selected={current}
      data-testid="strip-tile"
      data-seq={page.seq}
      onClick={() => {
        onSelect(page.seq);
      }}
      style={{ borderLeftColor: item.doc >= 0 ? docColor(item.doc) : 'transparent' }}
    >
      {item.starts && (
        <div className="strip-start" style={{ background: docColor(item.doc) }}>
          {t(`第 ${item.doc + 1} 件`, `Doc ${item.doc + 1}`)}
        </div>
      )}
      <PageImage pageId={page.id} size="thumb" version={item.thumbKey} className="strip-thumb" />
      <div className="strip-caption">
        <span className="strip-seq">{page.seq}</span>
        <span className="strip-pageno">
          {page.pageNo === null ? t('不编页', 'no no.') : t(`页号 ${page.pageNo}`, `p. ${page.pageNo}`)}
        </span>
      </div>
      <div className="strip-flags">
        {page.isBlank && <Tag>{t('空白', 'Blank')}</Tag>}
        {page.isSeparator && <Tag color="magenta">{t('分隔', 'Sep.')}</Tag>}
        {page.hasLabel && <Tag color="purple">{t('标签', 'Label')}</Tag>}
        {item.suggestion !== null && (
          <Tooltip
            title={t('建议从此页开始新的一件（回车接受）', 'Suggested document start (Enter accepts)')}
          >
            <Tag color="gold" className="strip-suggestion">
              {item.suggestion}
            </Tag>
          </Tooltip>
        )}
      </div>
    </div>
  );
});

/** The volume's pages as a virtualized vertical strip (500+ pages stay smooth); the current page is kept in view. */
export function PageStrip({
  items,
  current,
  onSelect,
}: {
  readonly items: readonly StripPage[];
  readonly current: number;
  readonly onSelect: (seq: number) => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => parent.current,
    estimateSize: () => TILE_H,
    overscan: 6,
  });
  useEffect(() => {
    if (current >= 1) virtual.scrollToIndex(current - 1, { align: 'auto' });
  }, [current, virtual]);
  return (
    <div ref={parent} className="page-strip" role="listbox" data-testid="page-strip">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((v) => {
          const item = items[v.index];
          if (!item) return null;
          return (
            <div
              key={item.page.id}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: TILE_H,
                transform: `translateY(${v.start}px)`,
              }}
            >
              <Tile item={item} current={item.page.seq === current} onSelect={onSelect} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
