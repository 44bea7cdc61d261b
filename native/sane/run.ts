import { spawn } from 'node:child_process';

export interface ScanimageEnv {
  /** Path or name of the scanimage program. */
  readonly program: string;
  /** Environment for the child (SANE_CONFIG_DIR among it); LC_ALL=C is always added. */
  readonly env: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/** The environment scanimage runs in: messages in English so that stderr can be classified. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' };
}

/** Runs scanimage to completion (device list, option listing). A hung backend is killed. */
export function runScanimage(
  where: ScanimageEnv,
  args: readonly string[],
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(where.program, args, {
      env: childEnv(where.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut });
    });
  });
}
