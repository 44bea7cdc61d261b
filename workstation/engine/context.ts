import type { Handlers } from '../../core/contracts';
import type { Role } from '../../core/roles';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { BlobStore } from '../../db/blob-store';
import type { Db } from '../../db/open';
import type { Repos, User } from '../../db/repos';
import type { Actor } from '../../db/repos/actor';
import type { DesktopQueries } from '../../db/repos/desktop-queries';
import type { EventBus } from './event-bus';
import type { ProvinceConfig } from '../../core/bureaus';
import type { VolumeRegistration } from '../registration/register-volume';
import type { OcrZone, PageOcrRepo } from '../../db/repos/page-ocr';
import type { OcrRunner } from '../ocr/ocr-runner';
import type { CaptureService } from './capture-service';
import type { StoreConnection } from '../transfer/store-client';
import type { SecretKeys } from '../transfer/secret-box';

/** What every handler can reach: the repositories, the event bus and the engine's settings. */
export interface EngineServices {
  readonly repos: Repos;
  readonly queries: DesktopQueries;
  readonly registration: VolumeRegistration;
  readonly events: EventBus;
  readonly province: ProvinceConfig;
  readonly archiveNumberPattern: string;
  readonly idleMinutes: number;
  readonly version: string;
  readonly dataDir: string;
  readonly now: () => Date;
  /** 扫描: the capture pipeline, scanners and scan runs (created on first use; see capture-service.ts). */
  readonly capture: () => CaptureService;
  /** The database itself, for the engines that work on it whole (checks, fixes, maintenance, statistics). */
  readonly db: Db;
  /** The data folder's blob store (blobs/). */
  readonly blobs: BlobStore;
  /** OCR of page text (著录标引 suggestions, 图文校核 checks): readings, and the background runner. */
  readonly store: StoreService;
  readonly ocr: {
    readonly repo: PageOcrRepo;
    readonly runner: OcrRunner;
    /** Queues the volume's unread content pages for these zones; returns how many jobs were queued. */
    readonly enqueue: (volumeId: number, zones: readonly OcrZone[]) => number;
  };
}

/** The uploader's archive store connection (系统维护 sets it; the environment wins). */
export interface StoreService {
  /** The connection the launch gave (from $DANGAN_STORE_URL …): when set, the saved one is not used. */
  readonly fromEnv: StoreConnection | null;
  /** The address the uploader uses now; null when it is not running. */
  activeUrl(): string | null;
  /** Stops the uploader and starts it again with the current connection (the environment's or the saved one). */
  restart(): Promise<void>;
  /** The installation's keys that seal the saved secret (secret-box.ts). */
  readonly secrets: SecretKeys;
}

/** One call: who is calling (null on public endpoints) and with which session token. */
export interface CallContext {
  readonly user: User | null;
  readonly sessionToken: string | null;
}

export type EngineHandlers = Handlers<CallContext>;

/** The signed-in user. The dispatcher guarantees one on every non-public endpoint. */
export function caller(ctx: CallContext): User {
  if (ctx.user === null) {
    throw new DomainError('session.required', text('请先登录', 'Please sign in first'));
  }
  return ctx.user;
}

/** The audit actor for a user acting in `role` (or in no particular role). */
export function actorOf(user: User, role?: Role): Actor {
  return role === undefined
    ? { userId: user.id, username: user.username }
    : { userId: user.id, username: user.username, role };
}
