import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../core/errors';
import { ADMIN, openTestRepos } from '../../tests/support/repos';
import { hashPassword } from './password-hash';
import { SCRYPT_CURRENT } from './password-hash';

const PASSWORD = 'Scan#2026ok';

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a rejection');
}

function setup() {
  const t = openTestRepos();
  const create = (username = 'wangwei', roles: ('operator' | 'admin' | 'qa')[] = ['operator']) =>
    t.repos.users.create({ username, displayName: '王伟', password: PASSWORD, roles }, ADMIN);
  const logins = () => [...t.repos.audit.records()].filter((r) => r.action === 'user.login');
  return { ...t, create, logins };
}

describe('UsersRepo', () => {
  it('has no default account: a new database has no users', () => {
    const { repos } = setup();
    expect(repos.users.count()).toBe(0);
    expect(repos.users.findByUsername('admin')).toBeNull();
  });

  it('creates a user with roles and keeps only a scrypt hash of the password', async () => {
    const { repos, db, create } = setup();
    const u = await create('wangwei', ['qa', 'operator']);
    expect(u).toMatchObject({
      username: 'wangwei',
      displayName: '王伟',
      roles: ['operator', 'qa'],
      failedLogins: 0,
      lockedUntil: null,
    });
    expect(repos.users.get(u.id)).toEqual(u);
    expect(repos.users.findByUsername('WangWei')?.id).toBe(u.id); // usernames are case-insensitive
    expect(repos.users.count()).toBe(1);
    const stored = db.prepare('SELECT password_hash FROM users').pluck().get() as string;
    expect(stored.startsWith(`scrypt$${SCRYPT_CURRENT.N}$8$1$`)).toBe(true);
    expect(stored).not.toContain(PASSWORD);
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'user.create',
      username: ADMIN.username,
    });
  });

  it('refuses weak passwords, duplicate and malformed usernames, unknown or no roles', async () => {
    const { repos, create } = setup();
    await create();
    const base = { displayName: '李', roles: ['qa' as const] };
    expect(
      (await rejection(repos.users.create({ ...base, username: 'lina', password: 'short1A' }, ADMIN))).code,
    ).toBe('password.weak');
    expect(
      (await rejection(repos.users.create({ ...base, username: 'lina', password: 'Lina#2026x' }, ADMIN)))
        .code,
    ).toBe('password.weak');
    expect(
      (await rejection(repos.users.create({ ...base, username: 'WANGWEI', password: PASSWORD }, ADMIN))).code,
    ).toBe('user.duplicate');
    expect(
      (await rejection(repos.users.create({ ...base, username: 'li na', password: PASSWORD }, ADMIN))).code,
    ).toBe('user.invalid-username');
    expect(
      (
        await rejection(
          repos.users.create({ ...base, roles: [], username: 'lina', password: PASSWORD }, ADMIN),
        )
      ).code,
    ).toBe('user.no-role');
    const bogus = { ...base, roles: ['root'] } as unknown as typeof base;
    expect(
      (await rejection(repos.users.create({ ...bogus, username: 'lina', password: PASSWORD }, ADMIN))).code,
    ).toBe('user.invalid-role');
    expect(repos.users.count()).toBe(1);
  });

  it('authenticates, auditing every attempt; unknown user and wrong password fail alike', async () => {
    const { repos, create, logins } = setup();
    const u = await create();
    expect((await repos.users.authenticate('wangwei', PASSWORD)).id).toBe(u.id);
    const wrong = await rejection(repos.users.authenticate('wangwei', 'Scan#2026no'));
    const unknown = await rejection(repos.users.authenticate('nobody', PASSWORD));
    expect(wrong.code).toBe('auth.failed');
    expect(unknown.code).toBe('auth.failed');
    expect(unknown.text).toEqual(wrong.text);
    expect(logins().map((r) => [r.username, r.outcome, r.details['reason']])).toEqual([
      ['wangwei', 'ok', 'ok'],
      ['wangwei', 'denied', 'bad-password'],
      ['nobody', 'denied', 'unknown-user'],
    ]);
    expect(repos.audit.verify().ok).toBe(true);
  });

  it('spends the same hashing time on an unknown user as on a wrong password', async () => {
    const { repos, create } = setup();
    await create();
    const time = async (username: string) => {
      const start = performance.now();
      await rejection(repos.users.authenticate(username, 'Wrong#2026'));
      return performance.now() - start;
    };
    await time('nobody'); // the dummy hash is made once, on first use
    const unknown = Math.min(await time('nobody'), await time('nobody2'));
    const wrong = Math.min(await time('wangwei'), await time('wangwei'));
    // Without the dummy hash an unknown user would answer in well under a millisecond.
    expect(unknown).toBeGreaterThan(wrong * 0.3);
  });

  it('locks the account for 15 minutes after 5 consecutive failures', async () => {
    const { repos, clock, create, logins } = setup();
    await create();
    for (let i = 0; i < 5; i++) {
      expect((await rejection(repos.users.authenticate('wangwei', 'Wrong#2026'))).code).toBe('auth.failed');
    }
    const locked = await rejection(repos.users.authenticate('wangwei', PASSWORD));
    expect(locked.code).toBe('user.locked');
    expect(locked.details['lockedUntil']).toBe('2026-03-01T08:15:00.000Z');
    expect(locked.text.zh).toContain('2026-03-01T08:15:00.000Z');
    expect(logins().at(-1)?.details).toEqual({ reason: 'locked' });

    clock.advance(14 * 60_000);
    expect((await rejection(repos.users.authenticate('wangwei', PASSWORD))).code).toBe('user.locked');
    clock.advance(60_000);
    const ok = await repos.users.authenticate('wangwei', PASSWORD);
    expect(ok).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('resets the failure count on success (only consecutive failures lock)', async () => {
    const { repos, create } = setup();
    await create();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) await rejection(repos.users.authenticate('wangwei', 'Wrong#2026'));
      await repos.users.authenticate('wangwei', PASSWORD);
    }
    expect(repos.users.findByUsername('wangwei')).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('refuses a disabled account with its own code, ends its sessions, and can enable it again', async () => {
    const { repos, create } = setup();
    await create('zhaoadmin', ['admin']);
    const u = await create();
    const token = repos.sessions.create(u.id);
    repos.users.disable(u.id, ADMIN);
    expect(repos.sessions.touch(token)).toBeNull();
    expect((await rejection(repos.users.authenticate('wangwei', PASSWORD))).code).toBe('user.disabled');
    repos.users.enable(u.id, ADMIN);
    expect((await repos.users.authenticate('wangwei', PASSWORD)).id).toBe(u.id);
  });

  it('sets a new password: the old one stops working, the lock lifts, sessions end', async () => {
    const { repos, create } = setup();
    const u = await create();
    const token = repos.sessions.create(u.id);
    for (let i = 0; i < 5; i++) await rejection(repos.users.authenticate('wangwei', 'Wrong#2026'));
    await repos.users.setPassword(u.id, 'Fresh#Pass2026', ADMIN);
    expect(repos.sessions.touch(token)).toBeNull();
    expect((await rejection(repos.users.authenticate('wangwei', PASSWORD))).code).toBe('auth.failed');
    expect((await repos.users.authenticate('wangwei', 'Fresh#Pass2026')).id).toBe(u.id);
    expect((await rejection(repos.users.setPassword(u.id, 'weak', ADMIN))).code).toBe('password.weak');
  });

  it('re-hashes a password stored with weaker parameters at the next login', async () => {
    const { repos, db, create } = setup();
    const u = await create();
    const weak = await hashPassword(PASSWORD, { ...SCRYPT_CURRENT, N: 2 ** 14 });
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(weak, u.id);
    await repos.users.authenticate('wangwei', PASSWORD);
    const stored = db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(u.id) as string;
    expect(stored.startsWith(`scrypt$${SCRYPT_CURRENT.N}$`)).toBe(true);
    expect((await repos.users.authenticate('wangwei', PASSWORD)).id).toBe(u.id);
  });

  it('keeps at least one active administrator', async () => {
    const { repos, create } = setup();
    const admin = await create('zhaoadmin', ['admin']);
    expect(() => repos.users.disable(admin.id, ADMIN)).toThrow(
      expect.objectContaining({ code: 'user.last-admin' }),
    );
    expect(() => repos.users.setRoles(admin.id, ['operator'], ADMIN)).toThrow(
      expect.objectContaining({ code: 'user.last-admin' }),
    );
    const second = await create('qianadmin', ['operator']);
    expect(repos.users.setRoles(second.id, ['admin', 'operator'], ADMIN).roles).toEqual([
      'operator',
      'admin',
    ]);
    expect(repos.users.setRoles(admin.id, ['qa'], ADMIN).roles).toEqual(['qa']);
    expect(() => repos.users.get(999)).toThrow(expect.objectContaining({ code: 'user.not-found' }));
  });

  it('an administrator can lift a lock early', async () => {
    const { repos, create } = setup();
    const u = await create();
    for (let i = 0; i < 5; i++) await rejection(repos.users.authenticate('wangwei', 'Wrong#2026'));
    expect(repos.users.get(u.id).lockedUntil).not.toBeNull();
    repos.users.unlock(u.id, ADMIN);
    expect((await repos.users.authenticate('wangwei', PASSWORD)).id).toBe(u.id);
  });
});
