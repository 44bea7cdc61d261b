import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../../core/errors';
import type { ColorMode, ImageMediaType } from '../../core/scanning/driver';
import { text } from '../../core/text';

/** Extensions taken from a folder; anything else there is ignored (not an image we import). */
export const IMAGE_EXTENSIONS: Readonly<Record<string, 'jpeg' | 'png' | 'tiff'>> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

/** Largest image accepted, in pixels: an A3 sheet at 600 dpi is 70 Mpx; more is a decompression bomb. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Smallest side accepted: a business card at 150 dpi is about 320 px wide. */
export const MIN_SIDE_PX = 100;

export interface ImagePage {
  readonly bytes: Buffer;
  readonly mediaType: ImageMediaType;
  readonly width: number;
  readonly height: number;
  readonly dpi: number | undefined;
  readonly mode: ColorMode;
}

export interface ImageFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly bytes: Buffer;
  readonly pages: readonly ImagePage[];
}

function refuse(
  code: string,
  zh: string,
  en: string,
  file: string,
  details: Record<string, unknown> = {},
): DomainError {
  const name = path.basename(file);
  return new DomainError(code, text(`${name}：${zh}`, `${name}: ${en}`), { file, ...details });
}

function sniff(bytes: Buffer): 'jpeg' | 'png' | 'tiff' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a)
    return 'png';
  if (bytes.length >= 4) {
    const head = bytes.toString('latin1', 0, 4);
    if (head === 'II*\0' || head === 'MM\0*') return 'tiff';
  }
  return null;
}

const MEDIA: Readonly<Record<'jpeg' | 'png' | 'tiff', ImageMediaType>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
};

/** Whether the name has an extension this importer takes. */
export function isImageName(file: string): boolean {
  return path.extname(file).toLowerCase() in IMAGE_EXTENSIONS;
}

/**
 * Reads one scan file and checks it completely before anything is stored: not empty, really the format
 * its name says, not too small, not a decompression bomb, decodable to the last byte. A multi-page TIFF
 * becomes one page per directory (re-encoded losslessly: CCITT G4 for 1-bit pages, PNG otherwise); a
 * single image keeps its bytes exactly. Throws a DomainError (`import.*`) naming the file.
 */
export async function readImageFile(file: string, bytesIn?: Buffer): Promise<ImageFile> {
  const stat = fs.statSync(file);
  const bytes = bytesIn ?? fs.readFileSync(file);
  if (bytes.length === 0)
    throw refuse('import.empty', '文件为空（0 字节）', 'the file is empty (0 bytes)', file);
  const named = IMAGE_EXTENSIONS[path.extname(file).toLowerCase()];
  const actual = sniff(bytes);
  if (actual === null) {
    throw refuse('import.not-image', '不是 JPEG、PNG 或 TIFF 图像', 'not a JPEG, PNG or TIFF image', file);
  }
  if (named !== actual) {
    throw refuse(
      'import.wrong-extension',
      `文件内容是 ${actual.toUpperCase()}，但扩展名不符；请更正文件名后重新导入`,
      `the content is ${actual.toUpperCase()} but the name says otherwise; rename it and import again`,
      file,
      { named: named ?? null, actual },
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw refuse('import.corrupt', '图像已损坏，无法读取', 'the image is corrupt and cannot be read', file, {
      cause: String(e),
    });
  }
  const width = meta.width;
  const height = meta.height;
  if (width * height > MAX_INPUT_PIXELS) {
    throw refuse(
      'import.too-large',
      `图像过大（${width}×${height} 像素），超过上限 ${MAX_INPUT_PIXELS / 1e6} 百万像素`,
      `the image is too large (${width}×${height} px), over the ${MAX_INPUT_PIXELS / 1e6} Mpx limit`,
      file,
      { width, height },
    );
  }
  if (width < MIN_SIDE_PX || height < MIN_SIDE_PX) {
    throw refuse(
      'import.too-small',
      `图像过小（${width}×${height} 像素），不是扫描页面`,
      `the image is too small (${width}×${height} px) to be a scanned page`,
      file,
      { width, height },
    );
  }
  const pageCount = actual === 'tiff' ? (meta.pages ?? 1) : 1;
  const dpi = meta.density !== undefined && meta.density > 72 ? Math.round(meta.density) : undefined;
  const pages: ImagePage[] = [];
  for (let page = 0; page < pageCount; page++) {
    const input = sharp(bytes, { page, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' });
    let pageMeta: Metadata;
    try {
      pageMeta = pageCount > 1 ? await input.metadata() : meta;
      // A full decode (shrunk on load where the format allows) is the only proof the data is complete;
      // libjpeg reports damaged entropy data only as a warning, so warnings refuse the file too.
      await input.clone().resize({ width: 64 }).raw().toBuffer();
    } catch (e) {
      const msg = String(e);
      const truncated = /truncat|premature end of (JPEG|file)|unexpected end|short read|not enough/i.test(
        msg,
      );
      throw refuse(
        truncated ? 'import.truncated' : 'import.corrupt',
        truncated
          ? `图像不完整（文件被截断）${pageCount > 1 ? `，第 ${page + 1} 页` : ''}`
          : '图像已损坏，无法解码',
        truncated
          ? `the image is incomplete (truncated)${pageCount > 1 ? `, page ${page + 1}` : ''}`
          : 'the image is corrupt and cannot be decoded',
        file,
        { page, cause: msg },
      );
    }
    const bilevel = pageMeta.bitsPerSample === 1;
    const mode: ColorMode = bilevel ? 'lineart' : pageMeta.channels <= 2 ? 'gray' : 'color';
    if (pageCount === 1) {
      pages.push({ bytes, mediaType: MEDIA[actual], width, height, dpi, mode });
      continue;
    }
    const pageBytes = bilevel
      ? await sharp(bytes, { page })
          .toColourspace('b-w')
          .threshold(128)
          .toColourspace('b-w')
          .tiff({
            compression: 'ccittfax4',
            bitdepth: 1,
            ...(dpi ? { xres: dpi / 25.4, yres: dpi / 25.4 } : {}),
          })
          .toBuffer()
      : await sharp(bytes, { page }).png({ compressionLevel: 6 }).toBuffer();
    pages.push({
      bytes: pageBytes,
      mediaType: bilevel ? 'image/tiff' : 'image/png',
      width: pageMeta.width,
      height: pageMeta.height,
      dpi,
      mode,
    });
  }
  return { path: file, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), bytes, pages };
}
