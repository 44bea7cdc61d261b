import { main } from '../../cli/main';
import type { Io } from '../../cli/output';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `dangan <args>` in-process with captured output, as a test would type it. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(['node', 'dangan', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
