import { describe, expect, it } from 'vitest';
import { MAX_PACK_BLOBS, packTarget, planPacks, type BlobToSend } from './packs';

const blob = (i: number, size: number): BlobToSend => ({
  sha256: i.toString(16).padStart(64, '0'),
  size,
  read: () => Buffer.alloc(size),
});

describe('planPacks', () => {
  it('keeps the order, stays under the target, and sends a blob larger than it alone', () => {
    const blobs = [blob(1, 300), blob(2, 300), blob(3, 300), blob(4, 5000), blob(5, 100)];
    const packs = planPacks(blobs, 700);
    expect(packs.map((p) => p.members.map((m) => m.size))).toEqual([[300, 300], [300], [5000], [100]]);
    expect(packs.flatMap((p) => p.members)).toEqual(blobs);
    expect(packs.map((p) => p.size)).toEqual([600, 300, 5000, 100]);
  });

  it('never puts more than MAX_PACK_BLOBS blobs in a pack', () => {
    const packs = planPacks(
      Array.from({ length: MAX_PACK_BLOBS * 2 + 1 }, (_, i) => blob(i, 1)),
      1e9,
    );
    expect(packs.map((p) => p.members.length)).toEqual([MAX_PACK_BLOBS, MAX_PACK_BLOBS, 1]);
  });

  it('gives the same packs and keys for the same blobs, other keys for other content', () => {
    const blobs = [blob(1, 10), blob(2, 10), blob(3, 10)];
    expect(planPacks(blobs, 20).map((p) => p.key)).toEqual(planPacks(blobs, 20).map((p) => p.key));
    const keys = new Set(planPacks(blobs, 10).map((p) => p.key));
    expect(keys.size).toBe(3);
  });
});

describe('packTarget', () => {
  it('aims at two packs per concurrent upload, within 256 KiB and one chunk', () => {
    expect(packTarget(40e6, 4, 8 * 2 ** 20)).toBe(5e6);
    expect(packTarget(1e9, 4, 8 * 2 ** 20)).toBe(8 * 2 ** 20);
    expect(packTarget(1000, 4, 8 * 2 ** 20)).toBe(256 * 1024);
    expect(packTarget(1000, 4, 64 * 1024)).toBe(64 * 1024);
  });
});
