import { randomInt } from 'node:crypto';
import { passwordProblems } from '../../core/password-policy';
import { ROLES, ROLE_NAMES, isRole, type Role } from '../../core/roles';
import { DomainError } from '../../core/errors';
import { bilingual, text, type Text } from '../../core/text';
import { createRepos } from '../../db/repos';
import type { Actor } from '../../db/repos';
import { EXIT } from '../exit-codes';
import { line, type Io } from '../output';
import { openDataFolder } from './data-folder';

/** Changes made at the console: the audit log records them as the CLI's, not as any user's. */
const CLI_ACTOR: Actor = { userId: null, username: 'cli' };

// Letters and digits that cannot be misread when the password is read out or copied from paper.
const GROUPS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '#%+=@!?'];
const GENERATED_LENGTH = 14;

/** A random initial password that meets the policy (all four classes), for the person to change at once. */
export function generateInitialPassword(username: string): string {
  for (;;) {
    const chars = GROUPS.map((g) => g.charAt(randomInt(g.length)));
    const all = GROUPS.join('');
    while (chars.length < GENERATED_LENGTH) chars.push(all.charAt(randomInt(all.length)));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
    }
    const candidate = chars.join('');
    if (!passwordProblems(candidate, username).containsUsername) return candidate;
  }
}

function mustChangeNotice(username: string, password: string, generated: boolean): string[] {
  return [
    ...(generated ? [`  初始密码 initial password: ${password}`] : []),
    line(
      text(
        `  ${username} 首次登录时须修改此密码（等保：初始密码须修改）`,
        `${username} must change this password at the next sign-in (an initial password is changed first)`,
      ),
    ),
  ];
}

/** Role names as the UI shows them (用户管理): 扫描员、管理员 / Scan operator, Administrator. */
export function roleNames(roles: readonly Role[]): Text {
  return text(roles.map((r) => ROLE_NAMES[r].zh).join('、'), roles.map((r) => ROLE_NAMES[r].en).join(', '));
}

/** `dangan user add <username> --name <姓名> --role <role...> [--password <pw>]`. */
export async function userAddCommand(
  options: { dataDir: string; username: string; name: string; roles: readonly string[]; password?: string },
  io: Io,
): Promise<number> {
  const unknown = options.roles.filter((r) => !isRole(r));
  if (unknown.length > 0) {
    throw new DomainError(
      'user.invalid-role',
      text(
        `未知角色：${unknown.join('、')}（可用：${ROLES.join('、')}）`,
        `Unknown roles: ${unknown.join(', ')} (use: ${ROLES.join(', ')})`,
      ),
    );
  }
  const data = openDataFolder(options.dataDir);
  try {
    const repos = createRepos(data.db);
    const password = options.password ?? generateInitialPassword(options.username);
    const user = await repos.users.create(
      {
        username: options.username,
        displayName: options.name,
        password,
        roles: options.roles.filter(isRole),
      },
      CLI_ACTOR,
    );
    const names = roleNames(user.roles);
    io.out(
      line(text(`已创建用户 ${user.username}（${names.zh}）`, `User ${user.username} created (${names.en})`)),
    );
    for (const l of mustChangeNotice(user.username, password, options.password === undefined)) io.out(l);
    return EXIT.ok;
  } finally {
    data.close();
  }
}

/** `dangan user reset <username> [--password <pw>]`: a new initial password; the lock lifts, sessions end. */
export async function userResetCommand(
  options: { dataDir: string; username: string; password?: string },
  io: Io,
): Promise<number> {
  const data = openDataFolder(options.dataDir);
  try {
    const repos = createRepos(data.db);
    const user = repos.users.findByUsername(options.username);
    if (user === null) {
      throw new DomainError(
        'user.not-found',
        text(`用户不存在：${options.username}`, `No such user: ${options.username}`),
      );
    }
    const password = options.password ?? generateInitialPassword(user.username);
    await repos.users.setPassword(user.id, password, CLI_ACTOR);
    io.out(line(text(`已重置 ${user.username} 的密码`, `Password of ${user.username} reset`)));
    for (const l of mustChangeNotice(user.username, password, options.password === undefined)) io.out(l);
    return EXIT.ok;
  } finally {
    data.close();
  }
}

/** `dangan user list`: who may sign in, and whose password must be changed or expires soon. */
export function userListCommand(options: { dataDir: string; json: boolean }, io: Io): number {
  const data = openDataFolder(options.dataDir);
  try {
    const repos = createRepos(data.db);
    const rows = repos.users.list().map((u) => ({ ...u, password: repos.users.passwordStatus(u) }));
    if (options.json) {
      io.out(JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    for (const u of rows) {
      const state =
        u.disabledAt !== null
          ? '已停用 disabled'
          : u.password.change === 'initial'
            ? '待修改初始密码 must change initial password'
            : u.password.change === 'expired'
              ? '密码已过期 password expired'
              : `密码 ${u.password.daysLeft} 天后过期 password expires in ${u.password.daysLeft} days`;
      const roles = u.roles.length > 0 ? bilingual(roleNames(u.roles)) : '无角色 / no role';
      io.out(`${u.username}\t${u.displayName}\t${roles}\t${state}`);
    }
    return EXIT.ok;
  } finally {
    data.close();
  }
}
