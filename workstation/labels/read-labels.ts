import jsQR from 'jsqr';
import sharp from 'sharp';
import { decodeLabel } from '../../core/labels/label-codec';
import type { LabelDecodeFailure, VolumeLabel } from '../../core/labels/label-codec';
import type { Text } from '../../core/text';
import { codeRegions, findFindersInGrey } from './finder-patterns';
import type { CodeRegion, GreyImage } from './finder-patterns';

/**
 * Finding our volume label on a scanned page.
 *
 * The page is read once in greyscale at DETECTION_DPI, where a 2 cm label (QR version 4, 33 modules)
 * has 2.9 px a module. finder-patterns.ts locates the codes (any rotation: the four orientations and
 * any tilt) and jsQR decodes each one from a small crop. jsQR on a whole page is slow on text (hundreds
 * of ms, seconds at 300 dpi) and fails when two codes are in view (research/dependencies.md §5; the
 * benchmark keeps it as the baseline). `thorough` adds whole-page jsQR passes at higher resolutions for
 * the few pages where a label is required (the cover in verification).
 */

/** Resolution the page is read at: 20 mm / 33 modules × 120 dpi / 25.4 mm ≈ 2.9 px a module. */
export const DETECTION_DPI = 120;
/** Resolutions of the whole-page passes `thorough` adds when nothing was found. */
export const THOROUGH_DPIS: readonly number[] = [160, 200];
/** Codes read from one page at most. */
export const MAX_CODES = 6;
/** Candidate regions tried on one page at most (finder-like strokes of text can form false corners). */
export const MAX_REGIONS = 24;
/** Bands a page is read in by the whole-page passes, and their overlap (a 3 cm code tilted 15°). */
export const BANDS = 3;
export const BAND_OVERLAP_MM = 45;
/** Scanner resolution assumed when the image does not say. */
export const ASSUMED_SCAN_DPI = 300;
/** Largest QR module looked for: the 6 cm code of the cover sheet has 1.8 mm modules. */
const MAX_MODULE_MM = 2.5;

export interface ForeignCode {
  /** Symbology; jsQR reads QR codes only. */
  readonly format: 'qr';
  readonly text: string;
}

export interface DamagedLabel {
  readonly text: string;
  readonly reason: Exclude<LabelDecodeFailure, 'foreign'>;
  readonly message: Text;
}

export interface LabelReading {
  /** Our labels, each once, in the order found. */
  readonly labels: readonly VolumeLabel[];
  /** Codes that are not ours (a business licence's QR, …): recorded, never acted on. */
  readonly foreign: readonly ForeignCode[];
  /** Codes that start like ours but do not check (or come from a newer format). */
  readonly damaged: readonly DamagedLabel[];
}

export interface ReadLabelsOptions {
  /** Resolution of the scan; default: the image's own density, else ASSUMED_SCAN_DPI. */
  readonly dpi?: number;
  /** Also try whole-page passes at THOROUGH_DPIS when nothing is found (for verification). */
  readonly thorough?: boolean;
}

export interface DetectionImage extends GreyImage {
  /** Resolution of this image. */
  readonly dpi: number;
  /** This image's size relative to the scan. */
  readonly scale: number;
}

