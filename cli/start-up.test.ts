import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAYOUT_NAMES } from '../workstation/labels/label-pdf';
import { runCli as run } from '../tests/support/cli';

// Packages that cost start-up time; a command loads only those it uses (see buildProgram in main.ts).
const HEAVY = ['sharp', 'better-sqlite3', 'fastify', 'exceljs', 'pdf-lib', 'tesseract.js', 'piscina'];

/** The heavy packages a fresh process has loaded after running `dangan <args>` (output discarded). */
function heavyLoadedBy(...args: string[]): string[] {
  const main = pathToFileURL(path.join(import.meta.dirname, 'main.ts')).href;
  const probe = `
    import { createRequire } from 'node:module';
    import { register } from 'tsx/esm/api';
    register();
    const { main } = await import(${JSON.stringify(main)});
    await main(['node', 'dangan', ...${JSON.stringify(args)}], { out: () => {}, err: () => {} });
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: path.dirname(import.meta.dirname),
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  const files = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  return HEAVY.filter((pkg) =>
    files.some((f) => f.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`)),
  );
}

describe('start-up loads only what the command uses', () => {
  it('help and code check load none of the heavy packages; label pdf --help loads pdf-lib', () => {
    expect(heavyLoadedBy('--help')).toEqual([]);
    expect(heavyLoadedBy('code', 'check', '91350200776049653A')).toEqual([]);
    expect(heavyLoadedBy('scan', '--help')).toEqual([]);
    // The probe sees packages when they are loaded: label's help needs the layout names (pdf-lib).
    expect(heavyLoadedBy('label', 'pdf', '--help')).toContain('pdf-lib');
  });

  it('label pdf help lists every layout, however it is asked for', async () => {
    for (const args of [
      ['label', 'pdf', '--help'],
      ['label', 'help', 'pdf'],
    ]) {
      const r = await run(...args);
      expect(r.code).toBe(0);
      expect(r.out.replace(/\s+/g, ' ')).toContain(`版式 / layout: ${LAYOUT_NAMES.join(', ')}`);
    }
  });
});
