import sharp from 'sharp';
import { probeImage } from '../../db/checks/image-probe';

// Decoded at most this wide/high: enough to make libjpeg/libtiff read every scan line of the file
// (shrink-on-load still walks the whole entropy-coded stream), cheap enough for a monthly slice.
const DECODE_SIZE = 256;

/**
 * The full decode behind the fixity slice (db/checks/fixity.ts runFixitySliceDecoding): the structural
 * probe first, then the pixels through sharp with `failOn: 'warning'` (libjpeg reports data cut short
 * before a padded end marker only as a warning), because sharp's metadata
 * reads only the headers and a truncated JPEG or a TIFF with damaged strips keeps valid headers.
 * libvips here has no JPEG 2000 decoder, so JPEG 2000 gets the structural probe only.
 */
export async function decodeImage(bytes: Uint8Array): Promise<string | null> {
  const structural = probeImage(bytes);
  if (structural !== null) return structural;
  if (bytes[4] === 0x6a && bytes[5] === 0x50 && bytes[6] === 0x20 && bytes[7] === 0x20) return null;
  try {
    await sharp(bytes, { failOn: 'warning' })
      .resize({ width: DECODE_SIZE, height: DECODE_SIZE, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
    return null;
  } catch (e) {
    return `undecodable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}
