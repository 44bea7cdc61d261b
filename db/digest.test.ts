import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sm3Hex } from './digest';

const abc = new TextEncoder().encode('abc');

describe('digests', () => {
  it('match the published test vectors', () => {
    expect(sha256Hex(abc)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // GB/T 32905-2016, example 1
    expect(sm3Hex(abc)).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(sm3Hex(abc, 'js')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('the JS SM3 (used inside Electron) agrees with OpenSSL on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => sm3Hex(bytes, 'js') === sm3Hex(bytes)),
      { numRuns: 200 },
    );
  });
});
