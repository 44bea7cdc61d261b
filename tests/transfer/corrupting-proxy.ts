import { startTcpProxy } from '../support/tcp-proxy';

/**
 * A TCP proxy on 127.0.0.1 that damages one byte on the way to the server: the byte at offset `at` of
 * everything sent client → server (all connections, in arrival order) is inverted; nothing else is.
 */
export async function startCorruptingProxy(
  target: { host: string; port: number },
  options: { at: number },
): Promise<{ url: string; bytesUp(): number; damaged(): boolean; close(): Promise<void> }> {
  let up = 0;
  let damaged = false;
  const proxy = await startTcpProxy(target, (pipe) => (chunk) => {
    if (!damaged && up + chunk.length > options.at) {
      const copy = Buffer.from(chunk);
      const i = options.at - up;
      copy[i] = (copy[i] ?? 0) ^ 0xff;
      damaged = true;
      chunk = copy;
    }
    up += chunk.length;
    pipe.send(chunk);
  });
  return { url: proxy.url, close: proxy.close, bytesUp: () => up, damaged: () => damaged };
}
