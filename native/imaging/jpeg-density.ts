/**
 * Sets the resolution in a JPEG's JFIF (APP0) header. Hand-written because sharp only writes a density
 * through `withMetadata`, which also converts the output to sRGB: a grey page would become 3 channels.
 * libvips writes no APP0 segment, so one is inserted after SOI when missing. Bytes that are not a JPEG
 * are returned unchanged.
 */
export function setJpegDensity(bytes: Buffer, dpi: number): Buffer {
  // SOI (FFD8), APP0 marker (FFE0), 2-byte length, "JFIF\0", version (2), units, Xdensity (2), Ydensity (2).
  const isJfif =
    bytes.length > 20 &&
    bytes[0] === 0xff &&
    bytes[1] === 0xd8 &&
    bytes[2] === 0xff &&
    bytes[3] === 0xe0 &&
    bytes.toString('latin1', 6, 11) === 'JFIF\0';
  const d = Math.max(1, Math.min(65535, Math.round(dpi)));
  if (!isJfif) {
    if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return bytes;
    const app0 = Buffer.alloc(18);
    app0.writeUInt16BE(0xffe0, 0);
    app0.writeUInt16BE(16, 2);
    app0.write('JFIF\0', 4, 'latin1');
    app0[9] = 1; // version 1.01
    app0[10] = 1;
    app0[11] = 1; // units: dots per inch
    app0.writeUInt16BE(d, 12);
    app0.writeUInt16BE(d, 14);
    return Buffer.concat([bytes.subarray(0, 2), app0, bytes.subarray(2)]);
  }
  bytes[13] = 1; // units: dots per inch
  bytes.writeUInt16BE(d, 14);
  bytes.writeUInt16BE(d, 16);
  return bytes;
}
