import type { Database } from 'better-sqlite3';
import { AuditLog } from '../audit-log';
import { systemClock, type Clock } from './actor';
import { BatchesRepo } from './batches';
import { DocumentsRepo } from './documents';
import { EnterprisesRepo, type EnterprisesOptions } from './enterprises';
import { JobsRepo, type JobsOptions } from './jobs';
import { OutboxRepo } from './outbox';
import { PagesRepo } from './pages';
import { SessionsRepo, type SessionPolicy } from './sessions';
import { SettingsRepo } from './settings';
import { UsersRepo, type UsersOptions } from './users';
import { VolumesRepo, type VolumesOptions } from './volumes';

export interface ReposOptions {
  /** One clock for every repository and the audit log (tests pass a fake one). */
  readonly now?: Clock;
  readonly users?: UsersOptions;
  readonly sessions?: SessionPolicy;
  readonly enterprises?: EnterprisesOptions;
  readonly volumes?: VolumesOptions;
  readonly jobs?: JobsOptions;
}

export interface Repos {
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly settings: SettingsRepo;
  readonly enterprises: EnterprisesRepo;
  readonly volumes: VolumesRepo;
  readonly pages: PagesRepo;
  readonly documents: DocumentsRepo;
  readonly batches: BatchesRepo;
  readonly jobs: JobsRepo;
  readonly outbox: OutboxRepo;
  /** The one audit log every repository appends to. */
  readonly audit: AuditLog;
}

/** All repositories over one connection, sharing one clock and one audit log. */
export function createRepos(db: Database, options: ReposOptions = {}): Repos {
  const now = options.now ?? systemClock;
  const audit = new AuditLog(db, now);
  const users = new UsersRepo(db, audit, now, options.users);
  return {
    users,
    sessions: new SessionsRepo(db, users, audit, now, options.sessions),
    settings: new SettingsRepo(db, audit, now),
    enterprises: new EnterprisesRepo(db, audit, now, options.enterprises),
    volumes: new VolumesRepo(db, audit, now, options.volumes),
    pages: new PagesRepo(db, audit, now),
    documents: new DocumentsRepo(db, audit, now),
    batches: new BatchesRepo(db, now),
    jobs: new JobsRepo(db, now, options.jobs),
    outbox: new OutboxRepo(db, now),
    audit,
  };
}

export type { Actor, Clock } from './actor';
export { SYSTEM_ACTOR } from './actor';
export type { User, NewUser } from './users';
export type { Session } from './sessions';
export type {
  Enterprise,
  EnterpriseAlias,
  EnterpriseMerge,
  MergeCandidate,
  NewEnterprise,
  AliasKind,
} from './enterprises';
export type { Volume, NewVolume } from './volumes';
export type { Page, Capture, BlobInfo, PageFlags, PageTransform, TransformKind } from './pages';
export type { CataloguedDocument, DocumentInput } from './documents';
export type { Batch, BatchState } from './batches';
export type { Job, JobState, NewJob } from './jobs';
export type { OutboxEntry, OutboxKind, OutboxState } from './outbox';
