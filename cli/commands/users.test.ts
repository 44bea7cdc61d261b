import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../core/password-policy';
import { createRepos } from '../../db/repos';
import { runCli as run } from '../../tests/support/cli';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../../workstation/data-dir';
import { generateInitialPassword } from './users';

function dataFolder(): string {
  const dir = tempDir();
  openDataDir(dir).close();
  return dir;
}

function initialPassword(out: string): string {
  const m = /初始密码 initial password: (\S+)/.exec(out);
  if (!m?.[1]) throw new Error(`no password in:\n${out}`);
  return m[1];
}

/** `dangan user add` in `dir`; without `password` the command makes up an initial one. */
function addUser(dir: string, username: string, name: string, roles: string[], password?: string) {
  const given = password === undefined ? [] : ['--password', password];
  return run('user', 'add', username, '--name', name, '--role', ...roles, ...given, '--data', dir);
}

async function withRepos<T>(
  dir: string,
  f: (repos: ReturnType<typeof createRepos>) => Promise<T>,
): Promise<T> {
  const data = openDataDir(dir);
  try {
    return await f(createRepos(data.db));
  } finally {
    data.close();
  }
}

describe('dangan user', () => {
  it('add: a first administrator from the console gets a generated initial password to change at sign-in', async () => {
    const dir = dataFolder();
    const r = await addUser(dir, 'zhao', '赵管理', ['admin', 'operator']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已创建用户 zhao（扫描员、管理员）');
    expect(r.out).toContain('User zhao created (Scan operator, Administrator)');
    expect(r.out).toContain('zhao 首次登录时须修改此密码');
    expect(r.out).toContain('must change this password at the next sign-in');
    const pw = initialPassword(r.out);
    await withRepos(dir, async (repos) => {
      const u = await repos.users.authenticate('zhao', pw);
      expect(u.mustChangePassword).toBe(true);
      expect(repos.users.passwordStatus(u).change).toBe('initial');
    });
    const list = await run('user', 'list', '--data', dir);
    // Roles by the names 用户管理 shows, not their ids.
    expect(list.out).toContain('zhao\t赵管理\t扫描员、管理员 / Scan operator, Administrator\t待修改初始密码');
  });

  it('reset: a new initial password, to be changed; the old one stops working', async () => {
    const dir = dataFolder();
    await addUser(dir, 'wang', '王扫描', ['operator'], 'Given#2026pw');
    const r = await run('user', 'reset', 'wang', '--data', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已重置 wang 的密码');
    const pw = initialPassword(r.out);
    await withRepos(dir, async (repos) => {
      expect((await repos.users.authenticate('wang', pw)).mustChangePassword).toBe(true);
      await expect(repos.users.authenticate('wang', 'Given#2026pw')).rejects.toMatchObject({
        code: 'auth.failed',
      });
    });
  });

  it('refuses a weak password, an unknown role and an unknown user, bilingually', async () => {
    const dir = dataFolder();
    const weak = await addUser(dir, 'li', '李', ['qa'], 'short');
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('[password.weak]');
    expect(weak.err).toContain('至少 8 个字符');
    const role = await addUser(dir, 'li', '李', ['boss']);
    expect(role.code).toBe(1);
    expect(role.err).toContain('未知角色：boss');
    expect(role.err).toContain('Unknown roles: boss');
    const nobody = await run('user', 'reset', 'nobody', '--data', dir);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('用户不存在：nobody');
  });

  it('generates passwords that meet the policy and avoid the username', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generateInitialPassword('abc');
      const p = passwordProblems(pw, 'abc');
      expect(p.tooShort || p.needMoreClasses > 0 || p.containsUsername).toBe(false);
    }
  });
});
