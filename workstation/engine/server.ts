import fs from 'node:fs';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { HTTP, type ApiErrorBody, type EngineEvent } from '../../core/contracts';
import { apiError } from './dispatch';
import type { Engine } from './engine';
import { bearer, newRunToken, tokenMatches } from './run-token';
import { CONTENT_SECURITY_POLICY, contentType, resolveUiFile } from './ui-files';
import { passwordChangeRequired } from '../../core/password-policy';

export interface ServerOptions {
  readonly engine: Engine;
  /** The built UI (dist/renderer); null serves a page that says it is missing. */
  readonly uiRoot: string | null;
  readonly port?: number;
  /** Given in tests; otherwise a fresh random token per run. */
  readonly token?: string;
}

export interface RunningServer {
  readonly origin: string;
  /** Open this to use the UI: the token travels in the fragment, which browsers never send to servers. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const KEEPALIVE_MS = 25_000;

/** HTTP status for an API error code (the body carries the bilingual message either way). */
export function statusFor(code: string): number {
  if (code === 'session.expired' || code === 'session.required' || code === 'auth.failed') return 401;
  if (code === 'auth.forbidden' || code === 'lifecycle.forbidden' || code === 'password.change-required')
    return 403;
  if (code.endsWith('not-found')) return 404;
  if (code === 'internal') return 500;
  return 400;
}

/**
 * Browser mode: the engine's API over HTTP on 127.0.0.1 and the built UI.
 * - `POST /api/<channel>` with a JSON body → `Envelope` JSON; `GET /api/events` → server-sent events.
 * - Every /api request needs `Authorization: Bearer <run token>` (compared in constant time) and a
 *   user session in `X-Dangan-Session` unless the endpoint is public.
 * - Requests whose Host is not this loopback address are refused (DNS rebinding), so are requests whose
 *   Origin is another origin; no CORS headers are ever sent, so other sites cannot read answers.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newRunToken();
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // JSON only: a text/plain POST is what a foreign page can send without a CORS preflight.
  app.removeContentTypeParser('text/plain');
  let port = 0;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);

  const refuse = (reply: FastifyReply, status: number, error: ApiErrorBody) =>
    reply.code(status).header('cache-control', 'no-store').send({ ok: false, error });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return refuse(reply, 421, apiError('http.host', '主机名不被接受', 'Host not accepted'));
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !origins().has(origin)) {
      return refuse(
        reply,
        403,
        apiError('http.origin', '拒绝来自其他网站的请求', 'Requests from other origins are refused'),
      );
    }
    if (req.url.startsWith(HTTP.api) && !tokenMatches(token, bearer(req.headers.authorization))) {
      return refuse(
        reply,
        401,
        apiError(
          'http.token',
          '访问令牌无效，请使用启动时显示的地址打开',
          'Invalid access token: open the address printed at start',
        ),
      );
    }
    return undefined;
  });

  const sessionOf = (req: FastifyRequest): string | null => {
    const v = req.headers[HTTP.sessionHeader];
    return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : null;
  };

  app.get(HTTP.events, async (req, reply) => {
    const session = sessionOf(req);
    const live = session === null ? null : options.engine.repos.sessions.touch(session);
    if (live === null) {
      return refuse(
        reply,
        401,
        apiError('session.expired', '登录已失效，请重新登录', 'Your session has ended: please sign in again'),
      );
    }
    // Until an initial or expired password is changed, the session sees nothing but that (dispatch.ts).
    const change = options.engine.repos.users.passwordStatus(live.user).change;
    if (change !== null) {
      const e = passwordChangeRequired(change);
      return refuse(reply, 403, { code: e.code, message: e.text });
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    const send = (e: EngineEvent) => res.write(`event: ${e.name}\ndata: ${JSON.stringify(e.payload)}\n\n`);
    send({ name: 'engine.ready', payload: { startedAt: options.engine.startedAt } });
    const unsubscribe = options.engine.events.subscribe(send);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    req.raw.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
    return reply;
  });

  app.post<{ Params: { channel: string } }>(`${HTTP.api}:channel`, async (req, reply) => {
    const result = await options.engine.dispatch(req.params.channel, req.body, sessionOf(req));
    return reply
      .code(result.ok ? 200 : statusFor(result.error.code))
      .header('cache-control', 'no-store')
      .send(result);
  });

  app.get('/*', async (req, reply) => {
    const pathname = req.url.split('?')[0] ?? '/';
    if (pathname.startsWith(HTTP.api))
      return refuse(reply, 404, apiError('http.not-found', '没有这个地址', 'Not found'));
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    if (options.uiRoot === null) {
      return reply.type('text/html; charset=utf-8').send(MISSING_UI);
    }
    const file = resolveUiFile(options.uiRoot, pathname);
    if (file === null) return reply.code(404).type('text/plain; charset=utf-8').send('未找到 / Not found');
    const immutable = pathname.startsWith('/assets/');
    return reply
      .type(contentType(file))
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(fs.createReadStream(file));
  });

  await app.listen({ host: HOST, port: options.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://${HOST}:${port}`;
  return {
    origin,
    url: `${origin}/#token=${token}`,
    token,
    port,
    close: async () => {
      // SSE streams stay open forever; end them so close() does not wait for clients.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

const MISSING_UI = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>档案 Dangan</title>
<body><h1>界面尚未构建 / The UI is not built</h1><p>运行 npm start 会自动构建。/ npm start builds it.</p></body></html>`;
