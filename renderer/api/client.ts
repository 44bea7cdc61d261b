import {
  EVENTS,
  HTTP,
  isEventName,
  type ApiErrorBody,
  type Bridge,
  type Channel,
  type EngineEvent,
  type Envelope,
  type Input,
  type Output,
  type Text,
} from '../../core/contracts';

/** A failed call: the engine's stable code and its bilingual message. */
export class ApiError extends Error {
  readonly code: string;
  readonly text: Text;
  readonly details: Record<string, unknown>;
  constructor(body: ApiErrorBody) {
    super(`${body.message.en} [${body.code}]`);
    this.code = body.code;
    this.text = body.message;
    this.details = body.details ?? {};
  }
}

const RUN_TOKEN_KEY = 'dangan.run';
const SESSION_KEY = 'dangan.session';

declare global {
  interface Window {
    /** Present inside the Electron shell (preload, contextBridge). */
    readonly dangan?: Bridge;
  }
}

/**
 * The per-run token of browser mode arrives in the URL fragment (`#token=…`, never sent to a server);
 * it is kept for this tab only and removed from the address bar so it does not end up in screenshots
 * or bookmarks.
 */
export function takeRunToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]{20,512})/.exec(window.location.hash);
  if (m?.[1] !== undefined) {
    sessionStorage.setItem(RUN_TOKEN_KEY, m[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(RUN_TOKEN_KEY);
}

const offline = (zh: string, en: string): ApiError =>
  new ApiError({ code: 'transport.offline', message: { zh, en } });

/** Calls the engine: through the Electron bridge when present, else over loopback HTTP with the run token. */
export class EngineClient {
  private session: string | null = sessionStorage.getItem(SESSION_KEY);
  private readonly runToken: string | null;
  onSessionExpired: () => void = () => undefined;
  /** The password must be changed first (initial, or expired while signed in): the app shows 修改密码. */
  onPasswordChangeRequired: (reason: string) => void = () => undefined;

  constructor() {
    this.runToken = window.dangan ? null : takeRunToken();
  }

  get hasSession(): boolean {
    return this.session !== null;
  }

  get canConnect(): boolean {
    return window.dangan !== undefined || this.runToken !== null;
  }

  setSession(token: string | null): void {
    this.session = token;
    if (token === null) sessionStorage.removeItem(SESSION_KEY);
    else sessionStorage.setItem(SESSION_KEY, token);
  }

  async call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
    const envelope = await this.send(channel, input);
    if (envelope.ok) return envelope.value;
    if (envelope.error.code === 'session.expired' && this.session !== null) {
      this.setSession(null);
      this.onSessionExpired();
    }
    if (envelope.error.code === 'password.change-required') {
      const reason = envelope.error.details?.['reason'];
      this.onPasswordChangeRequired(typeof reason === 'string' ? reason : 'initial');
    }
    throw new ApiError(envelope.error);
  }

  private async send<C extends Channel>(channel: C, input: Input<C>): Promise<Envelope<Output<C>>> {
    if (window.dangan) return window.dangan.call(channel, input, this.session);
    if (this.runToken === null) {
      throw offline(
        '缺少访问令牌：请使用启动时显示的完整地址打开',
        'No access token: open the full address printed at start',
      );
    }
    let res: Response;
    try {
      res = await fetch(`${HTTP.api}${channel}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.runToken}`,
          ...(this.session !== null ? { [HTTP.sessionHeader]: this.session } : {}),
        },
        body: JSON.stringify(input),
      });
    } catch {
      throw offline(
        '无法连接工作站程序，请确认它仍在运行',
        'Cannot reach the workstation engine: is it still running?',
      );
    }
    return (await res.json()) as Envelope<Output<C>>;
  }

  /** Engine events; reconnects after a drop (an engine restart) until unsubscribed. */
  subscribe(listener: (e: EngineEvent) => void): () => void {
    if (window.dangan) return window.dangan.onEvent(listener);
    const controller = new AbortController();
    const loop = async () => {
      while (!controller.signal.aborted) {
        try {
          await this.stream(listener, controller.signal);
        } catch {
          // dropped: wait and reconnect
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    void loop();
    return () => {
      controller.abort();
    };
  }

  private async stream(listener: (e: EngineEvent) => void, signal: AbortSignal): Promise<void> {
    if (this.runToken === null || this.session === null) return;
    const res = await fetch(HTTP.events, {
      headers: { authorization: `Bearer ${this.runToken}`, [HTTP.sessionHeader]: this.session },
      signal,
    });
    if (!res.ok || res.body === null) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseSse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) listener(event);
      }
    }
  }
}

/** One server-sent event block → an engine event, validated against the contract; null otherwise. */
export function parseSse(block: string): EngineEvent | null {
  let name = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!isEventName(name)) return null;
  try {
    const payload = EVENTS[name].safeParse(JSON.parse(data));
    return payload.success ? ({ name, payload: payload.data } as EngineEvent) : null;
  } catch {
    return null;
  }
}
