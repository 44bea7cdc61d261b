import type { Database, Statement } from 'better-sqlite3';
import { DomainError } from '../../core/errors';
import { normalizeField, normalizeText } from '../../core/normalize';
import { ROLES, isRole, type Role } from '../../core/roles';
import { text } from '../../core/text';
import type { AuditLog } from '../audit-log';
import { actorFields, isoAfter, systemClock, type Actor, type Clock } from './actor';
import { hashPassword, needsRehash, verifyPassword } from './password-hash';
import {
  PASSWORD_HISTORY,
  PASSWORD_MAX_AGE_DAYS,
  PASSWORD_MIN_AGE_SETTING_DAYS,
  assertPasswordStrong,
  passwordStatus,
  type PasswordStatus,
} from '../../core/password-policy';
import { SettingsRepo } from './settings';
import { z } from 'zod';
import { isUniqueViolation } from './sqlite-errors';

export interface User {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  /** In the order of ROLES. */
  readonly roles: readonly Role[];
  readonly passwordChangedAt: string;
  /** The password was set by someone else: it must be changed before anything else. */
  readonly mustChangePassword: boolean;
  readonly failedLogins: number;
  readonly lockedUntil: string | null;
  readonly disabledAt: string | null;
  readonly createdAt: string;
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly Role[];
}

export interface CreateOptions {
  /**
   * Whether the new account must change its password at first sign-in. Default true: a password
   * somebody else chose is an initial one. Only a person setting their own password (first-run setup)
   * passes false.
   */
  readonly mustChangePassword?: boolean;
}

/** The settings key of the password's longest age in days (系统维护). */
export const PASSWORD_MAX_AGE_KEY = 'password.max-age-days';
const MaxAgeSchema = z.number().int().min(PASSWORD_MIN_AGE_SETTING_DAYS).max(PASSWORD_MAX_AGE_DAYS);

export interface UsersOptions {
  /** Consecutive failed logins that lock the account (等保: limit on failed attempts). */
  readonly maxFailedLogins?: number;
  readonly lockMinutes?: number;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  password_changed_at: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
}

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;
const DISPLAY_NAME = {
  name: 'displayName',
  label: text('姓名', 'Display name'),
  maxLength: 100,
  kind: 'text',
  required: true,
} as const;

/** The same answer for an unknown user and a wrong password, so usernames cannot be probed. */
function authFailed(): DomainError {
  return new DomainError('auth.failed', text('用户名或密码错误', 'Wrong username or password'));
}

function notFound(id: number): DomainError {
  return new DomainError('user.not-found', text(`用户不存在：${id}`, `No such user: ${id}`), { id });
}

