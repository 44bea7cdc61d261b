import type { Role } from '../../core/roles';

/** Who makes a change: recorded with it in the audit log. `userId: null` is the system itself. */
export interface Actor {
  readonly userId: number | null;
  readonly username: string | null;
  /** The role the person acts in, where a rule depends on it (volume transitions). */
  readonly role?: Role;
}

/** Changes made by the program itself (recovery, migrations of data, first-run setup). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, username: null });

/** Injectable clock, so tests control time. Times are stored as ISO-8601 UTC text. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** ISO-8601 UTC text of `clock()` moved by `ms` milliseconds. */
export function isoAfter(clock: Clock, ms: number): string {
  return new Date(clock().getTime() + ms).toISOString();
}

/** The audit-log fields of an actor (the role travels in the details where it matters). */
export function actorFields(actor: Actor): { userId: number | null; username: string | null } {
  return { userId: actor.userId, username: actor.username };
}
