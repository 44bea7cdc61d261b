import type { Handlers } from '../../core/contracts';
import type { Role } from '../../core/roles';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Repos, User } from '../../db/repos';
import type { Actor } from '../../db/repos/actor';
import type { DesktopQueries } from '../../db/repos/desktop-queries';
import type { EventBus } from './event-bus';
import type { ProvinceConfig } from '../../core/bureaus';
import type { VolumeRegistration } from '../registration/register-volume';

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
