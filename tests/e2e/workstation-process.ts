import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs a workstation command (`npm start`, `node bin/dangan.js start --browser`) in its own process
 * group and waits for the browser-mode address it prints. stop() sends SIGINT to that group, as Ctrl+C
 * in a terminal does (npm and the node process under it), and waits until all of them have exited.
 */
export function startWorkstation(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
): Promise<Started> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  // 'close' waits for every process holding the output pipes (npm's node child too), not just npm.
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      resolve(code);
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`no URL within ${timeoutMs} ms; output:\n${out}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(out);
      if (!m?.[1] || !m[2]) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        child,
        url: m[0],
        origin: m[1],
        token: m[2],
        output: () => out,
        stop: async () => {
          kill(child);
          return exited;
        },
      });
    }, 100);
    void exited.then((code) => {
      if (/#token=/.test(out)) return;
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before printing a URL; output:\n${out}`));
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGINT');
  } catch {
    // already gone
  }
}
