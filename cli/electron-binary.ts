import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The Electron executable, found the way the electron package's own index.js does (path.txt, written
 * by its install script, names the file under dist/) but without require('electron'), which throws
 * when the binary is missing. null when it is absent, as on machines where install scripts never ran.
 */
export function electronBinary(root: string): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const rel = fs.readFileSync(pathFile, 'utf8').trim();
  if (rel === '') return null;
  const bin = path.join(pkg, 'dist', rel);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return bin;
  } catch {
    return null;
  }
}

/**
 * package.json denies electron's install script so that `npm ci` works offline. On a connected
 * machine, `start` runs it once (per data folder and Electron version, remembered in a marker file)
 * with a short timeout; any failure means browser mode.
 */
export async function tryInstallElectron(
  root: string,
  markerDir: string,
  timeoutMs = 60_000,
): Promise<{ attempted: boolean; ok: boolean }> {
  const pkg = path.join(root, 'node_modules', 'electron');
  const script = path.join(pkg, 'install.js');
  if (!fs.existsSync(script)) return { attempted: false, ok: false };
  const version =
    (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version?: string }).version ??
    '?';
  const marker = path.join(markerDir, `.electron-install-tried-${version}`);
  if (fs.existsSync(marker)) return { attempted: false, ok: false };
  fs.mkdirSync(markerDir, { recursive: true });
  fs.writeFileSync(marker, new Date().toISOString());
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: pkg, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
  return { attempted: true, ok: ok && electronBinary(root) !== null };
}
