import os from 'node:os';
import { CAPTURE_API } from '../../core/contracts/api-capture';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Actor, Repos } from '../../db/repos';
import { allowed } from '../../workstation/engine/dispatch';
import { roleNames } from './users';

/** Who may scan or import: the engine's own rule for `scan.start`, so the CLI can never allow more. */
const SCAN_ACCESS = CAPTURE_API['scan.start'].access;

function loginName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return ''; // no passwd entry (a container's bare uid): there is no login name to fall back on
  }
}

/**
 * The person a CLI scan or import is audited as. `--as` names them; without it the OS login name
 * counts only when a user of that name exists. Either way the user must be active (not disabled, not
 * locked after failed sign-ins) and hold a role the engine lets start a scan; anything else is refused
 * before the command writes anything. The CLI asks for no password: it runs with the data folder's file
 * access, so this keeps the audit trail to real, authorised operators rather than authenticating them.
 */
export function captureOperator(repos: Repos, as?: string): Actor {
  const fromFlag = as !== undefined;
  const name = (as ?? loginName()).trim();
  const user = name === '' ? null : repos.users.findByUsername(name);
  if (user === null) {
    throw new DomainError(
      'capture.operator-unknown',
      fromFlag
        ? text(
            `没有用户名为“${name}”的用户：--as 须为本工作站中有扫描员角色的用户（dangan user list 可列出）`,
            `No user named "${name}": --as must name a user of this workstation who holds the scan operator role (see dangan user list)`,
          )
        : text(
            `未指定扫描员：本机登录名“${name}”不是本工作站的用户。请用 --as <用户名> 指明扫描员（dangan user list 可列出）`,
            `No operator given, and the login name "${name}" is not a user of this workstation: name the operator with --as <username> (see dangan user list)`,
          ),
      { username: name, from: fromFlag ? 'as' : 'login' },
    );
  }
  if (user.disabledAt !== null) {
    throw new DomainError(
      'capture.operator-disabled',
      text(
        `用户 ${user.username} 已停用，不能扫描或导入`,
        `User ${user.username} is disabled and cannot scan or import`,
      ),
      { username: user.username },
    );
  }
  const at = new Date().toISOString();
  if (user.lockedUntil !== null && user.lockedUntil > at) {
    throw new DomainError(
      'capture.operator-locked',
      text(
        `用户 ${user.username} 因多次登录失败被锁定至 ${user.lockedUntil}，不能扫描或导入`,
        `User ${user.username} is locked after failed sign-ins until ${user.lockedUntil} and cannot scan or import`,
      ),
      { username: user.username, lockedUntil: user.lockedUntil },
    );
  }
  const scanRoles = typeof SCAN_ACCESS === 'string' ? [] : SCAN_ACCESS;
  const role = user.roles.find((r) => scanRoles.includes(r));
  if (!allowed(SCAN_ACCESS, user) || role === undefined) {
    const held = user.roles.length > 0 ? roleNames(user.roles) : text('无角色', 'no role');
    const needed = roleNames(scanRoles);
    throw new DomainError(
      'capture.operator-role',
      text(
        `用户 ${user.username}（${held.zh}）没有${needed.zh}角色，不能扫描或导入；可请管理员在「用户管理」中授予`,
        `User ${user.username} (${held.en}) does not hold the ${needed.en.toLowerCase()} role and cannot scan or import; an administrator can grant it in 用户管理 (users)`,
      ),
      { username: user.username, roles: [...user.roles] },
    );
  }
  return { userId: user.id, username: user.username, role };
}
