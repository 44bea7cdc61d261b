import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is cli/ui-build.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const UI_OUT_DIR = path.join(REPO_ROOT, 'dist', 'renderer');
const STAMP = '.built';

/** The sources the UI bundle is made of: the renderer and the core/ code it reaches through the contract. */
const UI_SOURCES = ['renderer', 'core', 'resources'].map((d) => path.join(REPO_ROOT, d));

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.test.tsx') &&
        !entry.name.endsWith('.md')
      )
        newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

/** Is the built UI missing, or older than any of its sources? */
export function uiBuildIsStale(outDir = UI_OUT_DIR, sources = UI_SOURCES): boolean {
  const stamp = path.join(outDir, STAMP);
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(outDir, 'index.html'))) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return sources.some((s) => newestMtime(s) > built);
}

/**
 * Builds the renderer with Vite. The configuration is here rather than in a renderer/vite.config.ts
 * because renderer/ may import only UI packages (lint layering), and Vite and its React plugin are
 * build tools, not UI code.
 */
export async function buildUi(outDir = UI_OUT_DIR): Promise<void> {
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  // Build beside the target and swap it in, so that two starts building at once (tests run in
  // parallel) never serve a half-emptied folder.
  const temp = `${outDir}.building-${process.pid}-${Date.now()}`;
  await build({
    configFile: false,
    root: path.join(REPO_ROOT, 'renderer'),
    base: '/',
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: temp,
      emptyOutDir: true,
      chunkSizeWarningLimit: 2500,
      rolldownOptions: {
        // Split the big libraries so that a UI change does not bust their cache.
        output: { manualChunks: (id: string) => (id.includes('node_modules') ? 'vendor' : undefined) },
      },
    },
  });
  fs.writeFileSync(path.join(temp, STAMP), new Date().toISOString());
  const old = `${temp}.old`;
  try {
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(temp, outDir);
  } catch {
    // Another build swapped its (identical) output in first: keep that one.
  } finally {
    fs.rmSync(old, { recursive: true, force: true });
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

export const PRELOAD_OUT = path.join(REPO_ROOT, 'dist', 'electron', 'preload.cjs');

/**
 * Bundles the Electron preload to one CommonJS file. A sandboxed preload may require nothing but
 * `electron`, so it cannot run from TypeScript sources through tsx as the main process does.
 */
export async function buildPreload(outFile = PRELOAD_OUT): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: path.dirname(outFile),
      emptyOutDir: false,
      minify: false,
      lib: {
        entry: path.join(REPO_ROOT, 'electron', 'preload.ts'),
        formats: ['cjs'],
        fileName: () => path.basename(outFile),
      },
      rolldownOptions: { external: ['electron'] },
    },
  });
}
