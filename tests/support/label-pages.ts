import sharp from 'sharp';
import { qrPixels } from '../../workstation/labels/qr-matrix';

/**
 * Synthetic scanned pages carrying QR codes, for the label reader's tests and benchmark: an A4 sheet
 * with paper grain, lines of character-like strokes and a table, QR codes pasted as white stickers, then
 * turned (90/180/270 and a tilt), softened like scanner optics and saved as JPEG with its dpi.
 * Seeded: the same options give the same bytes.
 */

export interface PageCode {
  readonly payload: string;
  /** Side of the QR symbol without its quiet zone, mm. */
  readonly sizeMm: number;
  /** Top-left corner of the sticker on the upright page, mm. */
  readonly xMm: number;
  readonly yMm: number;
}

export interface PageOptions {
  readonly seed: number;
  readonly codes: readonly PageCode[];
  readonly dpi?: number;
  /** Quarter turns and tilt, degrees (clockwise). */
  readonly rotate?: 0 | 90 | 180 | 270;
  readonly tiltDeg?: number;
  readonly format?: 'jpeg' | 'png';
  readonly channels?: 1 | 3;
}

const A4_MM = { width: 210, height: 297 } as const;

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const px = (mm: number, dpi: number) => Math.round((mm * dpi) / 25.4);

/** Greyscale A4 page: grain, a title, paragraphs of stroke "characters", a ruled table. */
function paper(dpi: number, random: () => number): { data: Buffer; width: number; height: number } {
  const width = px(A4_MM.width, dpi);
  const height = px(A4_MM.height, dpi);
  const data = Buffer.alloc(width * height);
  // Grain from a seeded table of roughly Gaussian values (σ ≈ 7 levels), cheaper than three draws a pixel.
  const grain = Array.from({ length: 4096 }, () => 238 + (random() + random() + random() - 1.5) * 14);
  for (let i = 0; i < data.length; i++) data[i] = grain[Math.floor(random() * 4096)] ?? 238;
  const ink = (x0: number, y0: number, w: number, h: number) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++)
        data[y * width + x] = 30 + random() * 40;
    }
  };
  const char = (x: number, y: number, size: number) => {
    const stroke = Math.max(2, Math.round(size / 12));
    const strokes = 3 + Math.floor(random() * 6);
    for (let s = 0; s < strokes; s++) {
      const horizontal = random() < 0.55;
      const a = Math.floor(random() * (size - stroke));
      const b = Math.floor(random() * size * 0.5);
      const len = Math.floor(size * (0.3 + random() * 0.7)) - b;
      if (horizontal) ink(x + b, y + a, Math.max(stroke, len), stroke);
      else ink(x + a, y + b, stroke, Math.max(stroke, len));
    }
  };
  const line = (y: number, size: number, x0: number, x1: number) => {
    for (let x = x0; x + size < x1; x += Math.round(size * 1.1)) if (random() > 0.08) char(x, y, size);
  };
  const margin = px(25, dpi);
  const title = px(8, dpi);
  line(px(30, dpi), title, px(60, dpi), width - px(60, dpi));
  const body = px(4.2, dpi);
  let y = px(50, dpi);
  for (let row = 0; row < 18; row++, y += Math.round(body * 1.8)) line(y, body, margin, width - margin);
  // A ruled table in the lower half.
  const t0 = y + px(10, dpi);
  const rule = Math.max(2, px(0.3, dpi));
  for (let r = 0; r <= 8; r++) ink(margin, t0 + r * px(12, dpi), width - 2 * margin, rule);
  for (const c of [0, 0.3, 1]) ink(margin + Math.round(c * (width - 2 * margin)), t0, rule, 8 * px(12, dpi));
  for (let r = 0; r < 8; r++)
    line(t0 + r * px(12, dpi) + px(4, dpi), body, margin + px(5, dpi), width - margin);
  return { data, width, height };
}

async function sticker(code: PageCode, dpi: number): Promise<Buffer> {
  const quiet = 2;
  const q = qrPixels(code.payload, 8, quiet);
  const modules = q.width / 8 - 2 * quiet;
  const side = px((code.sizeMm * (modules + 2 * quiet)) / modules, dpi);
  return sharp(Buffer.from(q.data), { raw: { width: q.width, height: q.height, channels: 1 } })
    .resize({ width: side, height: side, kernel: 'linear' })
    .png()
    .toBuffer();
}

/** One synthetic scanned page (JPEG or PNG bytes carrying its dpi). */
export async function syntheticPage(o: PageOptions): Promise<Buffer> {
  const dpi = o.dpi ?? 300;
  const random = seeded(o.seed);
  const sheet = paper(dpi, random);
  const stickers = await Promise.all(
    o.codes.map(async (c) => ({ input: await sticker(c, dpi), left: px(c.xMm, dpi), top: px(c.yMm, dpi) })),
  );
  const flat = await sharp(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 1 } })
    .composite(stickers)
    .png({ compressionLevel: 0 })
    .toBuffer();
  const angle = (o.rotate ?? 0) + (o.tiltDeg ?? 0);
  let image = sharp(flat);
  if (angle !== 0)
    image = sharp(
      await image.rotate(angle, { background: '#f0f0f0' }).png({ compressionLevel: 0 }).toBuffer(),
    );
  image = image.blur(0.6).withDensity(dpi);
  if ((o.channels ?? 3) === 3) image = image.toColourspace('srgb');
  else image = image.toColourspace('b-w').removeAlpha();
  return o.format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 85 }).toBuffer();
}

/** A URL like the one in a business licence's own QR code (National Enterprise Credit Information System). */
export function licenceQrPayload(uscc: string): string {
  return `http://www.gsxt.gov.cn/index.html?uniscid=${uscc}`;
}
