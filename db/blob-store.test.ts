import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { BlobStore, BlobStoreError } from './blob-store';
import { sha256Hex, sm3Hex } from './digest';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('BlobStore', () => {
  it('stores bytes under their SHA-256 with an ASCII sharded name, and reads them back', () => {
    const store = new BlobStore(tempDir());
    const data = bytes('第一页 page one');
    const put = store.put(data);
    expect(put).toEqual({ sha256: sha256Hex(data), sm3: null, size: data.length, created: true });
    const rel = path.relative(store.root, store.pathOf(put.sha256));
    expect(rel).toMatch(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(Buffer.from(store.read(put.sha256))).toEqual(Buffer.from(data));
  });

  it('deduplicates identical bytes', () => {
    const store = new BlobStore(tempDir());
    const a = store.put(bytes('same'));
    const b = store.put(bytes('same'));
    expect(b.created).toBe(false);
    expect(b.sha256).toBe(a.sha256);
    expect([...store.list()]).toEqual([a.sha256]);
  });

  it('computes SM3 alongside when configured', () => {
    const store = new BlobStore(tempDir(), { sm3: true });
    const data = bytes('abc');
    expect(store.put(data).sm3).toBe(sm3Hex(data));
  });

  it('verify tells ok, missing and corrupt apart; read refuses corrupt bytes', () => {
    const store = new BlobStore(tempDir());
    const { sha256 } = store.put(bytes('original'));
    expect(store.verify(sha256).status).toBe('ok');
    fs.writeFileSync(store.pathOf(sha256), 'tampered');
    const bad = store.verify(sha256);
    expect(bad.status).toBe('corrupt');
    expect(bad.actual).toBe(sha256Hex(bytes('tampered')));
    expect(() => store.read(sha256)).toThrow(BlobStoreError);
    expect(store.verify('0'.repeat(64)).status).toBe('missing');
    expect(() => store.read('0'.repeat(64))).toThrow(/blob missing/);
  });

  it('a put of the right bytes repairs a corrupt stored copy instead of trusting it', () => {
    const store = new BlobStore(tempDir());
    const data = bytes('precious page');
    const { sha256 } = store.put(data);
    fs.writeFileSync(store.pathOf(sha256), 'bit rot');
    expect(store.put(data).created).toBe(true);
    expect(store.verify(sha256).status).toBe('ok');
  });

  it('refuses names that are not digests (no path traversal)', () => {
    const store = new BlobStore(tempDir());
    for (const bad of ['../../etc/passwd', 'ABCDEF'.padEnd(64, '0'), '', 'a'.repeat(63)]) {
      expect(() => store.pathOf(bad)).toThrow(BlobStoreError);
    }
  });

  it('removes leftovers of interrupted writes and leaves blobs alone', () => {
    const store = new BlobStore(tempDir());
    const { sha256 } = store.put(bytes('kept'));
    const dir = path.dirname(store.pathOf(sha256));
    fs.writeFileSync(path.join(dir, `.${sha256}.abc123.part`), 'half');
    expect(store.removeLeftovers()).toBe(1);
    expect([...store.list()]).toEqual([sha256]);
    expect(fs.readdirSync(dir)).toEqual([sha256]);
  });

  it('round-trips any bytes (property)', () => {
    const store = new BlobStore(tempDir());
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
        const { sha256 } = store.put(data);
        return Buffer.from(store.read(sha256)).equals(Buffer.from(data));
      }),
      { numRuns: 100 },
    );
  });
});
