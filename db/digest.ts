import { createHash, getHashes } from 'node:crypto';
import { sm3 as sm3Js } from 'sm-crypto-v2';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const nativeSm3 = getHashes().includes('sm3');

/**
 * SM3 (GB/T 32905) digest in hex. Node's OpenSSL has SM3; Electron's BoringSSL does not, so there the
 * maintained JS implementation (sm-crypto-v2) is used. digest.test.ts checks both give the same result.
 */
export function sm3Hex(bytes: Uint8Array, implementation: 'auto' | 'js' = 'auto'): string {
  if (nativeSm3 && implementation === 'auto') return createHash('sm3').update(bytes).digest('hex');
  return sm3Js(bytes);
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
