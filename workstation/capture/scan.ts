import type { ScanErrorCategory, ScanSession } from '../../core/scanning/driver';
import type { Text } from '../../core/text';
import type { Page } from '../../db/repos';
import type { CapturePipeline } from './pipeline';

export interface ScanReport {
  /** Pages acknowledged (durably captured), in order. */
  readonly pages: readonly Page[];
  /** Why the run stopped early, if it did; the pages before it are kept. */
  readonly error: {
    readonly category: ScanErrorCategory;
    readonly message: Text;
    readonly detail?: string;
  } | null;
}

/**
 * Feeds a scan session into the pipeline: each page is captured durably before the next event is read,
 * and `onPage` hears of it only then (the acknowledgement). An interrupted run reports what it got.
 */
export async function runScan(
  pipeline: CapturePipeline,
  session: ScanSession,
  volumeId: number,
  options: { readonly batchId?: number; readonly onPage?: (page: Page) => void } = {},
): Promise<ScanReport> {
  const pages: Page[] = [];
  let error: ScanReport['error'] = null;
  for await (const event of session) {
    if (event.type === 'page') {
      const page = pipeline.capturePage(
        volumeId,
        {
          bytes: event.bytes,
          mediaType: event.mediaType,
          dpi: event.dpi,
          mode: event.mode,
          ...(event.width !== undefined ? { width: event.width } : {}),
          ...(event.height !== undefined ? { height: event.height } : {}),
          ...(event.side ? { side: event.side } : {}),
        },
        options.batchId,
      );
      pages.push(page);
      options.onPage?.(page);
    } else if (event.type === 'error') {
      error ??= {
        category: event.category,
        message: event.message,
        ...(event.detail !== undefined ? { detail: event.detail } : {}),
      };
    }
  }
  return { pages, error };
}
