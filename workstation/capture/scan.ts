import { DomainError } from '../../core/errors';
import { STATE_NAMES, transition, type VolumeState } from '../../core/lifecycle';
import type { ScanErrorCategory, ScanSession } from '../../core/scanning/driver';
import { text, type Text } from '../../core/text';
import type { Actor, Page, Repos } from '../../db/repos';
import { collect } from '../../native/session';
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

export interface RunScanOptions {
  readonly batchId?: number;
  readonly onPage?: (page: Page) => void;
  /**
   * With the repositories, the volume's lifecycle is kept: refused before anything is read unless the
   * volume can take pages, moved to `scanning` together with its first page, and every page committed
   * only while it is still `scanning`. Without them (older callers) pages are captured as they come.
   */
  readonly repos?: Repos;
  /** Who scans (audited; the transition needs role `operator`). Default: the workstation as operator. */
  readonly actor?: Actor;
  /** Automatic colour: the device scans in colour and each page's master is colour or grey by content. */
  readonly autoColour?: boolean;
}

/** Whoever scans when the caller names no one: recorded as the workstation itself. */
export const WORKSTATION_OPERATOR: Actor = Object.freeze({
  userId: null,
  username: 'workstation',
  role: 'operator',
});

/** States whose volume takes scanned pages, and the state it is moved to first (if any). */
const TAKES_PAGES: Readonly<Partial<Record<VolumeState, VolumeState | null>>> = {
  registered: 'scanning', // start-scan
  scanned: 'scanning', // resume-scan (补扫)
  scanning: null,
};

/**
 * Refuses, before the scanner starts, a scan into a volume that cannot take pages (verified, queued,
 * withdrawn…) or by someone whose role may not start it (`capture.volume-state`, `lifecycle.forbidden`).
 */
export function checkScanTarget(repos: Repos, volumeId: number, actor: Actor = WORKSTATION_OPERATOR): void {
  const volume = repos.volumes.get(volumeId);
  const next = TAKES_PAGES[volume.state];
  if (next === undefined) {
    const name = STATE_NAMES[volume.state];
    throw new DomainError(
      'capture.volume-state',
      text(
        `案卷 ${volume.archiveNo} 的状态为“${name.zh}”，不能再扫入页面。只有“已登记”、“扫描中”或“已扫描”的案卷可以扫描；需要改动时请先退回或重新著录。`,
        `Volume ${volume.archiveNo} is ${name.en.toLowerCase()} and cannot take scanned pages. Only registered, scanning or scanned volumes can be scanned into; reject or reopen it first to change it.`,
      ),
      { volumeId, state: volume.state },
    );
  }
  if (next !== null) transition(volume.state, next, actor.role ?? 'operator');
}

/**
 * Call inside the transaction that adds pages to a volume: refuses a volume that cannot take pages and
 * moves a registered (or scanned) one to `scanning`, audited through the volumes repository.
 */
export function admitPages(repos: Repos, volumeId: number, actor: Actor = WORKSTATION_OPERATOR): void {
  const volume = repos.volumes.get(volumeId);
  if (volume.state === 'scanning') return;
  checkScanTarget(repos, volumeId, actor);
  repos.volumes.transition(volumeId, 'scanning', actor, { expectedState: volume.state });
}

/**
 * Feeds a scan session into the pipeline: each page is captured durably before the next event is read,
 * and `onPage` hears of it only then (the acknowledgement). An interrupted run reports what it got.
 * With `repos`, the first page and the volume's move to `scanning` commit in one transaction (audited
 * through the volumes repository), and a volume that cannot take pages is refused: the session is
 * cancelled and the DomainError thrown.
 */
export async function runScan(
  pipeline: CapturePipeline,
  session: ScanSession,
  volumeId: number,
  options: RunScanOptions = {},
): Promise<ScanReport> {
  const { repos } = options;
  const actor = options.actor ?? WORKSTATION_OPERATOR;
  if (repos) {
    try {
      checkScanTarget(repos, volumeId, actor);
    } catch (e) {
      session.cancel();
      await collect(session); // let the driver stop the device cleanly
      throw e;
    }
  }
  // Inside each page's transaction: the volume must (still) take pages; the first moves it on.
  const keepLifecycle = (): void => {
    if (repos) admitPages(repos, volumeId, actor);
  };
  const pages: Page[] = [];
  let error: ScanReport['error'] = null;
  for await (const event of session) {
    if (event.type === 'page') {
      const [page] = pipeline.captureAll(
        volumeId,
        [
          {
            bytes: event.bytes,
            mediaType: event.mediaType,
            dpi: event.dpi,
            mode: event.mode,
            ...(event.width !== undefined ? { width: event.width } : {}),
            ...(event.height !== undefined ? { height: event.height } : {}),
            ...(event.side ? { side: event.side } : {}),
            ...(options.autoColour === true && event.mode === 'color' ? { autoColour: true } : {}),
          },
        ],
        options.batchId,
        keepLifecycle,
      );
      if (!page) throw new Error('unreachable: one image gives one page');
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
