import fs from 'node:fs';
import path from 'node:path';

/**
 * The UI's security headers, for the browser-mode server and Electron's app:// protocol alike.
 * antd injects its CSS-in-JS as <style> elements, hence 'unsafe-inline' for styles (never scripts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // The label PDF preview (标签打印): a frame showing a PDF the page itself made (blob:), nothing else.
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` a URL path names, or null when it must be refused. Pure string work (no disk):
 * the path is percent-decoded once; NUL, backslashes, drive letters, `.`/`..` segments and anything that
 * resolves outside the root are refused. An empty path or a path without an extension (a client-side
 * route) is the single-page app's index.html.
 */
export function resolveUiPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (!decoded.startsWith('/')) return null;
  if (/[\0\\]/.test(decoded) || /^\/+[A-Za-z]:/.test(decoded) || decoded.startsWith('//')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const rel = segments.filter((s) => s !== '').join('/');
  const file = rel === '' || path.extname(rel) === '' ? 'index.html' : rel;
  const base = path.resolve(root);
  const full = path.resolve(base, file);
  const inside = path.relative(base, full);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return full;
}

/**
 * Like resolveUiPath, then on disk: the file must exist, be a regular file, and its real path (after
 * symlinks) must still lie inside the root's real path.
 */
export function resolveUiFile(root: string, urlPath: string): string | null {
  const candidate = resolveUiPath(root, urlPath);
  if (candidate === null) return null;
  try {
    const realRoot = fs.realpathSync(root);
    const real = fs.realpathSync(candidate);
    const inside = path.relative(realRoot, real);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
    return fs.statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
