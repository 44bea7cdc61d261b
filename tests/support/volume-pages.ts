import type { BlobStore } from '../../db/blob-store';
import type { Page, Repos } from '../../db/repos';
import type { DemoPage } from './demo-volume';

/** Stores demo page images durably and adds them to a volume, as the capture pipeline would. */
export function addDemoPages(
  repos: Repos,
  blobs: BlobStore,
  volumeId: number,
  pages: readonly (DemoPage | { png: Buffer; isBlank?: boolean })[],
  dpi = 150,
): Page[] {
  return pages.map((p) => {
    const put = blobs.put(p.png);
    const page = repos.pages.addCaptured({
      volumeId,
      blob: { sha256: put.sha256, size: p.png.length, mediaType: 'image/png' },
      dpiX: dpi,
      dpiY: dpi,
      colorMode: 'gray',
    });
    return p.isBlank === true ? repos.pages.setFlags(page.id, { isBlank: true, blankScore: 0.999 }) : page;
  });
}