/** The page scaled to `targetDpi`, one grey byte a pixel. */
export async function detectionImage(
  input: Buffer | string,
  options: { dpi?: number; targetDpi?: number } = {},
): Promise<DetectionImage> {
  const image = sharp(input, { failOn: 'error' });
  const meta = await image.metadata();
  // JPEG writers put 72 dpi (or nothing) into files whose resolution they do not know.
  const density = meta.density !== undefined && meta.density >= 100 ? meta.density : undefined;
  const dpi = options.dpi ?? density ?? ASSUMED_SCAN_DPI;
  const scale = Math.min(1, (options.targetDpi ?? DETECTION_DPI) / dpi);
  const pipeline = scale < 1 ? image.resize({ width: Math.max(1, Math.round(meta.width * scale)) }) : image;
  const { data, info } = await pipeline
    .flatten({ background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 grey channel, got ${info.channels}`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    dpi: dpi * scale,
    scale,
  };
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A rectangle of a grey image as RGBA (what jsQR takes), optionally enlarged `zoom` times (bilinear). */
function rgbaCrop(
  image: GreyImage,
  r: Rect,
  zoom = 1,
): { data: Uint8ClampedArray; width: number; height: number } {
  const width = Math.round(r.width * zoom);
  const height = Math.round(r.height * zoom);
  const data = new Uint8ClampedArray(width * height * 4);
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, r.y + (y + 0.5) / zoom - 0.5);
    const y0 = Math.max(0, Math.floor(sy));
    const y1 = Math.min(image.height - 1, y0 + 1);
    const fy = Math.max(0, sy - y0);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, r.x + (x + 0.5) / zoom - 0.5);
      const x0 = Math.max(0, Math.floor(sx));
      const x1 = Math.min(image.width - 1, x0 + 1);
      const fx = Math.max(0, sx - x0);
      const top = (src[y0 * image.width + x0] ?? 255) * (1 - fx) + (src[y0 * image.width + x1] ?? 255) * fx;
      const bottom =
        (src[y1 * image.width + x0] ?? 255) * (1 - fx) + (src[y1 * image.width + x1] ?? 255) * fx;
      const v = top * (1 - fy) + bottom * fy;
      const o = (y * width + x) * 4;
      data[o] = v;
      data[o + 1] = v;
      data[o + 2] = v;
      data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

function decodeRegion(image: GreyImage, region: CodeRegion): string | null {
  // jsQR samples modules more surely at ≥ 4 px a module: enlarge small codes' crops.
  const zoom = region.module < 4 ? Math.min(3, 4 / region.module) : 1;
  for (const z of zoom > 1 ? [zoom, 1] : [1]) {
    const crop = rgbaCrop(image, region, z);
    const code = jsQR(crop.data, crop.width, crop.height, { inversionAttempts: 'dontInvert' });
    if (code) return code.data;
  }
  return null;
}

/** The texts of the QR codes on a grey page image (at most MAX_CODES), located by their finder patterns. */
export function findQrTexts(image: GreyImage, dpi = DETECTION_DPI): string[] {
  const finders = findFindersInGrey(image, (MAX_MODULE_MM * dpi) / 25.4);
  const texts: string[] = [];
  const used = new Set<number>();
  let attempts = 0;
  for (const region of codeRegions(finders, image.width, image.height)) {
    if (texts.length >= MAX_CODES || attempts >= MAX_REGIONS) break;
    if (region.finders.some((f) => used.has(f))) continue;
    attempts++;
    const t = decodeRegion(image, region);
    if (t === null) continue;
    // Only a decoded code claims its finders: a false corner sharing one must not hide a real code.
    for (const f of region.finders) used.add(f);
    if (!texts.includes(t)) texts.push(t);
  }
  return texts;
}

/**
 * BANDS overlapping bands across the long side of the page: the whole-page jsQR pass of `thorough`
 * mode, which reads one code per call and fails when two codes are in view, so codes in different
 * bands are read apart.
 */
function bands(width: number, height: number, pxPerMm: number): Rect[] {
  const long = Math.max(width, height);
  const overlap = Math.min(long, Math.round(BAND_OVERLAP_MM * pxPerMm));
  const size = Math.min(long, Math.ceil((long + (BANDS - 1) * overlap) / BANDS));
  const out: Rect[] = [];
  for (let i = 0; i < BANDS; i++) {
    const start = Math.min(long - size, i * (size - overlap));
    out.push(
      width >= height ? { x: start, y: 0, width: size, height } : { x: 0, y: start, width, height: size },
    );
  }
  return out;
}

/** Whole-page jsQR, band by band (slow; for `thorough`). */
export function findQrTextsWholePage(image: GreyImage, dpi: number): string[] {
  const texts: string[] = [];
  for (const band of bands(image.width, image.height, dpi / 25.4)) {
    const crop = rgbaCrop(image, band);
    const code = jsQR(crop.data, crop.width, crop.height, { inversionAttempts: 'dontInvert' });
    if (code && !texts.includes(code.data)) texts.push(code.data);
  }
  return texts;
}

/** Sort decoded texts into our labels, foreign codes and damaged labels. */
export function classifyCodes(texts: readonly string[]): LabelReading {
  const labels: VolumeLabel[] = [];
  const foreign: ForeignCode[] = [];
  const damaged: DamagedLabel[] = [];
  for (const t of texts) {
    const result = decodeLabel(t);
    if (result.ok) {
      if (
        !labels.some((l) => l.volumeId === result.label.volumeId && l.archiveNo === result.label.archiveNo)
      ) {
        labels.push(result.label);
      }
    } else if (result.reason === 'foreign') {
      if (!foreign.some((f) => f.text === t)) foreign.push({ format: 'qr', text: t });
    } else if (!damaged.some((d) => d.text === t)) {
      damaged.push({ text: t, reason: result.reason, message: result.message });
    }
  }
  return { labels, foreign, damaged };
}

/** Read the labels on a grey image already at the detection resolution (for workers and the benchmark). */
export function readLabelsFromImage(image: GreyImage, dpi = DETECTION_DPI): LabelReading {
  return classifyCodes(findQrTexts(image, dpi));
}

/** Read our labels (and record foreign codes) on a scanned page: an image file path or its bytes. */
export async function readLabels(
  input: Buffer | string,
  options: ReadLabelsOptions = {},
): Promise<LabelReading> {
  const base = options.dpi === undefined ? {} : { dpi: options.dpi };
  const image = await detectionImage(input, base);
  const texts = findQrTexts(image, image.dpi);
  const first = classifyCodes(texts);
  if (!options.thorough || first.labels.length > 0 || first.damaged.length > 0) return first;
  for (const targetDpi of THOROUGH_DPIS) {
    const finer = await detectionImage(input, { ...base, targetDpi });
    const again = classifyCodes([
      ...texts,
      ...findQrTexts(finer, finer.dpi),
      ...findQrTextsWholePage(finer, finer.dpi),
    ]);
    if (again.labels.length > 0 || again.damaged.length > 0) return again;
    if (finer.scale === 1) break;
  }
  return first;
}
