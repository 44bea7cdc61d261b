import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-run token: 32 random bytes, base64url. It lives only in memory and in the URL given out. */
export function newRunToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so that the comparison has a fixed length and
 * takes the same time whatever was sent (timingSafeEqual itself refuses unequal lengths).
 */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer ([A-Za-z0-9_-]{1,512})$/.exec(header);
  return m?.[1] ?? null;
}
