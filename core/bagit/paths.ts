import { bagError, type BagError } from './bag-errors';

/**
 * Why a bag-relative path must be refused, or null when it is safe: no `..` or `.` segments, not
 * absolute, no `~user`, drive letters, backslashes or NUL (RFC 8493 §7 security considerations).
 */
export function unsafePathReason(p: string): string | null {
  if (p === '') return 'empty';
  if (p.includes('\0')) return 'NUL';
  if (p.includes('\\')) return 'backslash';
  if (p.startsWith('/')) return 'absolute';
  if (/^[A-Za-z]:/.test(p)) return 'drive letter';
  if (p.startsWith('~')) return 'home directory';
  for (const seg of p.split('/')) {
    if (seg === '..') return '..';
    if (seg === '.' || seg === '') return 'empty or "." segment';
  }
  return null;
}

export function checkPath(p: string, listedIn: string): BagError | null {
  const reason = unsafePathReason(p);
  if (reason === null) return null;
  return bagError(
    'bagit.path-unsafe',
    `${listedIn} 中的路径越出了包（${reason}）：${JSON.stringify(p)}`,
    `${listedIn} names a path that escapes the bag (${reason}): ${JSON.stringify(p)}`,
    p,
  );
}

/** Our profile's payload names: ASCII letters, digits, `.`, `_`, `-`, under `data/` (DESIGN: ASCII names). */
export function isPortablePayloadPath(p: string): boolean {
  return /^data(\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/.test(p) && !/[. ]$/.test(p);
}
