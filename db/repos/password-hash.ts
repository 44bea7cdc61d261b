import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard), stored self-describing as
 * `scrypt$N$r$p$saltB64$hashB64` so the cost can be raised later: old hashes still verify with their
 * own parameters and are re-hashed at the next successful login (see `needsRehash`).
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
}

export const SCRYPT_CURRENT: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32 });

const SALT_BYTES = 16;

// Bounds for parameters read back from the database: a tampered row must not make us allocate gigabytes.
const LIMITS = { minLogN: 14, maxLogN: 20, maxR: 32, maxP: 16, minKey: 32, maxKey: 128 } as const;

interface Parsed extends ScryptParams {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs about 128·N·r bytes; Node's default cap (32 MiB) is exactly that at N=2^15, r=8.
  const maxmem = 256 * params.N * params.r * params.p;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem },
      (err, key) => {
        if (err) reject(err);
        else resolve(key);
      },
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = SCRYPT_CURRENT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export function parseHash(encoded: string): Parsed | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  const logN = Math.log2(N);
  const ok =
    Number.isInteger(logN) &&
    logN >= LIMITS.minLogN &&
    logN <= LIMITS.maxLogN &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= LIMITS.maxR &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= LIMITS.maxP &&
    salt.length >= SALT_BYTES &&
    hash.length >= LIMITS.minKey &&
    hash.length <= LIMITS.maxKey;
  return ok ? { N, r, p, keyLength: hash.length, salt, hash } : null;
}

let dummy: Promise<string> | undefined;

/** A hash no password matches, so an unknown user costs the same time as a wrong password. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64'));
  return dummy;
}

/**
 * Checks a password against a stored hash in constant time. `encoded: null` (unknown user) or an
 * unreadable hash still costs one full derivation, and is never a match.
 */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const parsed = encoded === null ? null : parseHash(encoded);
  const target = parsed ?? parseHash(await dummyHash());
  if (target === null) throw new Error('dummy scrypt hash unreadable'); // a bug, not an input problem
  const key = await derive(password, target.salt, target);
  return parsed !== null && key.length === target.hash.length && timingSafeEqual(key, target.hash);
}

/** True when a stored hash is weaker than the current parameters (or unreadable). */
export function needsRehash(encoded: string, params: ScryptParams = SCRYPT_CURRENT): boolean {
  const parsed = parseHash(encoded);
  return (
    parsed === null ||
    parsed.N < params.N ||
    parsed.r < params.r ||
    parsed.p < params.p ||
    parsed.keyLength < params.keyLength
  );
}
