import { createHash, randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { AuditLog } from '../audit-log';
import { actorFields, isoAfter, systemClock, type Actor, type Clock } from './actor';
import type { UsersRepo, User } from './users';

export interface Session {
  readonly userId: number;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

export interface SessionPolicy {
  /** Inactivity after which a session ends (等保 level 3 requires one). Default 15. */
  readonly idleMinutes?: number;
  /** Lifetime however active the session is. Default 12. */
  readonly absoluteHours?: number;
}

interface SessionRow {
  token_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** The stored form of a token: a copy of the database must not open anyone's session. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Login sessions. The token is handed to the client once and only its SHA-256 is kept.
 *
 * The idle timeout is the repository's policy (constructor), applied on every `touch`: the sessions
 * table has no column for a per-session idle limit, so `create` only varies the absolute lifetime.
 */
export class SessionsRepo {
  private readonly idleMs: number;
  private readonly absoluteHours: number;
  private readonly insert: Statement<SessionRow>;
  private readonly byHash: Statement<{ hash: string }, SessionRow>;
  private readonly seen: Statement<{ hash: string; now: string }>;
  private readonly revokeOne: Statement<{ hash: string; now: string }>;
  private readonly revokeUser: Statement<{ userId: number; now: string }>;

  constructor(
    private readonly db: Database,
    private readonly users: UsersRepo,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
    policy: SessionPolicy = {},
  ) {
    this.idleMs = (policy.idleMinutes ?? 15) * 60_000;
    this.absoluteHours = policy.absoluteHours ?? 12;
    this.insert = db.prepare(
      `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at)
       VALUES (@token_hash, @user_id, @created_at, @last_seen_at, @expires_at, @revoked_at)`,
    );
    this.byHash = db.prepare('SELECT * FROM sessions WHERE token_hash = @hash');
    this.seen = db.prepare(
      'UPDATE sessions SET last_seen_at = @now WHERE token_hash = @hash AND revoked_at IS NULL',
    );
    this.revokeOne = db.prepare(
      'UPDATE sessions SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL',
    );
    this.revokeUser = db.prepare(
      'UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL',
    );
  }

  /** Opens a session for a user who has just authenticated; returns the token (base64url, 32 random bytes). */
  create(userId: number, options: { readonly absoluteHours?: number } = {}): string {
    this.users.get(userId); // throws user.not-found
    const token = randomBytes(32).toString('base64url');
    const at = this.now().toISOString();
    this.insert.run({
      token_hash: tokenHash(token),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: isoAfter(this.now, (options.absoluteHours ?? this.absoluteHours) * 3_600_000),
      revoked_at: null,
    });
    return token;
  }

  /**
   * The session and its user when the token is live, and marks it used; null when the token is unknown,
   * revoked, past its lifetime or idle too long, or the user has been disabled since.
   */
  touch(token: string): { session: Session; user: User } | null {
    const hash = tokenHash(token);
    const row = this.byHash.get({ hash });
    if (!row || row.revoked_at !== null) return null;
    const now = this.now();
    const at = now.toISOString();
    if (row.expires_at <= at) return null;
    if (Date.parse(row.last_seen_at) + this.idleMs <= now.getTime()) return null;
    const user = this.users.get(row.user_id);
    if (user.disabledAt !== null) return null;
    this.seen.run({ hash, now: at });
    return {
      session: { userId: row.user_id, createdAt: row.created_at, lastSeenAt: at, expiresAt: row.expires_at },
      user,
    };
  }

  /** Logout. Unknown or already revoked tokens are ignored (logging out twice is not an error). */
  revoke(token: string): void {
    const hash = tokenHash(token);
    const row = this.byHash.get({ hash });
    if (!row) return;
    this.db.transaction(() => {
      if (this.revokeOne.run({ hash, now: this.now().toISOString() }).changes === 0) return;
      const user = this.users.get(row.user_id);
      this.audit.append({
        userId: user.id,
        username: user.username,
        action: 'user.logout',
        objectType: 'user',
        objectId: user.id,
        outcome: 'ok',
      });
    })();
  }

  /** Ends every session of a user (forced logout by an administrator). Returns how many were live. */
  revokeAllFor(userId: number, actor: Actor): number {
    return this.db.transaction(() => {
      const n = this.revokeUser.run({ userId, now: this.now().toISOString() }).changes;
      this.audit.append({
        ...actorFields(actor),
        action: 'session.revoke-all',
        objectType: 'user',
        objectId: userId,
        outcome: 'ok',
        details: { revoked: n },
      });
      return n;
    })();
  }
}
