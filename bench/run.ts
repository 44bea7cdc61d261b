import fs from 'node:fs';
import path from 'node:path';

/** What a benchmark module exports: a run that measures its subject and a baseline in the same run. */
export interface Benchmark {
  readonly description: string;
  run(options: { json: boolean; log: (line: string) => void }): Promise<Record<string, unknown>>;
}

const here = import.meta.dirname;

function available(): string[] {
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
}

/**
 * Runs one benchmark. Human-readable lines go to stderr when --json is given, so that stdout's last
 * line is the figures as one JSON object.
 */
export async function runBench(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  const name = args.find((a) => !a.startsWith('--'));
  if (!name || !available().includes(name)) {
    process.stderr.write(
      `用法 usage: npm run bench -- <name> [--json]\n可用 available: ${available().join(', ')}\n`,
    );
    return 2;
  }
  const mod = (await import(path.join(here, `${name}.bench.ts`))) as { default: Benchmark };
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  log(`${name}: ${mod.default.description}`);
  const figures = await mod.default.run({ json, log });
  if (json) process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
  return 0;
}
