import { DEFAULT_PROVINCE, type ProvinceConfig } from '../../core/bureaus';
import { createRepos, type Repos, type ReposOptions } from '../../db/repos';
import { DesktopQueries } from '../../db/repos/desktop-queries';
import { TransfersRepo } from '../../db/repos/transfers';
import { BlobStore } from '../../db/blob-store';
import path from 'node:path';
import type { Db } from '../../db/open';
import type { EngineHandlers, EngineServices } from './context';
import { createDispatch, type Dispatch } from './dispatch';
import { EventBus } from './event-bus';
import { authHandlers } from './handlers/auth';
import { dashboardHandlers } from './handlers/dashboard';
import { labelHandlers } from './handlers/labels';
import { outboxHandlers } from './handlers/outbox';
import { registrationHandlers } from './handlers/registration';
import { userHandlers } from './handlers/users';
import { captureHandlers } from './handlers/capture';
import { cataloguingHandlers } from './handlers/cataloguing';
import { verificationHandlers } from './handlers/verification';
import { statsHandlers } from './handlers/stats';
import { maintenanceHandlers } from './handlers/maintenance';
import { VolumeRegistration } from '../registration/register-volume';
import { SyncedIndexLookup, type StoreLookup } from '../registration/store-lookup';
import { ActiveStoreLookup } from '../transfer/http-store-lookup';
import { StoreIndexRepo } from '../../db/repos/store-index';
import {
  startTransferWorker,
  type EngineTransfer,
  type TransferWorkerOptions,
} from '../transfer/engine-worker';
import type { StoreConnection } from '../transfer/store-client';
import { readStoredConnection } from '../transfer/store-settings';
import { fileKeys, type SecretKeys } from '../transfer/secret-box';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import { FormReadingService } from '../ocr/form-service';
import { OcrRunner, type PoolHandle } from '../ocr/ocr-runner';
import { OCR_JOB_KINDS, OcrService } from '../ocr/ocr-service';
import { TesseractPool, type Recognizer } from '../ocr/tesseract-pool';
import { ORIENTATION_JOB } from '../ocr/orientation';
import { orientationStep } from '../ocr/orientation-step';
import { CaptureRepo } from '../../db/repos/capture';
import { CaptureService, type CaptureOptions } from './capture-service';

export interface EngineOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly version?: string;
  readonly now?: () => Date;
  readonly idleMinutes?: number;
  readonly province?: ProvinceConfig;
  readonly repos?: Omit<ReposOptions, 'now' | 'sessions'>;
  readonly log?: (message: string, error: unknown) => void;
  /** Where the duplicate-digitization guard asks the archive store; null: this workstation only. */
  readonly storeLookup?: StoreLookup | null;
  /** The archive store and this workstation's credential: when given, queued volumes upload in the background. */
  readonly store?: StoreConnection | null;
  /** Keys sealing the saved store secret: Electron's from the OS (safeStorage), else the data folder's key file. */
  readonly secretKeys?: SecretKeys;
  readonly transferWorker?: TransferWorkerOptions;
  /** OCR workers (default: tesseract.js, one per core, started when there is text to read). */
  readonly ocr?: { readonly createPool?: () => Promise<PoolHandle>; readonly idleMs?: number };
  /** Scanner drivers and processing threads of the capture pipeline (see capture-service.ts). */
  readonly capture?: CaptureOptions;
}

/** The recognizer behind an OcrService used only to queue jobs. */
const NOT_RUNNING: Recognizer = {
  engine: 'none',
  recognize: () => Promise.reject(new Error('queue-only OcrService cannot read pages')),
};

export interface Engine {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly repos: Repos;
  readonly startedAt: string;
  /** Jobs a dead earlier process left running, returned to the queue (or failed, attempts used up) at start. */
  readonly recoveredJobs: number;
  /** The background uploader of the outbox; null without a store connection. */
  readonly transfer: EngineTransfer | null;
  /** Stops background work (the uploader finishes its current step); the database stays open. */
  close(): Promise<void>;
}

/**
 * The workstation engine behind every UI transport: the repositories over one database, the handlers
 * of the API contract, and the event bus. It owns no socket: `server.ts` (browser mode) and the
 * Electron utility process carry its calls.
 */
