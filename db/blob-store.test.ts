import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { BlobDigestMismatch, BlobStore, BlobStoreError } from './blob-store';
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

describe('BlobStore.adopt', () => {
  /** A finished upload: a file in a folder beside the blob folder (same filesystem, as the store has). */
  function upload(root: string, content: string, name = 'upload-1'): string {
    const dir = path.join(root, 'uploads');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  it('moves a matching file into place (same inode, no copy) and reads back', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const file = upload(root, '第二页 page two');
    const inode = fs.statSync(file).ino;
    const sha256 = sha256Hex(bytes('第二页 page two'));
    const result = await store.adopt(file, sha256);
    expect(result).toEqual({ sha256, sm3: null, size: bytes('第二页 page two').length, created: true });
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.statSync(store.pathOf(sha256)).ino).toBe(inode);
    expect(Buffer.from(store.read(sha256)).toString()).toBe('第二页 page two');
  });

  it('refuses bytes that are not the expected digest, keeping the file and storing nothing', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const file = upload(root, 'tampered');
    const expected = sha256Hex(bytes('original'));
    const error = await store.adopt(file, expected).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobDigestMismatch);
    expect((error as BlobDigestMismatch).actual).toBe(sha256Hex(bytes('tampered')));
    expect(fs.readFileSync(file, 'utf8')).toBe('tampered');
    expect(store.has(expected)).toBe(false);
    expect([...store.list()]).toEqual([]);
  });

  it('refuses a name that is not a digest before touching the file', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const file = upload(root, 'x');
    await expect(store.adopt(file, '../../etc/passwd')).rejects.toThrow(BlobStoreError);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('deduplicates against an intact stored copy and removes the adopted file', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const first = store.put(bytes('same page'));
    const inode = fs.statSync(store.pathOf(first.sha256)).ino;
    const file = upload(root, 'same page');
    const result = await store.adopt(file, first.sha256);
    expect(result.created).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.statSync(store.pathOf(first.sha256)).ino).toBe(inode);
    expect([...store.list()]).toEqual([first.sha256]);
  });

  it('replaces a stored copy that no longer matches its name', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const { sha256 } = store.put(bytes('good bytes'));
    fs.writeFileSync(store.pathOf(sha256), 'rotten');
    const result = await store.adopt(upload(root, 'good bytes'), sha256);
    expect(result.created).toBe(true);
    expect(store.verify(sha256).status).toBe('ok');
  });

  // /dev/shm is a tmpfs here, another filesystem than the temp folder: a real EXDEV, no fake.
  const shm = '/dev/shm';
  const crossDevice =
    fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(tempDir()).dev && isWritable(shm);
  it.skipIf(!crossDevice)('copies durably across filesystems (EXDEV) and removes the original', async () => {
    const store = new BlobStore(path.join(tempDir(), 'blobs'));
    const dir = fs.mkdtempSync(path.join(shm, 'dangan-adopt-'));
    try {
      const file = path.join(dir, 'upload');
      fs.writeFileSync(file, 'across devices');
      const sha256 = sha256Hex(bytes('across devices'));
      const result = await store.adopt(file, sha256);
      expect(result.created).toBe(true);
      expect(fs.existsSync(file)).toBe(false);
      expect(Buffer.from(store.read(sha256)).toString()).toBe('across devices');
      expect(fs.readdirSync(path.dirname(store.pathOf(sha256)))).toEqual([sha256]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('confirm trusts only what this instance hashed and what is unchanged since', async () => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const sha256 = sha256Hex(bytes('page three'));
    await store.adopt(upload(root, 'page three'), sha256);

    const reads = vi.spyOn(fs, 'readFileSync');
    try {
      expect(store.confirm(sha256)).toEqual({ sha256, status: 'ok', size: 10 });
      expect(reads).not.toHaveBeenCalled();
      // Another instance (a restarted store) has hashed nothing: it reads the bytes.
      expect(new BlobStore(path.join(root, 'blobs')).confirm(sha256).status).toBe('ok');
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }

    // Same size, other bytes in a new file renamed over the blob (times copied): another inode, re-hashed.
    const file = store.pathOf(sha256);
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(`${file}.other`, 'page 3!!!!');
    fs.utimesSync(`${file}.other`, atime, mtime);
    fs.renameSync(`${file}.other`, file);
    expect(store.confirm(sha256).status).toBe('corrupt');
    // Put right, then changed in place with an older mtime: re-hashed too.
    await store.adopt(upload(root, 'page three', 'upload-2'), sha256);
    expect(store.confirm(sha256).status).toBe('ok');
    fs.writeFileSync(file, 'page 3!!!!');
    fs.utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(store.confirm(sha256).status).toBe('corrupt');
  });
});

function isWritable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
