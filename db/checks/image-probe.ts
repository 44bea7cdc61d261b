/**
 * A structural check that stored bytes are a whole image of a format we keep: the signature is right and
 * the file is not cut short (JPEG ends with its EOI marker, PNG with IEND, TIFF's first directory lies
 * inside the file). It reads no pixels, so the monthly re-hash can afford it on every blob; a full decode
 * (sharp) is the workstation's business when a page is opened.
 * Returns null when the bytes look whole, otherwise what is wrong.
 */
export function probeImage(bytes: Uint8Array): string | null {
  const b = bytes;
  const at = (i: number) => b[i] ?? -1;
  if (b.length < 8) return 'too short to be an image';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) {
    // Some scanners pad after EOI; look for it near the end.
    for (let i = b.length - 2; i >= Math.max(0, b.length - 64); i--) {
      if (at(i) === 0xff && at(i + 1) === 0xd9) return null;
    }
    return 'JPEG without its end marker (truncated)';
  }
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) {
    const tail = String.fromCharCode(...b.subarray(Math.max(0, b.length - 12), b.length - 4));
    return tail.endsWith('IEND') ? null : 'PNG without its IEND chunk (truncated)';
  }
  const little = at(0) === 0x49 && at(1) === 0x49 && at(2) === 0x2a && at(3) === 0x00;
  const big = at(0) === 0x4d && at(1) === 0x4d && at(2) === 0x00 && at(3) === 0x2a;
  if (little || big) {
    const ifd = little
      ? at(4) + at(5) * 256 + at(6) * 65536 + at(7) * 16777216
      : at(7) + at(6) * 256 + at(5) * 65536 + at(4) * 16777216;
    return ifd >= 8 && ifd + 2 <= b.length ? null : 'TIFF whose first directory lies outside the file';
  }
  if (at(4) === 0x6a && at(5) === 0x50 && at(6) === 0x20 && at(7) === 0x20) return null; // JPEG 2000
  return 'not a JPEG, PNG, TIFF or JPEG 2000 image';
}