/** User accounts: scrypt password hashes, lockout after repeated failures, roles. No default account exists. */
export class UsersRepo {
  private readonly maxFailed: number;
  private readonly lockMs: number;
  private readonly byId: Statement<{ id: number }, UserRow>;
  private readonly byName: Statement<{ username: string }, UserRow>;
  private readonly rolesOf: Statement<{ id: number }, { role: string }>;
  private readonly insertUser: Statement<
    Omit<UserRow, 'id' | 'failed_logins' | 'locked_until' | 'disabled_at'>
  >;
  private readonly historyOf: Statement<{ id: number; keep: number }, { password_hash: string }>;
  private readonly addHistory: Statement<{ id: number; hash: string; at: string }>;
  private readonly trimHistory: Statement<{ id: number; keep: number }>;
  private readonly settings: SettingsRepo;
  private readonly insertRole: Statement<{ id: number; role: Role }>;
  private readonly deleteRoles: Statement<{ id: number }>;
  private readonly updateHash: Statement<{ id: number; hash: string; now: string; must: number }>;
  private readonly rehash: Statement<{ id: number; hash: string }>;
  private readonly setDisabled: Statement<{ id: number; at: string | null }>;
  private readonly clearLock: Statement<{ id: number }>;
  private readonly failure: Statement<
    { id: number; max: number; lockUntil: string },
    { failed_logins: number; locked_until: string | null }
  >;
  private readonly success: Statement<{ id: number }>;
  private readonly revokeSessions: Statement<{ id: number; now: string }>;
  private readonly countAll: Statement<[], { n: number }>;
  private readonly allRows: Statement<[], UserRow>;
  private readonly countAdmins: Statement<{ except: number }, { n: number }>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly now: Clock = systemClock,
    options: UsersOptions = {},
  ) {
    this.maxFailed = options.maxFailedLogins ?? 5;
    this.lockMs = (options.lockMinutes ?? 15) * 60_000;
    this.byId = db.prepare('SELECT * FROM users WHERE id = @id');
    this.byName = db.prepare('SELECT * FROM users WHERE username = @username');
    this.rolesOf = db.prepare('SELECT role FROM user_roles WHERE user_id = @id');
    this.insertUser = db.prepare(
      `INSERT INTO users (username, display_name, password_hash, password_changed_at, must_change_password,
         created_at)
       VALUES (@username, @display_name, @password_hash, @password_changed_at, @must_change_password,
         @created_at)`,
    );
    this.historyOf = db.prepare(
      'SELECT password_hash FROM password_history WHERE user_id = @id ORDER BY id DESC LIMIT @keep',
    );
    this.addHistory = db.prepare(
      'INSERT INTO password_history (user_id, password_hash, set_at) VALUES (@id, @hash, @at)',
    );
    this.trimHistory = db.prepare(
      `DELETE FROM password_history WHERE user_id = @id AND id NOT IN
         (SELECT id FROM password_history WHERE user_id = @id ORDER BY id DESC LIMIT @keep)`,
    );
    this.settings = new SettingsRepo(db, audit, now);
    this.insertRole = db.prepare('INSERT INTO user_roles (user_id, role) VALUES (@id, @role)');
    this.deleteRoles = db.prepare('DELETE FROM user_roles WHERE user_id = @id');
    this.updateHash = db.prepare(
      `UPDATE users SET password_hash = @hash, password_changed_at = @now, must_change_password = @must,
         failed_logins = 0, locked_until = NULL
       WHERE id = @id`,
    );
    this.rehash = db.prepare('UPDATE users SET password_hash = @hash WHERE id = @id');
    this.setDisabled = db.prepare('UPDATE users SET disabled_at = @at WHERE id = @id');
    this.clearLock = db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = @id');
    // All right-hand sides see the old row, so `failed_logins + 1` is this attempt's count. Locking
    // restarts the count: after the lock expires the user gets the full number of attempts again.
    this.failure = db.prepare(
      `UPDATE users SET
         failed_logins = CASE WHEN failed_logins + 1 >= @max THEN 0 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN failed_logins + 1 >= @max THEN @lockUntil ELSE locked_until END
       WHERE id = @id
       RETURNING failed_logins, locked_until`,
    );
    this.success = db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = @id');
    this.revokeSessions = db.prepare(
      'UPDATE sessions SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL',
    );
    this.countAll = db.prepare('SELECT count(*) AS n FROM users');
    this.allRows = db.prepare('SELECT * FROM users ORDER BY id');
    this.countAdmins = db.prepare(
      `SELECT count(*) AS n FROM users u JOIN user_roles r ON r.user_id = u.id
       WHERE r.role = 'admin' AND u.disabled_at IS NULL AND u.id <> @except`,
    );
  }

  async create(input: NewUser, actor: Actor, options: CreateOptions = {}): Promise<User> {
    const mustChange = options.mustChangePassword ?? true;
    const username = checkUsername(input.username);
    const displayName = normalizeField(DISPLAY_NAME, input.displayName);
    const roles = checkRoles(input.roles);
    assertPasswordStrong(input.password, username);
    if (this.byName.get({ username })) throw duplicate(username);
    const hash = await hashPassword(input.password);
    return this.db.transaction(() => {
      const at = this.now().toISOString();
      let id: number;
      try {
        id = Number(
          this.insertUser.run({
            username,
            display_name: displayName,
            password_hash: hash,
            password_changed_at: at,
            must_change_password: mustChange ? 1 : 0,
            created_at: at,
          }).lastInsertRowid,
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw duplicate(username); // created meanwhile by another caller
        throw e;
      }
      for (const role of roles) this.insertRole.run({ id, role });
      this.addHistory.run({ id, hash, at });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.create',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
        details: { username, roles: [...roles], mustChangePassword: mustChange },
      });
      return this.get(id);
    })();
  }

  findByUsername(username: string): User | null {
    const row = this.byName.get({ username: normalizeText(username) });
    return row ? this.toUser(row) : null;
  }

  get(id: number): User {
    const row = this.byId.get({ id });
    if (!row) throw notFound(id);
    return this.toUser(row);
  }

  /** Every account, oldest first (a few dozen per workstation). */
  list(): User[] {
    return this.allRows.all().map((row) => this.toUser(row));
  }

  count(): number {
    return this.countAll.get()?.n ?? 0;
  }

  setRoles(id: number, roles: readonly Role[], actor: Actor): User {
    const next = checkRoles(roles);
    return this.db.transaction(() => {
      const before = this.get(id);
      if (before.roles.includes('admin') && !next.includes('admin')) this.assertNotLastAdmin(id);
      this.deleteRoles.run({ id });
      for (const role of next) this.insertRole.run({ id, role });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.roles',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
        details: { from: [...before.roles], to: [...next] },
      });
      return this.get(id);
    })();
  }

  /**
   * Sets a new password; also unlocks the account and ends its sessions (they were opened with the old
   * one). A password set by anyone but the user (an administrator's reset, the CLI) must be changed at
   * the next sign-in; the user's own change clears that. Refuses any of the last PASSWORD_HISTORY passwords.
   */
  async setPassword(id: number, password: string, actor: Actor): Promise<void> {
    const user = this.get(id);
    assertPasswordStrong(password, user.username);
    await this.assertNotRecent(id, password);
    const hash = await hashPassword(password);
    const must = actor.userId === id ? 0 : 1;
    this.db.transaction(() => {
      const at = this.now().toISOString();
      if (this.updateHash.run({ id, hash, now: at, must }).changes === 0) throw notFound(id);
      this.addHistory.run({ id, hash, at });
      this.trimHistory.run({ id, keep: PASSWORD_HISTORY });
      this.revokeSessions.run({ id, now: at });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.password',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
        details: { mustChangePassword: must === 1 },
      });
    })();
  }

  /** Compared with the same slow hash as a login: history holds salted hashes, never passwords. */
  private async assertNotRecent(id: number, password: string): Promise<void> {
    for (const { password_hash } of this.historyOf.all({ id, keep: PASSWORD_HISTORY })) {
      if (await verifyPassword(password, password_hash)) {
        throw new DomainError(
          'password.reused',
          text(
            `新密码不能与最近 ${PASSWORD_HISTORY} 次使用过的密码相同`,
            `The new password must differ from the last ${PASSWORD_HISTORY} passwords`,
          ),
          { history: PASSWORD_HISTORY },
        );
      }
    }
  }

  /** Days a password may be used (系统维护 setting; at most PASSWORD_MAX_AGE_DAYS). */
  passwordMaxAgeDays(): number {
    return this.settings.get(PASSWORD_MAX_AGE_KEY, MaxAgeSchema, PASSWORD_MAX_AGE_DAYS);
  }

  setPasswordMaxAgeDays(days: number, actor: Actor): number {
    const checked = MaxAgeSchema.safeParse(days);
    if (!checked.success) {
      throw new DomainError(
        'password.invalid-max-age',
        text(
          `密码有效期须为 ${PASSWORD_MIN_AGE_SETTING_DAYS}–${PASSWORD_MAX_AGE_DAYS} 天的整数`,
          `The password lifetime must be a whole number of ${PASSWORD_MIN_AGE_SETTING_DAYS}–${PASSWORD_MAX_AGE_DAYS} days`,
        ),
        { days },
      );
    }
    this.settings.set(PASSWORD_MAX_AGE_KEY, checked.data, actor);
    return checked.data;
  }

  /** Whether the user must change the password now (initial or expired), and when it expires. */
  passwordStatus(user: User): PasswordStatus {
    return passwordStatus(user, this.passwordMaxAgeDays(), this.now());
  }

  /** Disables the account and ends its sessions. The record stays (the audit log refers to it). */
  disable(id: number, actor: Actor): User {
    return this.db.transaction(() => {
      const user = this.get(id);
      if (user.disabledAt !== null) return user;
      if (user.roles.includes('admin')) this.assertNotLastAdmin(id);
      const at = this.now().toISOString();
      this.setDisabled.run({ id, at });
      this.revokeSessions.run({ id, now: at });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.disable',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
      });
      return this.get(id);
    })();
  }

  enable(id: number, actor: Actor): User {
    return this.db.transaction(() => {
      const user = this.get(id);
      if (user.disabledAt === null) return user;
      this.setDisabled.run({ id, at: null });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.enable',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
      });
      return this.get(id);
    })();
  }

  /** Lifts a lockout before it expires (an administrator who has checked who is asking). */
  unlock(id: number, actor: Actor): User {
    return this.db.transaction(() => {
      this.get(id);
      this.clearLock.run({ id });
      this.audit.append({
        ...actorFields(actor),
        action: 'user.unlock',
        objectType: 'user',
        objectId: id,
        outcome: 'ok',
      });
      return this.get(id);
    })();
  }

  /**
   * Checks a login. Throws `auth.failed` for an unknown user or a wrong password (same message, same
   * cost: an unknown user is checked against a dummy hash), `user.locked` (with `lockedUntil`) or
   * `user.disabled`. Every attempt is audited as `user.login`.
   */
  async authenticate(username: string, password: string): Promise<User> {
    const name = normalizeText(username);
    const row = this.byName.get({ username: name });
    if (!row) {
      await verifyPassword(password, null);
      this.loginAudit(null, name, 'denied', 'unknown-user');
      throw authFailed();
    }
    const blocked = this.blocked(row);
    if (blocked) {
      this.loginAudit(row.id, row.username, 'denied', blocked.reason);
      throw blocked.error;
    }

    const ok = await verifyPassword(password, row.password_hash);
    const upgraded = ok && needsRehash(row.password_hash) ? await hashPassword(password) : null;

    const result = this.db.transaction((): User | DomainError => {
      // The hash was checked outside the transaction; another attempt may have locked the account meanwhile.
      const current = this.byId.get({ id: row.id });
      const nowBlocked = current ? this.blocked(current) : { reason: 'unknown-user', error: authFailed() };
      if (nowBlocked) {
        this.loginAudit(row.id, row.username, 'denied', nowBlocked.reason);
        return nowBlocked.error;
      }
      if (!ok) {
        const after = this.failure.get({
          id: row.id,
          max: this.maxFailed,
          lockUntil: isoAfter(this.now, this.lockMs),
        });
        const locked = after?.failed_logins === 0 && after.locked_until !== null;
        this.loginAudit(
          row.id,
          row.username,
          'denied',
          'bad-password',
          locked ? { lockedUntil: after.locked_until } : {},
        );
        return authFailed();
      }
      this.success.run({ id: row.id });
      if (upgraded !== null) this.rehash.run({ id: row.id, hash: upgraded });
      this.loginAudit(row.id, row.username, 'ok', 'ok');
      return this.get(row.id);
    })();
    // Thrown after the commit, so the failure count and the audit record stay.
    if (result instanceof DomainError) throw result;
    return result;
  }

  private blocked(row: UserRow): { reason: string; error: DomainError } | null {
    if (row.disabled_at !== null) {
      return {
        reason: 'disabled',
        error: new DomainError(
          'user.disabled',
          text('账号已停用，请联系管理员', 'This account is disabled; ask an administrator'),
          {
            username: row.username,
          },
        ),
      };
    }
    const at = this.now().toISOString();
    if (row.locked_until !== null && row.locked_until > at) {
      return {
        reason: 'locked',
        error: new DomainError(
          'user.locked',
          text(
            `登录失败次数过多，账号已锁定至 ${row.locked_until}`,
            `Too many failed logins: the account is locked until ${row.locked_until}`,
          ),
          { username: row.username, lockedUntil: row.locked_until },
        ),
      };
    }
    return null;
  }

  private loginAudit(
    userId: number | null,
    username: string,
    outcome: 'ok' | 'denied',
    reason: string,
    extra: Record<string, string | null> = {},
  ): void {
    this.audit.append({
      userId,
      // What was typed, cut to the column's size: an unknown name is still worth recording.
      username: Array.from(username).slice(0, 64).join(''),
      action: 'user.login',
      objectType: 'user',
      objectId: userId,
      outcome,
      details: { reason, ...extra },
    });
  }

  private assertNotLastAdmin(id: number): void {
    if ((this.countAdmins.get({ except: id })?.n ?? 0) === 0) {
      throw new DomainError(
        'user.last-admin',
        text(
          '这是最后一个可用的管理员账号，不能停用或取消其管理员角色',
          'This is the last active administrator: it cannot be disabled or lose the admin role',
        ),
        { id },
      );
    }
  }

  private toUser(row: UserRow): User {
    const held = new Set(this.rolesOf.all({ id: row.id }).map((r) => r.role));
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles: ROLES.filter((r) => held.has(r)),
      passwordChangedAt: row.password_changed_at,
      mustChangePassword: row.must_change_password === 1,
      failedLogins: row.failed_logins,
      lockedUntil: row.locked_until,
      disabledAt: row.disabled_at,
      createdAt: row.created_at,
    };
  }
}

function checkUsername(raw: string): string {
  const username = normalizeText(raw);
  if (!USERNAME.test(username)) {
    throw new DomainError(
      'user.invalid-username',
      text(
        '用户名须为 1–64 个字母、数字或 . _ @ -，不含空格',
        'A username has 1–64 letters, digits or . _ @ -, without spaces',
      ),
      { username },
    );
  }
  return username;
}

function checkRoles(roles: readonly Role[]): readonly Role[] {
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) {
    throw new DomainError(
      'user.invalid-role',
      text(`未知角色：${bad.join('、')}`, `Unknown roles: ${bad.join(', ')}`),
      {
        roles: bad,
      },
    );
  }
  if (roles.length === 0) {
    throw new DomainError('user.no-role', text('至少需要一个角色', 'At least one role is required'));
  }
  return ROLES.filter((r) => roles.includes(r));
}

function duplicate(username: string): DomainError {
  return new DomainError(
    'user.duplicate',
    text(`用户名已存在：${username}`, `Username already taken: ${username}`),
    {
      username,
    },
  );
}
