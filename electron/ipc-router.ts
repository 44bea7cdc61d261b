import { API, isChannel, type ApiErrorBody, type Envelope } from '../core/contracts';
import { isTrustedSender, type SenderFrame } from './security';

export type Forward = (
  channel: string,
  payload: unknown,
  session: string | null,
) => Promise<Envelope<unknown>>;

export interface RefusalLog {
  (reason: 'sender' | 'channel' | 'payload' | 'session', detail: string): void;
}

function refused(code: string, zh: string, en: string): Envelope<unknown> {
  const error: ApiErrorBody = { code, message: { zh, en } };
  return { ok: false, error };
}

/**
 * The main process's handler of `dangan:call`: the sender must be our origin's top frame, the channel
 * one of the contract's, the payload valid against its zod schema; only then is the call forwarded to
 * the engine (which validates again: it does not trust its callers either). Refusals are logged.
 */
export function createIpcRouter(forward: Forward, log: RefusalLog = () => undefined) {
  return async (
    frame: SenderFrame | null | undefined,
    channel: unknown,
    payload: unknown,
    session: unknown,
  ): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(frame)) {
      log('sender', frame?.url ?? '(no frame)');
      return refused(
        'ipc.sender',
        '拒绝来自非本程序页面的请求',
        'Refused: the request did not come from this application',
      );
    }
    if (!isChannel(channel)) {
      log('channel', typeof channel === 'string' ? channel.slice(0, 64) : typeof channel);
      return refused('request.unknown-channel', '未知的接口', 'Unknown API channel');
    }
    if (session !== null && (typeof session !== 'string' || session.length > 512)) {
      log('session', typeof session);
      return refused('request.invalid', '会话标识无效', 'Invalid session token');
    }
    const parsed = API[channel].input.safeParse(payload ?? {});
    if (!parsed.success) {
      log('payload', channel);
      const where = parsed.error.issues
        .map((i) => (i.path.length > 0 ? i.path.join('.') : '(root)'))
        .join(', ');
      return refused('request.invalid', `请求内容不正确：${where}`, `Invalid request: ${where}`);
    }
    return forward(channel, parsed.data, session);
  };
}
