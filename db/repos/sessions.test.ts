import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADMIN, openTestRepos } from '../../tests/support/repos';

async function setup(policy = {}) {
  const t = openTestRepos({ sessions: policy });
  const user = await t.repos.users.create(
    { username: 'liuqa', displayName: '刘', password: 'Check#2026x', roles: ['qa'] },
    ADMIN,
  );
  return { ...t, user };
}

describe('SessionsRepo', () => {
  it('hands out a random 32-byte token and stores only its SHA-256', async () => {
    const { repos, db, user } = await setup();
    const token = repos.sessions.create(user.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(repos.sessions.create(user.id)).not.toBe(token);
    const stored = db.prepare('SELECT token_hash FROM sessions').pluck().all();
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(() => repos.sessions.create(999)).toThrow(expect.objectContaining({ code: 'user.not-found' }));
  });

  it('touch returns the session and user, and keeps an active session alive', async () => {
    const { repos, clock, user } = await setup();
    const token = repos.sessions.create(user.id);
    for (let i = 0; i < 8; i++) {
      clock.advance(10 * 60_000); // 80 minutes of activity, never 15 idle
      expect(repos.sessions.touch(token)).toMatchObject({
        user: { id: user.id },
        session: { userId: user.id },
      });
    }
    expect(repos.sessions.touch('not-a-token')).toBeNull();
  });

  it('ends a session idle for 15 minutes (the default)', async () => {
    const { repos, clock, user } = await setup();
    const token = repos.sessions.create(user.id);
    clock.advance(14 * 60_000 + 59_000);
    expect(repos.sessions.touch(token)).not.toBeNull();
    clock.advance(15 * 60_000);
    expect(repos.sessions.touch(token)).toBeNull();
  });

  it('ends a session at its absolute lifetime however active', async () => {
    const { repos, clock, user } = await setup({ idleMinutes: 30 });
    const token = repos.sessions.create(user.id, { absoluteHours: 1 });
    for (let i = 0; i < 5; i++) {
      clock.advance(10 * 60_000);
      expect(repos.sessions.touch(token)).not.toBeNull();
    }
    clock.advance(10 * 60_000);
    expect(repos.sessions.touch(token)).toBeNull();
  });

  it('revokes one session (logout, audited) or all of a user', async () => {
    const { repos, user } = await setup();
    const a = repos.sessions.create(user.id);
    const b = repos.sessions.create(user.id);
    const c = repos.sessions.create(user.id);
    repos.sessions.revoke(a);
    repos.sessions.revoke(a); // twice is fine
    expect(repos.sessions.touch(a)).toBeNull();
    expect(repos.sessions.touch(b)).not.toBeNull();
    expect(repos.sessions.revokeAllFor(user.id, ADMIN)).toBe(2);
    expect(repos.sessions.touch(b)).toBeNull();
    expect(repos.sessions.touch(c)).toBeNull();
    const actions = [...repos.audit.records()].map((r) => r.action);
    expect(actions.filter((x) => x === 'user.logout')).toHaveLength(1);
    expect(actions).toContain('session.revoke-all');
  });
});
