import zlib from 'node:zlib';
import sharp from 'sharp';

// Scan files for tests: good ones in each format, and each kind of bad one the importer must refuse.

/** A grey "page" with some dark lines, as PNG, JPEG or 1-bit G4 TIFF. */
export async function pageImage(
  format: 'jpeg' | 'png' | 'tiff',
  shade = 0,
  width = 400,
  height = 560,
): Promise<Buffer> {
  const lines = Array.from(
    { length: 12 },
    (_, i) => `<rect x="40" y="${60 + i * 36 + shade}" width="300" height="8" fill="#222"/>`,
  ).join('');
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${lines}</svg>`,
  );
  const img = sharp(svg).flatten({ background: '#fff' }).toColourspace('b-w');
  if (format === 'jpeg') return img.jpeg({ quality: 85 }).toBuffer();
  if (format === 'png') return img.png().toBuffer();
  return img
    .threshold(128)
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 300 / 25.4, yres: 300 / 25.4 })
    .toBuffer();
}

/** A multi-page CCITT G4 TIFF of `n` different pages. */
export async function multiPageG4(n: number): Promise<Buffer> {
  // Joined 1-channel inputs refuse 1-bit output in libvips; 3-channel ones convert cleanly.
  const pages = await Promise.all(
    Array.from({ length: n }, async (_, i) =>
      sharp(await pageImage('png', i * 3))
        .toColourspace('srgb')
        .png()
        .toBuffer(),
    ),
  );
  return sharp(pages, { join: { animated: true } })
    .toColourspace('b-w')
    .threshold(128)
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 300 / 25.4, yres: 300 / 25.4 })
    .toBuffer();
}

/**
 * A PNG that claims to be 60000 × 60000 pixels (3.6 gigapixels) but holds a few bytes: the classic
 * decompression bomb. Built by hand because no encoder will write such a thing on purpose.
 */
export function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(60000, 0);
  ihdr.writeUInt32BE(60000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = zlib.deflateSync(Buffer.alloc(60001 * 4)); // a few rows; the rest would be zeros
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
