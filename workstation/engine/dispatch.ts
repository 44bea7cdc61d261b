import type { z } from 'zod';
import {
  API,
  PASSWORD_CHANGE_CHANNELS,
  isChannel,
  type Access,
  type ApiErrorBody,
  type Channel,
  type Envelope,
} from '../../core/contracts';
import { isDomainError } from '../../core/errors';
import { passwordChangeRequired } from '../../core/password-policy';
import type { Role } from '../../core/roles';
import { text } from '../../core/text';
import type { Repos, User } from '../../db/repos';
import type { CallContext, EngineHandlers } from './context';

/** The transport-independent entry of the engine: `call(channel, payload, sessionToken)`. */
export type Dispatch = (
  channel: string,
  payload: unknown,
  sessionToken: string | null,
) => Promise<Envelope<unknown>>;

export function apiError(
  code: string,
  zh: string,
  en: string,
  details?: Record<string, unknown>,
): ApiErrorBody {
  return details === undefined ? { code, message: text(zh, en) } : { code, message: text(zh, en), details };
}

/** May this user call an endpoint with this access rule? Deny by default: only the listed cases pass. */
export function allowed(access: Access, user: User | null): boolean {
  if (access === 'public') return true;
  if (user === null) return false;
  if (access === 'signed-in') return true;
  return user.roles.some((r: Role) => access.includes(r));
}

function invalidPayload(error: z.ZodError): ApiErrorBody {
  const where = error.issues.map((i) => (i.path.length > 0 ? i.path.join('.') : '(root)')).join(', ');
  return apiError('request.invalid', `请求内容不正确：${where}`, `Invalid request: ${where}`, {
    issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/**
 * Builds the dispatcher: unknown channel → refused; payload validated against the contract; session
 * checked unless the endpoint is public (an idle or revoked session is `session.expired`); roles
 * checked; the handler's answer validated against the contract before it leaves. Domain errors become
 * their bilingual message; anything else is logged and reported as an internal error without details.
 */
export function createDispatch(
  handlers: EngineHandlers,
  repos: Repos,
  log: (message: string, error: unknown) => void,
): Dispatch {
  return async (channel, payload, sessionToken) => {
    if (!isChannel(channel)) {
      return {
        ok: false,
        error: apiError(
          'request.unknown-channel',
          `未知的接口：${channel.slice(0, 64)}`,
          `Unknown API channel`,
        ),
      };
    }
    const endpoint = API[channel];
    const parsed = endpoint.input.safeParse(payload ?? {});
    if (!parsed.success) return { ok: false, error: invalidPayload(parsed.error) };

    let user: User | null = null;
    if (endpoint.access !== 'public') {
      const live = sessionToken === null ? null : repos.sessions.touch(sessionToken);
      if (live === null) {
        return {
          ok: false,
          error: apiError(
            'session.expired',
            '登录已失效，请重新登录',
            'Your session has ended: please sign in again',
          ),
        };
      }
      user = live.user;
      // An initial or expired password: signed in, but only to change it (等保 身份鉴别).
      const change = PASSWORD_CHANGE_CHANNELS.has(channel) ? null : repos.users.passwordStatus(user).change;
      if (change !== null) {
        const e = passwordChangeRequired(change);
        return { ok: false, error: { code: e.code, message: e.text, details: jsonSafe(e.details) } };
      }
    }
    if (!allowed(endpoint.access, user)) {
      return {
        ok: false,
        error: apiError('auth.forbidden', '当前账号无权执行此操作', 'This account may not do that', {
          channel,
        }),
      };
    }

    const ctx: CallContext = { user, sessionToken: endpoint.access === 'public' ? null : sessionToken };
    try {
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => Promise<unknown>;
      const value = await handler(parsed.data, ctx);
      const checked = endpoint.output.safeParse(value);
      if (!checked.success) {
        log(`engine: ${channel} answered outside its contract`, checked.error);
        return { ok: false, error: internal() };
      }
      return { ok: true, value: checked.data };
    } catch (e) {
      if (isDomainError(e)) {
        return { ok: false, error: { code: e.code, message: e.text, details: jsonSafe(e.details) } };
      }
      log(`engine: ${channel} failed`, e);
      return { ok: false, error: internal() };
    }
  };
}

function internal(): ApiErrorBody {
  return apiError(
    'internal',
    '程序内部错误，操作未完成；数据未丢失，请重试，仍失败请联系运维人员',
    'Internal error: the operation did not complete and nothing was lost; try again or call a technician',
  );
}

/** Details go over the wire as JSON; anything that is not (a RegExp, a cycle) is dropped, not thrown. */
function jsonSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export type { Channel };
