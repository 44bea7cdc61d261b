#!/usr/bin/env node
// Entry of the `dangan` command. The project runs its TypeScript sources directly through tsx (no
// build step between a checkout and a working command); packaged builds bundle instead.
import { spawn } from 'node:child_process';
import os from 'node:os';

// `start` in browser mode runs the engine, and with it the page pipeline's image buffers, in this
// process (as do `scan` and `import`). glibc keeps freed buffers of that size in its per-thread arenas unless told, when the
// process starts, to map them (MALLOC_MMAP_THRESHOLD_: peak ~420 MB instead of ~630 MB while
// capturing; bench capture). Electron's engine process gets it in electron/main.ts; here these commands
// run themselves once more with it set, and this process only passes signals on and waits. Asked only
// for help, they need no second process (it would double the start-up).
const MMAP_THRESHOLD = '1048576';
/** @type {NodeJS.Signals[]} */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const CAPTURING = new Set(['start', 'scan', 'import']);
const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-'));
const helpOnly = args.includes('--help') || args.includes('-h');

if (
  command !== undefined &&
  CAPTURING.has(command) &&
  !helpOnly &&
  process.platform === 'linux' &&
  !process.env.MALLOC_MMAP_THRESHOLD_
) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD },
  });
  for (const signal of SIGNALS) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
  });
} else {
  if (process.channel && process.env.MALLOC_MMAP_THRESHOLD_ === MMAP_THRESHOLD) {
    // Started by the branch above: a signal may reach this process twice (once from the terminal's
    // process group, once passed on), and only the first may count; and when the launching process
    // dies (even by SIGKILL) this one stops cleanly instead of running on unseen.
    for (const signal of SIGNALS) process.on(signal, () => undefined);
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  // Loaded here, not above: the process that only waits for its child needs no TypeScript.
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv);
}
