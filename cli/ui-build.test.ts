import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { buildPreload, uiBuildIsStale } from './ui-build';

describe('UI build', () => {
  it('is stale when missing or older than a source, fresh after a build stamp', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.tsx'), 'x');
    expect(uiBuildIsStale(out, [src])).toBe(true);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'index.html'), '<html>');
    fs.writeFileSync(path.join(out, '.built'), 'now');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(src, 'a.tsx'), past, past);
    expect(uiBuildIsStale(out, [src])).toBe(false);
    fs.writeFileSync(path.join(src, 'b.ts'), 'y');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(src, 'b.ts'), future, future);
    expect(uiBuildIsStale(out, [src])).toBe(true);
  });

  it('bundles the sandboxed preload to CommonJS that requires nothing but electron', async () => {
    const out = path.join(tempDir(), 'preload.cjs');
    await buildPreload(out);
    const code = fs.readFileSync(out, 'utf8');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).toContain('exposeInMainWorld');
    expect(code).toContain('dangan:call');
  });
});
