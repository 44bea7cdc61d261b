import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/open';
import { engineWithUsers, USER_PW } from '../../../tests/support/engine-users';
import { fakeClock } from '../../../tests/support/repos';
import { tempDir } from '../../../tests/support/temp-dir';

const DAY = 86_400_000;
const INITIAL = 'Given#2026pw';
const OWN = 'MyOwn#2026pw';

async function setup() {
  const dir = tempDir();
  const { db } = openDatabase(path.join(dir, 'dangan.db'));
  const clock = fakeClock('2026-03-02T02:00:00.000Z');
  const t = await engineWithUsers({ db, dataDir: dir, now: clock.now, log: () => undefined });
  const login = (username: string, password: string) => t.ok('auth.login', { username, password }, '');
  return { ...t, clock, login };
}

describe('password rules at sign-in (等保 身份鉴别)', () => {
  it('a user an administrator creates must change the initial password before anything else', async () => {
    const t = await setup();
    const made = await t.ok(
      'users.create',
      { username: 'zhou', displayName: '周著录', password: INITIAL, roles: ['operator'] },
      t.as.admin,
    );
    expect(made.mustChangePassword).toBe(true);

    const first = await t.login('zhou', INITIAL);
    expect(first.password.change).toBe('initial');
    expect((await t.ok('auth.me', {}, first.token)).password.change).toBe('initial');
    for (const refused of [
      await t.fails('reference.get', {}, first.token),
      await t.fails('dashboard.get', {}, first.token),
      await t.fails('enterprises.search', { query: '厦门' }, first.token),
    ]) {
      expect(refused.code).toBe('password.change-required');
      expect(refused.message).toEqual({ zh: '请先修改初始密码', en: 'Change your initial password first' });
      expect(refused.details).toEqual({ reason: 'initial' });
    }
    // The same password again is not a change.
    expect(
      (await t.fails('auth.changePassword', { oldPassword: INITIAL, newPassword: INITIAL }, first.token))
        .code,
    ).toBe('password.reused');

    const changed = await t.ok(
      'auth.changePassword',
      { oldPassword: INITIAL, newPassword: OWN },
      first.token,
    );
    expect(changed.password).toMatchObject({ change: null, daysLeft: 90 });
    expect(changed.user.mustChangePassword).toBe(false);
    expect((await t.ok('reference.get', {}, changed.token)).roles.length).toBeGreaterThan(0);
    expect((await t.fails('reference.get', {}, first.token)).code).toBe('session.expired');
    const again = await t.login('zhou', OWN);
    expect(again.password.change).toBeNull();
  });

  it("an administrator's reset is an initial password again; the same holds after signing in with it", async () => {
    const t = await setup();
    const op = (await t.ok('auth.me', {}, t.as.operator)).user;
    expect(op.mustChangePassword).toBe(false); // the fixture's users have changed theirs already
    await t.ok('users.setPassword', { userId: op.id, password: INITIAL }, t.as.admin);
    expect((await t.ok('users.list', {}, t.as.admin)).find((u) => u.id === op.id)?.mustChangePassword).toBe(
      true,
    );
    const s = await t.login('operator', INITIAL);
    expect(s.password.change).toBe('initial');
    expect((await t.fails('dashboard.get', {}, s.token)).code).toBe('password.change-required');
    // Signing out is allowed while a change is due.
    expect((await t.ok('auth.logout', {}, s.token)).done).toBe(true);
  });

  it('a password older than the lifetime is changed at sign-in; the menu is warned 14 days before', async () => {
    const t = await setup();
    t.clock.advance(76 * DAY);
    const warned = await t.login('qa', USER_PW);
    expect(warned.password).toMatchObject({ change: null, daysLeft: 14 });
    expect((await t.ok('reference.get', {}, warned.token)).roles.length).toBeGreaterThan(0);

    t.clock.advance(14 * DAY);
    const expired = await t.login('qa', USER_PW);
    expect(expired.password).toMatchObject({ change: 'expired', daysLeft: 0 });
    const refused = await t.fails('qa.queue', {}, expired.token);
    expect(refused.code).toBe('password.change-required');
    expect(refused.message.zh).toBe('密码已过期，请修改已过期的密码');
    const renewed = await t.ok(
      'auth.changePassword',
      { oldPassword: USER_PW, newPassword: 'Renewed#2026pw' },
      expired.token,
    );
    expect(renewed.password).toMatchObject({ change: null, daysLeft: 90 });
    expect((await t.ok('qa.queue', {}, renewed.token)).length).toBe(0);
  });

  it('an administrator sets the lifetime (at most 90 days); others may not', async () => {
    const t = await setup();
    expect(await t.ok('users.passwordPolicy', {}, t.as.admin)).toEqual({
      maxAgeDays: 90,
      warningDays: 14,
      history: 5,
    });
    expect((await t.fails('users.setPasswordPolicy', { maxAgeDays: 30 }, t.as.technician)).code).toBe(
      'auth.forbidden',
    );
    expect((await t.fails('users.setPasswordPolicy', { maxAgeDays: 120 }, t.as.admin)).code).toBe(
      'request.invalid',
    );
    expect((await t.ok('users.setPasswordPolicy', { maxAgeDays: 30 }, t.as.admin)).maxAgeDays).toBe(30);
    t.clock.advance(30 * DAY);
    expect((await t.login('technician', USER_PW)).password.change).toBe('expired');
  });
});
