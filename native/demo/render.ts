import sharp from 'sharp';
import type { ColorMode, ImageMediaType } from '../../core/scanning/driver';
import { setJpegDensity } from '../imaging/jpeg-density';
import type { Random } from './random';
import { svgPage } from './svg';

export interface RenderOptions {
  readonly dpi: number;
  readonly mode: ColorMode;
  /** Scan area; the sheet is A4 placed in it with a small offset and skew. */
  readonly widthMm: number;
  readonly heightMm: number;
  /** Colour behind the sheet where it does not cover the scan area (feeders: dark; flatbed lid: white). */
  readonly backing: string;
  readonly random: Random;
}

export interface RenderedPage {
  readonly bytes: Buffer;
  readonly mediaType: ImageMediaType;
  readonly width: number;
  readonly height: number;
  readonly skewDeg: number;
}

const MM_PER_INCH = 25.4;
const NOISE_TILE = 256;

export function mmToPx(mm: number, dpi: number): number {
  return Math.round((mm * dpi) / MM_PER_INCH);
}

/** A tile of paper grain and sensor noise from the seeded generator (sharp's own noise is not seeded). */
function noiseTile(random: Random, channels: 1 | 3): Buffer {
  const tile = Buffer.alloc(NOISE_TILE * NOISE_TILE * channels);
  for (let i = 0; i < NOISE_TILE * NOISE_TILE; i++) {
    // Sum of three uniforms: roughly Gaussian around mid-grey, σ ≈ 9 levels.
    const v = 128 + (random.next() + random.next() + random.next() - 1.5) * 18;
    const speck = random.next() < 0.0004 ? -90 : 0; // the odd dust speck
    for (let c = 0; c < channels; c++)
      tile[i * channels + c] = Math.max(0, Math.min(255, Math.round(v + speck)));
  }
  return tile;
}

/**
 * Renders one sheet side as a scanner would deliver it: the SVG drawn on off-white paper, placed in the
 * scan area with an offset and a slight skew, grain and noise added, then encoded for the colour mode
 * (JPEG for colour and grey, CCITT G4 TIFF for line art).
 */
export async function renderSheet(bodySvg: string, o: RenderOptions): Promise<RenderedPage> {
  const paperW = mmToPx(210, o.dpi);
  const paperH = mmToPx(297, o.dpi);
  const areaW = mmToPx(o.widthMm, o.dpi);
  const areaH = mmToPx(o.heightMm, o.dpi);
  const skewDeg = Math.round(o.random.between(-1.6, 1.6) * 100) / 100;
  const offsetX = mmToPx(o.random.between(-2.5, 2.5), o.dpi);
  const offsetY = mmToPx(o.random.between(-2.5, 2.5), o.dpi);

  const paper = await sharp(Buffer.from(svgPage(bodySvg, paperW, paperH)))
    .flatten({ background: '#ffffff' })
    .rotate(skewDeg, { background: o.backing })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Place the rotated sheet's centre at the area's centre plus the offset, on the backing colour.
  const left = Math.round((areaW - paper.info.width) / 2) + offsetX;
  const top = Math.round((areaH - paper.info.height) / 2) + offsetY;
  const cropLeft = Math.max(0, -left);
  const cropTop = Math.max(0, -top);
  const visibleW = Math.min(paper.info.width - cropLeft, areaW - Math.max(0, left));
  const visibleH = Math.min(paper.info.height - cropTop, areaH - Math.max(0, top));
  const sheet = await sharp(paper.data, { raw: paper.info })
    .extract({ left: cropLeft, top: cropTop, width: visibleW, height: visibleH })
    .raw()
    .toBuffer({ resolveWithObject: true });

  const composed = await sharp({
    create: { width: areaW, height: areaH, channels: 3, background: o.backing },
  })
    .composite([
      { input: sheet.data, raw: sheet.info, left: Math.max(0, left), top: Math.max(0, top) },
      {
        input: noiseTile(o.random, 3),
        raw: { width: NOISE_TILE, height: NOISE_TILE, channels: 3 },
        tile: true,
        blend: 'soft-light',
      },
    ])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Colour-space changes apply before compositing in sharp, so the composite is flattened first.
  let img = sharp(composed.data, { raw: composed.info });
  if (o.mode !== 'color') img = img.toColourspace('b-w');
  if (o.mode === 'lineart') {
    const bytes = await img
      .threshold(150)
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: o.dpi / MM_PER_INCH, yres: o.dpi / MM_PER_INCH })
      .toBuffer();
    return { bytes, mediaType: 'image/tiff', width: areaW, height: areaH, skewDeg };
  }
  const bytes = setJpegDensity(await img.jpeg({ quality: 88 }).toBuffer(), o.dpi);
  return { bytes, mediaType: 'image/jpeg', width: areaW, height: areaH, skewDeg };
}
