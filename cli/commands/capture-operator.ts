import os from 'node:os';
import { CAPTURE_API } from '../../core/contracts/api-capture';
import { DomainError } from '../../core/errors';
import { text, type Text } from '../../core/text';
import type { Access } from '../../core/contracts/endpoint';
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
 * The person a CLI command is audited as. `--as` names them; without it the OS login name counts only
 * when a user of that name exists. Either way the user must be active (not disabled, not locked after
 * failed sign-ins) and hold a role `access` (the engine endpoint's own rule, so the CLI never allows
 * more than the app) lets do `action`; anything else is refused before the command writes anything.
 * The CLI asks for no password: it runs with the data folder's file access, so this keeps the audit
 * trail to real, authorised people rather than authenticating them. `code` prefixes the error codes;
 * `who` names the person asked for when no `--as` was given.
 */
export function cliActor(
  repos: Repos,
  as: string | undefined,
  rule: { readonly access: Access; readonly action: Text; readonly code: string; readonly who: Text },
): Actor {
  const { access, action, code, who } = rule;
  const fromFlag = as !== undefined;
  const name = (as ?? loginName()).trim();
  const user = name === '' ? null : repos.users.findByUsername(name);
  const roles = typeof access === 'string' ? [] : access;
  const needed = roleNames(roles);
  if (user === null) {
    throw new DomainError(
      `${code}-unknown`,
      fromFlag
        ? text(
            `没有用户名为“${name}”的用户：--as 须为本工作站中有${needed.zh}角色的用户（dangan user list 可列出）`,
            `No user named "${name}": --as must name a user of this workstation who holds the ${needed.en.toLowerCase()} role (see dangan user list)`,
          )
        : text(
            `未指定${who.zh}：本机登录名“${name}”不是本工作站的用户。请用 --as <用户名> 指明${who.zh}（dangan user list 可列出）`,
            `No ${who.en} given, and the login name "${name}" is not a user of this workstation: name the ${who.en} with --as <username> (see dangan user list)`,
          ),
      { username: name, from: fromFlag ? 'as' : 'login' },
    );
  }
  if (user.disabledAt !== null) {
    throw new DomainError(
      `${code}-disabled`,
      text(
        `用户 ${user.username} 已停用，不能${action.zh}`,
        `User ${user.username} is disabled and cannot ${action.en}`,
      ),
      { username: user.username },
    );
  }
  const at = new Date().toISOString();
  if (user.lockedUntil !== null && user.lockedUntil > at) {
    throw new DomainError(
      `${code}-locked`,
      text(
        `用户 ${user.username} 因多次登录失败被锁定至 ${user.lockedUntil}，不能${action.zh}`,
        `User ${user.username} is locked after failed sign-ins until ${user.lockedUntil} and cannot ${action.en}`,
      ),
      { username: user.username, lockedUntil: user.lockedUntil },
    );
  }
  const role = user.roles.find((r) => roles.includes(r));
  if (!allowed(access, user) || role === undefined) {
    const held = user.roles.length > 0 ? roleNames(user.roles) : text('无角色', 'no role');
    throw new DomainError(
      `${code}-role`,
      text(
        `用户 ${user.username}（${held.zh}）没有${needed.zh}角色，不能${action.zh}；可请管理员在「用户管理」中授予`,
        `User ${user.username} (${held.en}) does not hold the ${needed.en.toLowerCase()} role and cannot ${action.en}; an administrator can grant it in 用户管理 (users)`,
      ),
      { username: user.username, roles: [...user.roles] },
    );
  }
  return { userId: user.id, username: user.username, role };
}

/** Who a CLI scan or import is audited as: the engine's rule for `scan.start` (see `cliActor`). */
export function captureOperator(repos: Repos, as?: string): Actor {
  return cliActor(repos, as, {
    access: SCAN_ACCESS,
    action: text('扫描或导入', 'scan or import'),
    code: 'capture.operator',
    who: text('扫描员', 'operator'),
  });
}
