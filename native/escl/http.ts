import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  /** The Host header to send; devices disagree on its form (see client.ts). */
  readonly host: string;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** No byte for this long ends the request (a stalled device); default 60 s. */
  readonly idleTimeoutMs?: number;
}

/**
 * One HTTP exchange over node:http(s) rather than fetch: fetch forbids setting the Host header,
 * which some scanners require in a particular form. A fresh connection each time, as devices' small
 * HTTP servers handle keep-alive unevenly. Device certificates on _uscans are self-signed and
 * cannot be verified; the connection is still encrypted.
 */
export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = req.url.protocol === 'https:';
    const headers: http.OutgoingHttpHeaders = { Host: req.host, Connection: 'close' };
    if (req.body !== undefined) {
      headers['Content-Type'] = 'text/xml';
      headers['Content-Length'] = Buffer.byteLength(req.body);
    }
    const options: https.RequestOptions = {
      method: req.method,
      hostname: req.url.hostname.replace(/^\[|\]$/g, ''),
      port: req.url.port === '' ? (secure ? 443 : 80) : Number(req.url.port),
      path: req.url.pathname + req.url.search,
      headers,
      agent: false,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(secure ? { rejectUnauthorized: false } : {}),
    };
    const request = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    request.setTimeout(req.idleTimeoutMs ?? 60_000, () => {
      request.destroy(new Error(`no data from ${req.url.host} for ${req.idleTimeoutMs ?? 60_000} ms`));
    });
    request.on('error', reject);
    request.end(req.body);
  });
}