export function createEngine(options: EngineOptions): Engine {
  const now = options.now ?? (() => new Date());
  const idleMinutes = options.idleMinutes ?? 15;
  const province = options.province ?? DEFAULT_PROVINCE;
  const repos = createRepos(options.db, {
    ...options.repos,
    now,
    sessions: { idleMinutes },
    enterprises: { province, ...options.repos?.enterprises },
    volumes: { province, archiveNumberPattern: province.archiveNumberPattern, ...options.repos?.volumes },
  });
  // The engine is the database's only writer: a job still marked running when it starts (OCR, page
  // processing) belonged to a process that was killed or crashed, and is retried.
  const recoveredJobs = repos.jobs.recoverStale(now());
  const events = new EventBus();
  const log =
    options.log ??
    ((message: string, error: unknown) => {
      console.error(message, error);
    });
  const blobs = new BlobStore(path.join(options.dataDir, 'blobs'));
  const ocrRepo = new PageOcrRepo(options.db, now);
  const forms = new FormReadingService(repos, ocrRepo, new FormReadingsRepo(options.db, now), blobs);
  const ocrService = (r: Recognizer) => new OcrService(repos, ocrRepo, blobs, r, forms);
  let capture: CaptureService | null = null;
  // The uploader runs on the launch's connection (the environment) or else the one saved in 系统维护.
  let transfer: EngineTransfer | null = null;
  const secrets = options.secretKeys ?? fileKeys(options.dataDir);
  const connection = (): StoreConnection | null => {
    if (options.store !== undefined && options.store !== null) return options.store;
    try {
      const saved = readStoredConnection(repos.settings, secrets);
      return saved === null ? null : { url: saved.url, clientId: saved.clientId, secret: saved.secret };
    } catch (e) {
      log('store connection setting', e);
      return null;
    }
  };
  const startUploader = () => {
    const conn = connection();
    transfer =
      conn === null
        ? null
        : startTransferWorker(
            { repos, db: options.db, blobs, now, events, log },
            conn,
            options.transferWorker,
          );
    active = conn;
  };
  // The uploader's connection, which the duplicate-digitization guard asks too.
  let active: StoreConnection | null = null;
  let closed = false;
  const services: EngineServices = {
    store: {
      fromEnv: options.store ?? null,
      activeUrl: () => active?.url ?? null,
      secrets,
      restart: async () => {
        await transfer?.stop();
        if (!closed) startUploader();
      },
    },
    repos,
    capture: () => {
      capture ??= new CaptureService(services, options.capture);
      return capture;
    },
    queries: new DesktopQueries(options.db),
    registration: new VolumeRegistration(
      repos,
      options.storeLookup ??
        new ActiveStoreLookup(() => active, new SyncedIndexLookup(new StoreIndexRepo(options.db, now))),
    ),
    events,
    province,
    archiveNumberPattern: options.repos?.volumes?.archiveNumberPattern ?? province.archiveNumberPattern,
    idleMinutes,
    version: options.version ?? '0.1.0',
    dataDir: options.dataDir,
    now,
    db: options.db,
    blobs,
    ocr: {
      repo: ocrRepo,
      runner: new OcrRunner({
        createPool: options.ocr?.createPool ?? (() => TesseractPool.create()),
        service: ocrService,
        // Pages the capture could not orient are checked (and turned) before their titles are read.
        before: orientationStep({
          repos,
          capture: new CaptureRepo(options.db),
          blobs,
          ocr: ocrRepo,
          turn: (pageId, degrees) => services.capture().turnUpright(pageId, degrees),
          reread: (volumeId, zones) => ocrService(NOT_RUNNING).enqueueVolume(volumeId, { zones }),
        }),
        log,
        ...(options.ocr?.idleMs !== undefined ? { idleMs: options.ocr.idleMs } : {}),
      }),
      // enqueueVolume never recognizes: the recognizer is only used by drain().
      enqueue: (volumeId, zones) => ocrService(NOT_RUNNING).enqueueVolume(volumeId, { zones }),
    },
  };
  // Orientation checks an older version's crash lost between a page's processing and its check.
  CaptureService.recoverOrientationChecks(options.db, repos, now());
  // OCR left unfinished by a previous run (recovered above, or queued and never read) is taken up too.
  if (repos.jobs.pendingOf([...Object.values(OCR_JOB_KINDS), ORIENTATION_JOB]) > 0)
    services.ocr.runner.kick();
  // Pages a previous run captured but did not process are taken up with the engine's start.
  if (CaptureService.hasWaitingPages(options.db) || CaptureService.hasInterruptedRuns(repos)) {
    services.capture();
  }
  const handlers: EngineHandlers = {
    ...authHandlers(services),
    ...userHandlers(services),
    ...registrationHandlers(services),
    ...dashboardHandlers(services),
    ...labelHandlers(services),
    ...outboxHandlers(services, {
      transfers: new TransfersRepo(options.db, now),
      // The data folder's blob store (workstation/data-dir.ts keeps it in blobs/).
      blobs,
    }),
    ...captureHandlers(services),
    ...cataloguingHandlers(services),
    ...verificationHandlers(services),
    ...statsHandlers(services),
    ...maintenanceHandlers(services),
  };
  startUploader();
  return {
    get transfer() {
      return transfer;
    },
    close: async () => {
      closed = true;
      await transfer?.stop();
      await capture?.close();
      await services.ocr.runner.close();
    },
    dispatch: createDispatch(handlers, repos, log),
    events,
    repos,
    startedAt: now().toISOString(),
    recoveredJobs,
  };
}
