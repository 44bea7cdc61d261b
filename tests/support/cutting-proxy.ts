import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  readonly url: string;
  /** Connections cut so far. */
  cuts(): number;
  /** Bytes forwarded client → server. */
  bytesUp(): number;
  /** Refuse (true) or accept (false) new connections, as a store that is down would. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 that cuts connections at random byte offsets (a flaky network): in every
 * window of `maxOffset` client → server bytes, a connection is cut with probability `probability` at a
 * random offset, until `maxCuts` cuts were made. `random` is injectable for reproducible runs.
 */
export async function startCuttingProxy(
  target: { host: string; port: number },
  options: { maxCuts: number; probability?: number; maxOffset?: number; random?: () => number },
): Promise<CuttingProxy> {
  const random = options.random ?? Math.random;
  let cuts = 0;
  let up = 0;
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
    // Rolled per window of `maxOffset` bytes, so long-lived (keep-alive) connections are cut too.
    const window = options.maxOffset ?? 256 * 1024;
    let windowEnd = 0;
    let cutAt = Infinity;
    const roll = () => {
      if (random() < (options.probability ?? 0.5)) cutAt = windowEnd + 1 + Math.floor(random() * window);
      windowEnd += window;
    };
    roll();
    let seen = 0;
    let cut = false;
    client.on('data', (chunk: Buffer) => {
      if (cut) return;
      if (seen + chunk.length >= cutAt && cuts < options.maxCuts) {
        const part = chunk.subarray(0, cutAt - seen);
        up += part.length;
        cut = true;
        cuts++;
        upstream.write(part, () => {
          upstream.destroy();
          client.destroy();
        });
        return;
      }
      seen += chunk.length;
      up += chunk.length;
      while (cutAt === Infinity && seen >= windowEnd) roll();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cut) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cuts: () => cuts,
    bytesUp: () => up,
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
