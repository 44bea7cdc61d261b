import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** One proxied connection, as the proxy's rule sees it. */
export interface ProxyPipe {
  /** Sends bytes on to the server. */
  send(chunk: Buffer): void;
  /** Sends `last` to the server, then cuts both sides; nothing more is relayed either way. */
  cutAfter(last: Buffer): void;
}

export interface TcpProxy {
  readonly url: string;
  /** Refuse (true) or accept (false) new connections; refusing also drops the open ones. */
  readonly setDown: (down: boolean) => void;
  readonly close: () => Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` for fault tests: server → client bytes pass unchanged;
 * client → server bytes go through the rule that `onConnection` returns for each connection.
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  onConnection: (pipe: ProxyPipe) => (chunk: Buffer) => void,
): Promise<TcpProxy> {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let cut = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    const rule = onConnection({
      send: (chunk) => upstream.write(chunk),
      cutAfter: (last) => {
        cut = true;
        upstream.write(last, end);
      },
    });
    client.on('data', (chunk: Buffer) => {
      if (!cut) rule(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cut) client.write(chunk);
    });
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setDown: (d) => {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
