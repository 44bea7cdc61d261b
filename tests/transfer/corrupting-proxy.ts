import net from 'node:net';
import type { AddressInfo } from 'node:net';

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
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (!damaged && up + chunk.length > options.at) {
        const copy = Buffer.from(chunk);
        const i = options.at - up;
        copy[i] = (copy[i] ?? 0) ^ 0xff;
        damaged = true;
        chunk = copy;
      }
      up += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesUp: () => up,
    damaged: () => damaged,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
