import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runFixitySliceDecoding } from '../../db/checks/fixity';
import { probeImage } from '../../db/checks/image-probe';
import { blobStoreInventory } from '../../db/checks/inventory';
import { runChecks } from '../../db/checks/run';
import { sha256Hex } from '../../db/digest';
import { faultyCatalogue } from '../../tests/support/faulty-catalogue';
import { decodeImage } from './image-decode';

async function scanLike(format: 'jpeg' | 'tiff'): Promise<Buffer> {
  // Noise, so that the compressed data is long and a cut lands in the middle of it.
  const { data, info } = await sharp({
    create: {
      width: 600,
      height: 400,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const img = sharp(data, { raw: info });
  return format === 'jpeg'
    ? img.jpeg({ quality: 85 }).toBuffer()
    : img.tiff({ compression: 'lzw' }).toBuffer();
}

describe('decodeImage: the full decode of the fixity slice', () => {
  it('accepts whole JPEG and TIFF scans', async () => {
    expect(await decodeImage(await scanLike('jpeg'))).toBeNull();
    expect(await decodeImage(await scanLike('tiff'))).toBeNull();
  });

  it('reports a JPEG cut in half although its headers and end marker look whole', async () => {
    const jpeg = await scanLike('jpeg');
    // The cut keeps the headers; the end marker is put back, as scanners that pad the file do.
    const cut = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);
    expect(probeImage(cut)).toBeNull(); // the structural probe cannot tell
    expect((await sharp(cut).metadata()).width).toBe(600); // nor can the metadata
    expect(await decodeImage(cut)).toMatch(/undecodable/);
  });

  it('reports a TIFF whose strip data is gone', async () => {
    const tiff = await scanLike('tiff');
    const little = tiff[0] === 0x49;
    const ifd = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
    // Keep header and directory where they are, but fill the compressed strips (before the
    // directory) with bytes LZW cannot decode.
    const broken = Buffer.from(tiff);
    broken.fill(0xff, 8, Math.min(ifd, broken.length));
    expect(probeImage(broken)).toBeNull();
    expect(await decodeImage(broken)).toMatch(/undecodable/);
  });
});

describe('the fixity slice with a full decode', () => {
  it('records a truncated JPEG and a corrupt TIFF as undecodable, and the checks report them', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const jpeg = await scanLike('jpeg');
    const cutJpeg = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]);
    const tiff = await scanLike('tiff');
    const ifd = tiff[0] === 0x49 ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
    const badTiff = Buffer.from(tiff).fill(0xff, 8, ifd);
    const good = cat.blobs.put(jpeg).sha256;
    const bad = [cat.blobs.put(cutJpeg).sha256, cat.blobs.put(badTiff).sha256];
    const volumeId = cat.db.prepare('SELECT id FROM volumes ORDER BY id LIMIT 1').pluck().get() as number;
    [good, ...bad].forEach((sha256, i) => {
      cat.db
        .prepare("INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, 'image/jpeg', 't')")
        .run(sha256, fs.statSync(cat.blobs.pathOf(sha256)).size);
      cat.db
        .prepare(
          "INSERT INTO pages (volume_id, seq, blob_sha256, dpi_x, dpi_y, captured_at) VALUES (?, ?, ?, 300, 300, 't')",
        )
        .run(volumeId, 100 + i, sha256);
    });
    // The fixture's other blobs are marker-framed noise: decode only the three real images.
    const real = new Set([good, ...bad]);
    const decode = (bytes: Uint8Array) =>
      real.has(sha256Hex(bytes)) ? decodeImage(bytes) : Promise.resolve(null);
    const run = await runFixitySliceDecoding(cat.db, cat.blobs, decode, { maxBlobs: 1000 });
    expect(run.problems.map((p) => p.sha256).sort()).toEqual([...bad].sort());
    expect(run.problems.every((p) => p.status === 'undecodable')).toBe(true);
    const report = runChecks(cat.db, { inventory: blobStoreInventory(cat.blobs), only: ['image-wrong'] });
    const found = report.categories[0]?.findings.map((f) => `${f.kind} ${f.entityId}`).sort();
    expect(found).toEqual(bad.map((s) => `image-wrong.undecodable ${s}`).sort());
  });
});
