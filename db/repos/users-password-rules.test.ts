import { describe, expect, it } from 'vitest';
import { expiryWarningDue, PASSWORD_HISTORY } from '../../core/password-policy';
import { rejection } from '../../tests/support/domain-error';
import { ADMIN, openTestRepos } from '../../tests/support/repos';

const DAY = 86_400_000;
const INITIAL = 'Start#2026pw';

function setup() {
  const t = openTestRepos();
  const create = (mustChangePassword?: boolean) =>
    t.repos.users.create(
      { username: 'wangwei', displayName: '王伟', password: INITIAL, roles: ['operator'] },
      ADMIN,
      mustChangePassword === undefined ? {} : { mustChangePassword },
    );
  const self = (id: number) => ({ userId: id, username: 'wangwei' });
  return { ...t, create, self };
}

describe('password rules (等保 身份鉴别)', () => {
  it('an account an administrator creates or resets must change its password; its own change clears that', async () => {
    const { repos, create, self } = setup();
    const u = await create();
    expect(u.mustChangePassword).toBe(true);
    expect(repos.users.passwordStatus(u).change).toBe('initial');
    // Signing in with the initial password works: what it may do is the dispatcher's business.
    expect((await repos.users.authenticate('wangwei', INITIAL)).mustChangePassword).toBe(true);

    await repos.users.setPassword(u.id, 'Mine#2026pw', self(u.id));
    const changed = repos.users.get(u.id);
    expect(changed.mustChangePassword).toBe(false);
    expect(repos.users.passwordStatus(changed).change).toBeNull();

    await repos.users.setPassword(u.id, 'Reset#2026pw', ADMIN);
    expect(repos.users.get(u.id).mustChangePassword).toBe(true);
    const audit = [...repos.audit.records()].filter((r) => r.action.startsWith('user.'));
    expect(audit.map((r) => [r.action, r.details])).toEqual([
      ['user.create', { username: 'wangwei', roles: ['operator'], mustChangePassword: true }],
      ['user.login', { reason: 'ok' }],
      ['user.password', { mustChangePassword: false }],
      ['user.password', { mustChangePassword: true }],
    ]);
  });

  it('an account whose holder chose the password (first-run setup) is not forced', async () => {
    const { repos, create } = setup();
    const u = await create(false);
    expect(u.mustChangePassword).toBe(false);
    expect(repos.users.passwordStatus(u)).toMatchObject({ change: null, daysLeft: 90 });
  });

  it('a password expires after 90 days, warned 14 days before; an administrator may shorten the lifetime', async () => {
    const { repos, clock, create, self } = setup();
    const u = await create(false);
    const status = () => repos.users.passwordStatus(repos.users.get(u.id));
    clock.advance(75 * DAY);
    expect(status()).toMatchObject({ change: null, daysLeft: 15 });
    expect(expiryWarningDue(status())).toBe(false);
    clock.advance(DAY);
    expect(status()).toMatchObject({ change: null, daysLeft: 14 });
    expect(expiryWarningDue(status())).toBe(true);
    clock.advance(14 * DAY - 1);
    expect(status().change).toBeNull();
    clock.advance(1);
    expect(status()).toMatchObject({ change: 'expired', daysLeft: 0 });
    expect(expiryWarningDue(status())).toBe(false);

    await repos.users.setPassword(u.id, 'Fresh#2026pw', self(u.id));
    expect(status()).toMatchObject({ change: null, daysLeft: 90 });

    expect(repos.users.setPasswordMaxAgeDays(30, ADMIN)).toBe(30);
    expect(repos.users.passwordMaxAgeDays()).toBe(30);
    clock.advance(30 * DAY);
    expect(status().change).toBe('expired');
    for (const bad of [0, 91, 1.5]) {
      expect(() => repos.users.setPasswordMaxAgeDays(bad, ADMIN)).toThrow(
        expect.objectContaining({ code: 'password.invalid-max-age' }),
      );
    }
    expect(repos.users.passwordMaxAgeDays()).toBe(30);
    expect([...repos.audit.records()].filter((r) => r.action === 'setting.set')).toHaveLength(1);
  });

  it(`refuses any of the last ${PASSWORD_HISTORY} passwords and keeps only their hashes`, async () => {
    const { repos, db, clock, create, self } = setup();
    const u = await create(false);
    const pw = (n: number) => `Round${n}#2026pw`;
    for (let n = 1; n <= 4; n++) await repos.users.setPassword(u.id, pw(n), self(u.id));
    // The current one and the initial one (5th most recent) are refused.
    for (const again of [pw(4), INITIAL]) {
      const e = await rejection(repos.users.setPassword(u.id, again, self(u.id)));
      expect(e.code).toBe('password.reused');
      expect(e.text.zh).toBe(`新密码不能与最近 ${PASSWORD_HISTORY} 次使用过的密码相同`);
    }
    // An administrator's reset is checked too.
    expect((await rejection(repos.users.setPassword(u.id, pw(3), ADMIN))).code).toBe('password.reused');

    await repos.users.setPassword(u.id, pw(5), self(u.id));
    const history = db
      .prepare('SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY id')
      .pluck()
      .all(u.id) as string[];
    expect(history).toHaveLength(PASSWORD_HISTORY);
    expect(history.every((h) => h.startsWith('scrypt$') && !h.includes('Round'))).toBe(true);
    // The initial password has dropped out of the last five: it may be used again.
    await repos.users.setPassword(u.id, INITIAL, self(u.id));
    expect(repos.users.get(u.id).passwordChangedAt).toBe(clock.now().toISOString());
  });
});
