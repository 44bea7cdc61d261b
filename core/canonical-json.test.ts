import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: '档案' }, u: undefined })).toBe(
      '{"a":{"c":"档案","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is independent of key insertion order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalJson(v);
        const reordered = JSON.parse(once, (_k, x: unknown) =>
          x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).reverse())
            : x,
        ) as unknown;
        return canonicalJson(reordered) === once && canonicalJson(JSON.parse(once)) === once;
      }),
    );
  });

  it('refuses what JSON cannot carry, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/json.unsupported/);
    expect(() => canonicalJson(Infinity)).toThrow();
  });
});
