import type { BlobStore } from '../../db/blob-store';
import type { Repos } from '../../db/repos';
import type { CaptureRepo } from '../../db/repos/capture';
import type { OcrZone, PageOcrRepo } from '../../db/repos/page-ocr';
import { ORIENTATION_JOB, OrientationService, type OrientationRun } from './orientation';
import type { Recognizer } from './tesseract-pool';
import { EDITABLE } from '../capture/editable';

export interface OrientationStepDeps {
  readonly repos: Repos;
  readonly capture: CaptureRepo;
  readonly blobs: BlobStore;
  readonly ocr: PageOcrRepo;
  /** Puts a page upright: a recorded, undoable rotation with a new thumbnail (CaptureService.turnUpright). */
  readonly turn: (pageId: number, degrees: 90 | 180 | 270) => Promise<void>;
  /** Queues the volume's pages whose reading of these zones is missing or stale (OcrService.enqueueVolume). */
  readonly reread: (volumeId: number, zones: readonly OcrZone[]) => number;
}

/**
 * The OCR runner's first step (OcrRunnerOptions.before): the queued orientation checks, run with the
 * runner's recognizer before any title zone is read, so a page that lay upside down is read upright.
 * A page turned after some zone of it was read (its check queued while OCR was running) has that zone
 * queued again: the reading no longer matches the page's image.
 */
export function orientationStep(
  deps: OrientationStepDeps,
): (recognizer: Recognizer, stopping: () => boolean) => Promise<OrientationRun[]> {
  return async (recognizer, stopping) => {
    if (deps.repos.jobs.pendingOf([ORIENTATION_JOB]) === 0) return [];
    const turn = async (pageId: number, degrees: 90 | 180 | 270) => {
      await deps.turn(pageId, degrees);
      const read = (['title', 'full'] as const).filter((z) => deps.ocr.get(pageId, z) !== null);
      if (read.length > 0) deps.reread(deps.repos.pages.get(pageId).volumeId, read);
    };
    // A catalogued volume's pages no longer change: their checks are dropped without a read.
    const editable = (pageId: number) =>
      EDITABLE.includes(deps.repos.volumes.get(deps.repos.pages.get(pageId).volumeId).state);
    const service = new OrientationService(deps.repos, deps.capture, deps.blobs, recognizer, turn, editable);
    return service.drain(`engine-orientation-${process.pid}`, stopping);
  };
}
