import { Button, Space, Spin, Tooltip } from 'antd';
import { CompressOutlined, ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { TransformComponent, TransformWrapper, type ReactZoomPanPinchRef } from 'react-zoom-pan-pinch';
import type { EngineClient } from '../../api/client';
import { useApp } from '../../app/context';
import { useI18n } from '../../i18n/i18n';
import { PageImageLoader, type LoadedImage } from './image-loader';

const loaders = new WeakMap<EngineClient, PageImageLoader>();

/** The one image loader of this UI (batched thumbnails, cached object URLs). */
export function useImageLoader(): PageImageLoader {
  const { client } = useApp();
  let loader = loaders.get(client);
  if (!loader) {
    loader = new PageImageLoader(client);
    loaders.set(client, loader);
  }
  return loader;
}

export interface PageImageProps {
  readonly pageId: number;
  /**
   * `thumb` (256 px, batched), `view` (≤ 2000 px, for reading on screen), `master` (the processed
   * image) or `original` (the scanner's bytes).
   */
  readonly size: 'thumb' | 'view' | 'master' | 'original';
  /** Changes when the image changes (PageRow.thumbKey): a new value fetches again. */
  readonly version?: string | null;
  readonly alt?: string;
  readonly className?: string;
  readonly style?: CSSProperties;
}

/**
 * One page image from the engine (pages.thumbnails / pages.image). A placeholder while it loads, and
 * while a page has no thumbnail yet (not processed). Used by 扫描, 著录标引 and 图文校核: keep the props
 * stable.
 */
export function PageImage({ pageId, size, version = null, alt, className, style }: PageImageProps) {
  const loader = useImageLoader();
  const { t } = useI18n();
  const cached = size === 'thumb' ? loader.cachedThumbnail(pageId, version) : undefined;
  const [img, setImg] = useState<LoadedImage | null | undefined>(cached);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setFailed(false);
    const hit = size === 'thumb' ? loader.cachedThumbnail(pageId, version) : undefined;
    setImg(hit);
    if (hit) return;
    const load = size === 'thumb' ? loader.thumbnail(pageId, version) : loader.image(pageId, size, version);
    load.then(
      (loaded) => {
        if (live) setImg(loaded);
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [loader, pageId, size, version]);

  const label = alt ?? t(`第 ${pageId} 页`, `Page ${pageId}`);
  if (img) {
    return (
      <img
        src={img.url}
        alt={label}
        width={img.width}
        height={img.height}
        className={className}
        style={style}
        draggable={false}
        data-page-image={pageId}
      />
    );
  }
  return (
    <div className={`page-image-placeholder ${className ?? ''}`} style={style} aria-label={label}>
      {failed ? (
        t('图像无法加载', 'Image unavailable')
      ) : img === null ? (
        t('处理中…', 'Processing…')
      ) : (
        <Spin size="small" />
      )}
    </div>
  );
}

/**
 * A page at reading size with zoom (wheel, buttons, double-click) and pan (drag). `size` defaults to
 * `view`; the 原图 switch asks for `original`.
 */
export function PageViewer({
  pageId,
  version = null,
  size = 'view',
  height = 600,
}: {
  readonly pageId: number;
  readonly version?: string | null;
  readonly size?: 'view' | 'master' | 'original';
  /** CSS height of the viewer (a number is pixels). */
  readonly height?: number | string;
}) {
  const { t } = useI18n();
  const zoom = useRef<ReactZoomPanPinchRef>(null);
  // + / - / 0 zoom while the viewer is shown (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]') || e.ctrlKey || e.altKey || e.metaKey)
        return;
      const z = zoom.current;
      if (!z) return;
      if (e.key === '+' || e.key === '=') void z.zoomIn();
      else if (e.key === '-') void z.zoomOut();
      else if (e.key === '0') void z.resetTransform();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  return (
    <div className="page-viewer" style={{ height }} data-testid="page-viewer">
      <TransformWrapper
        ref={zoom}
        key={`${pageId}:${size}:${version ?? ''}`}
        minScale={0.5}
        maxScale={8}
        centerOnInit
      >
        {({ zoomIn, zoomOut, resetTransform }) => (
          <>
            <Space className="page-viewer-tools">
              <Tooltip title={t('放大（+）', 'Zoom in (+)')}>
                <Button size="small" icon={<ZoomInOutlined />} onClick={() => void zoomIn()} />
              </Tooltip>
              <Tooltip title={t('缩小（-）', 'Zoom out (-)')}>
                <Button size="small" icon={<ZoomOutOutlined />} onClick={() => void zoomOut()} />
              </Tooltip>
              <Tooltip title={t('适合窗口（0）', 'Fit (0)')}>
                <Button size="small" icon={<CompressOutlined />} onClick={() => void resetTransform()} />
              </Tooltip>
            </Space>
            <TransformComponent
              wrapperStyle={{ width: '100%', height: '100%' }}
              contentStyle={{ width: '100%', height: '100%' }}
            >
              <PageImage
                pageId={pageId}
                size={size}
                version={version}
                style={{ width: '100%', height: '100%', objectFit: 'contain' }}
              />
            </TransformComponent>
          </>
        )}
      </TransformWrapper>
    </div>
  );
}
