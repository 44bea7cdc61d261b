import { startTcpProxy } from './tcp-proxy';

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
  const proxy = await startTcpProxy(target, (pipe) => {
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
    return (chunk) => {
      if (seen + chunk.length >= cutAt && cuts < options.maxCuts) {
        const part = chunk.subarray(0, cutAt - seen);
        up += part.length;
        cuts++;
        pipe.cutAfter(part);
        return;
      }
      seen += chunk.length;
      up += chunk.length;
      while (cutAt === Infinity && seen >= windowEnd) roll();
      pipe.send(chunk);
    };
  });
  return { ...proxy, cuts: () => cuts, bytesUp: () => up };
}
