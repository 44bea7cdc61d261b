import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../db/blob-store';
import { tempDir } from '../tests/support/temp-dir';
import { PackAdopter } from './pack-adopt';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function setup() {
  const dir = tempDir();
  const blobs = new BlobStore(path.join(dir, 'blobs'));
  const packFile = (parts: readonly Buffer[]) => {
    const file = path.join(dir, `pack-${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(file, Buffer.concat(parts));
    return file;
  };
  return { blobs, adopter: new PackAdopter(blobs), packFile, dir };
}

describe('PackAdopter', () => {
  it('splits a pack into the blob store, byte for byte, and leaves no temp file', async () => {
    const { blobs, adopter, packFile } = setup();
    const parts = [randomBytes(3000), randomBytes(1), randomBytes(70_000)];
    const out = await adopter.adopt(
      packFile(parts),
      parts.map((p) => ({ sha256: sha(p), size: p.length })),
    );
    expect(out).toEqual({ stored: parts.map(sha), refused: [] });
    for (const p of parts) expect(blobs.read(sha(p)).equals(p)).toBe(true);
    expect(blobs.removeLeftovers()).toBe(0);
  });

  it('refuses only the blobs whose bytes are not their digest, and keeps nothing of them', async () => {
    const { blobs, adopter, packFile } = setup();
    const parts = [randomBytes(500), randomBytes(600), randomBytes(700)];
    const sent = parts.map((p) => Buffer.from(p));
    const middle = sent[1] ?? Buffer.alloc(0);
    middle[0] = (middle[0] ?? 0) ^ 1;
    const out = await adopter.adopt(
      packFile(sent),
      parts.map((p) => ({ sha256: sha(p), size: p.length })),
    );
    expect(out.refused).toEqual([sha(parts[1] ?? Buffer.alloc(0))]);
    expect(parts.map((p) => blobs.has(sha(p)))).toEqual([true, false, true]);
  });

  it('refuses the whole pack when its length is not the sum of its blobs', async () => {
    const { blobs, adopter, packFile } = setup();
    const a = randomBytes(100);
    const out = await adopter.adopt(packFile([a, Buffer.from('x')]), [{ sha256: sha(a), size: 100 }]);
    expect(out).toEqual({ stored: [], refused: [sha(a)] });
    expect(blobs.has(sha(a))).toBe(false);
  });

  it('confirm trusts what it wrote only while the file is unchanged; a damaged blob is found', async () => {
    const { blobs, adopter, packFile } = setup();
    const a = randomBytes(4096);
    await adopter.adopt(packFile([a]), [{ sha256: sha(a), size: a.length }]);
    expect(adopter.confirm(sha(a)).status).toBe('ok');
    const file = blobs.pathOf(sha(a));
    const damaged = Buffer.from(a);
    damaged[10] = (damaged[10] ?? 0) ^ 1;
    fs.writeFileSync(file, damaged);
    expect(adopter.confirm(sha(a)).status).toBe('corrupt');
    // A store opened afresh trusts nothing it did not hash itself.
    const b = randomBytes(10);
    await adopter.adopt(packFile([b]), [{ sha256: sha(b), size: b.length }]);
    expect(new PackAdopter(blobs).confirm(sha(b)).status).toBe('ok');
  });

  it('keeps a blob already stored intact instead of writing it again', async () => {
    const { blobs, adopter, packFile } = setup();
    const a = randomBytes(2048);
    blobs.put(a);
    const before = fs.statSync(blobs.pathOf(sha(a))).ino;
    const out = await adopter.adopt(packFile([a]), [{ sha256: sha(a), size: a.length }]);
    expect(out.stored).toEqual([sha(a)]);
    expect(fs.statSync(blobs.pathOf(sha(a))).ino).toBe(before);
  });
});
