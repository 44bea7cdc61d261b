import { describe, expect, it } from 'vitest';
import { SCRYPT_CURRENT, hashPassword, needsRehash, parseHash, verifyPassword } from './password-hash';

describe('password hashing (scrypt)', () => {
  it('stores a self-describing hash with a random salt and verifies it', async () => {
    const a = await hashPassword('Dangan#2026');
    const b = await hashPassword('Dangan#2026');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Dangan#2026', a)).toBe(true);
    expect(await verifyPassword('Dangan#2027', a)).toBe(false);
    expect(a).not.toContain('Dangan');
  });

  it('treats composed and decomposed forms of the same text as the same password', async () => {
    const h = await hashPassword('Café#2026x');
    expect(await verifyPassword('Cafe\u0301#2026x', h)).toBe(true);
  });

  it('never matches for an unknown user, a tampered or an unreadable hash', async () => {
    const h = await hashPassword('Dangan#2026');
    const parts = h.split('$');
    parts[5] = Buffer.alloc(32).toString('base64');
    expect(await verifyPassword('Dangan#2026', null)).toBe(false);
    expect(await verifyPassword('Dangan#2026', parts.join('$'))).toBe(false);
    expect(await verifyPassword('Dangan#2026', 'plain:Dangan#2026')).toBe(false);
  });

  it('refuses parameters outside sane bounds when reading them back', () => {
    const salt = Buffer.alloc(16).toString('base64');
    const key = Buffer.alloc(32).toString('base64');
    expect(parseHash(`scrypt$32768$8$1$${salt}$${key}`)).not.toBeNull();
    expect(parseHash(`scrypt$${2 ** 30}$8$1$${salt}$${key}`)).toBeNull(); // would allocate 128 GiB
    expect(parseHash(`scrypt$1000$8$1$${salt}$${key}`)).toBeNull(); // not a power of two
    expect(parseHash(`scrypt$32768$8$1$${Buffer.alloc(4).toString('base64')}$${key}`)).toBeNull();
  });

  it('knows when a hash is weaker than today’s parameters', async () => {
    const old = await hashPassword('Dangan#2026', { ...SCRYPT_CURRENT, N: 2 ** 14 });
    expect(needsRehash(old)).toBe(true);
    expect(await verifyPassword('Dangan#2026', old)).toBe(true);
    expect(needsRehash(await hashPassword('x'))).toBe(false);
  });
});
