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
import type { StoreLookup } from '../registration/store-lookup';

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
}

export interface Engine {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly repos: Repos;
  readonly startedAt: string;
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
  const events = new EventBus();
  const services: EngineServices = {
    repos,
    queries: new DesktopQueries(options.db),
    registration: new VolumeRegistration(repos, options.storeLookup ?? null),
    events,
    province,
    archiveNumberPattern: options.repos?.volumes?.archiveNumberPattern ?? province.archiveNumberPattern,
    idleMinutes,
    version: options.version ?? '0.1.0',
    dataDir: options.dataDir,
    now,
  };
  const handlers: EngineHandlers = {
    ...authHandlers(services),
    ...userHandlers(services),
    ...registrationHandlers(services),
    ...dashboardHandlers(services),
    ...labelHandlers(services),
    ...outboxHandlers(services, {
      transfers: new TransfersRepo(options.db, now),
      // The data folder's blob store (workstation/data-dir.ts keeps it in blobs/).
      blobs: new BlobStore(path.join(options.dataDir, 'blobs')),
    }),
    ...captureHandlers(services),
    ...cataloguingHandlers(services),
    ...verificationHandlers(services),
    ...statsHandlers(services),
    ...maintenanceHandlers(services),
  };
  const log =
    options.log ??
    ((message: string, error: unknown) => {
      console.error(message, error);
    });
  return { dispatch: createDispatch(handlers, repos, log), events, repos, startedAt: now().toISOString() };
}
