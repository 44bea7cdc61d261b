import { describe, expect, it } from 'vitest';
import { createRepos } from '../repos';
import { hashPassword } from '../repos/password-hash';
import { ADMIN, fakeClock } from '../../tests/support/repos';
import { dbAtVersion, upgrade } from '../../tests/support/db-at-version';

const CHANGED = '2026-01-10T08:00:00.000Z';

describe('migration 0013 password rules', () => {
  it('upgrades a version-12 database with users: none is forced, ages count on, history starts with the current password', async () => {
    const { db, file } = dbAtVersion(12);
    const hash = await hashPassword('Kept#2026pw');
    const user = db.prepare(
      `INSERT INTO users (id, username, display_name, password_hash, password_changed_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    user.run(1, 'zhao', '赵管理', hash, CHANGED, CHANGED);
    user.run(2, 'wang', '王扫描', hash, '2025-12-01T00:00:00.000Z', CHANGED);
    db.prepare("INSERT INTO user_roles (user_id, role) VALUES (1, 'admin'), (2, 'operator')").run();
    db.close();

    const next = upgrade(file);
    expect(next.prepare('SELECT count(*) FROM users WHERE must_change_password = 0').pluck().get()).toBe(2);
    expect(
      next.prepare('SELECT user_id, password_hash, set_at FROM password_history ORDER BY id').all(),
    ).toEqual([
      { user_id: 1, password_hash: hash, set_at: CHANGED },
      { user_id: 2, password_hash: hash, set_at: '2025-12-01T00:00:00.000Z' },
    ]);

    const clock = fakeClock('2026-03-01T08:00:00.000Z');
    const repos = createRepos(next, { now: clock.now });
    // 80 days after 2025-12-01 is before 2026-03-01: that password has expired; zhao's has 40 days left.
    expect(repos.users.passwordStatus(repos.users.get(2)).change).toBe('expired');
    expect(repos.users.passwordStatus(repos.users.get(1))).toMatchObject({ change: null, daysLeft: 40 });
    // The carried-over password counts as history: it cannot be set again.
    await expect(repos.users.setPassword(1, 'Kept#2026pw', ADMIN)).rejects.toMatchObject({
      code: 'password.reused',
    });
    // The new column refuses anything but 0 and 1.
    expect(() => next.prepare('UPDATE users SET must_change_password = 2 WHERE id = 1').run()).toThrow(
      /CHECK/,
    );
    next.close();
  });
});
