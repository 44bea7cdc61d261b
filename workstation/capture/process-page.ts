import fs from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { BlobStore } from '../../db/blob-store';
import { setJpegDensity } from '../../native/imaging/jpeg-density';
import { findQrTexts } from '../labels/read-labels';
import {
  BLANK_COVERAGE,
  findPaper,
  INK_MAX,
  inkCoverage,
  isPatchT,
  measureSkew,
  type Box,
  type GreyImage,
} from './analysis';
import { colourScore, isColourful } from './colour-content';
import { luma, lumaOf } from './luma';
import { MIN_DPI, profileFor, THUMB_WIDTH, type CaptureProfile } from './profiles';
import { halve, pointSampleWithGrey } from './reduce';
import { keepUncutSides, paperColour, turnAndCrop, turnedSize, TurnArea, type RawImage } from './straighten';

export interface ProcessInput {
  readonly blobRoot: string;
  readonly sha256: string;
  readonly mode: 'color' | 'gray' | 'lineart';
  /** Resolution the capture reported; null: read it from the image (300 when it says nothing). */
  readonly dpi: number | null;
  readonly sm3?: boolean;
  /** Report milliseconds per stage in `stageMs` (profiling; off in production): wall or CPU time. */
  readonly timings?: boolean | 'cpu';
  /**
   * Automatic colour (a `color` page only): the master stays colour when the page carries colour
   * (seals, red headers: `colour-content.ts`), else it is grey.
   */
  readonly autoColour?: boolean;
}

export interface StoredBlob {
  readonly sha256: string;
  readonly sm3: string | null;
  readonly size: number;
  readonly mediaType: string;
}

export interface ProcessOutput {
  readonly master: StoredBlob;
  /** True when the master is the captured original itself (nothing to change, format already right). */
  readonly masterIsOriginal: boolean;
  readonly thumb: StoredBlob;
  readonly width: number;
  readonly height: number;
  readonly dpi: number;
  readonly lowDpi: boolean;
  /** EXIF orientation turned upright, in degrees. */
  readonly orientation: 0 | 90 | 180 | 270;
  /**
   * Did the image say which way is up? Only an EXIF turn does; a scanner cannot know how the sheet lay,
   * so other pages are left to the text-based check (workstation/ocr/orientation.ts) in the background.
   */
  readonly orientationDecided: boolean;
  readonly skewDeg: number;
  readonly deskewed: boolean;
  /** Crop box in the deskewed image, pixels; null when the page had no border to remove. */
  readonly crop: Box | null;
  readonly blankScore: number;
  readonly isBlank: boolean;
  readonly patchT: boolean;
  readonly qrTexts: readonly string[];
  readonly durationMs: number;
  /** Milliseconds per stage, when `timings` was asked for. */
  readonly stageMs?: Readonly<Record<string, number>>;
  /** The colour score (`colour-content.ts`) when automatic colour was asked for, else null. */
  readonly colourScore: number | null;
  /** What the master is: the profile's mode, or grey for an automatic-colour page without colour. */
  readonly masterMode: 'color' | 'gray' | 'lineart';
}

/**
 * Analysis resolution (the issue asks for ≤ 150 dpi): 120 dpi, where the label reader still sees
 * 2.9 px a module on a 2 cm QR label, and skew is still measured to within 0.1°.
 */
export const ANALYSIS_DPI = 120;
/** Skew under this is left alone: re-sampling costs sharpness for no visible gain. */
export const DESKEW_MIN_DEG = 0.2;
/** Margin kept outside the paper's edge when cropping a dark border (DA/T 31: 2–3 mm). */
export const CROP_MARGIN_MM = 2.5;

const EXIF_ROTATION: Readonly<Record<number, 0 | 90 | 180 | 270>> = { 3: 180, 6: 90, 8: 270 };

/**
 * What a worker reuses from page to page: the area the master is turned in (20–60 MB: allocating and
 * freeing that per page is what grows the process, glibc keeping freed blocks of that size in its
 * arenas), the one the analysis copy is turned in, and the analysis copy's buffer. Fewer large
 * allocations per page also means fewer full garbage collections, which cost 2–23 ms each. The turned
 * master is a view of its area until its encoding ends, and the page holds the workspace until then. A
 * second page processed at the same time in this thread (not the pool's way, but possible) gets a
 * workspace of its own.
 */
interface Workspace {
  readonly master: TurnArea;
  readonly view: TurnArea;
  sample: Uint8Array;
  /** The full page's grey, for a 自动 page whose master comes out grey. */
  luma: Uint8Array;
}

let workspace: Workspace | undefined;
let workspaceBusy = false;

function takeWorkspace(): { space: Workspace; release: () => void } {
  const fresh = (): Workspace => ({
    master: new TurnArea(),
    view: new TurnArea(),
    sample: new Uint8Array(0),
    luma: new Uint8Array(0),
  });
  if (workspaceBusy) return { space: fresh(), release: () => undefined };
  workspaceBusy = true;
  return {
    space: (workspace ??= fresh()),
    release: () => {
      workspaceBusy = false;
    },
  };
}

/**
 * Processes one captured page (runs in a worker thread): reads the original blob and decodes it once,
 * turned upright by its EXIF orientation, into the channels of the profile (grey for grey and line art,
 * RGB for colour). Skew, the paper's box, ink coverage, a Patch-T barcode and QR codes are measured on a
 * ≤ 150 dpi copy point-sampled from that decoded page; the master (deskewed only above DESKEW_MIN_DEG,
 * cropped to the paper plus a 2.5 mm margin, encoded per profile) is cut from the same decoded page, and
 * the thumbnail from the analysis copy. Both are new blobs; the original is never modified. Blob writes are
 * durable (fsynced) before this returns.
 */
export async function processPage(input: ProcessInput): Promise<ProcessOutput> {
  const { space, release } = takeWorkspace();
  const pending: Promise<unknown>[] = [];
  try {
    return await processIn(space, input, pending);
  } finally {
    // The encodings may still read the workspace when another step failed: wait for them.
    await Promise.allSettled(pending);
    release();
  }
}

async function processIn(
  space: Workspace,
  input: ProcessInput,
  pending: Promise<unknown>[],
): Promise<ProcessOutput> {
  const clock = stageClock(input.timings ?? false);
  const blobs = new BlobStore(input.blobRoot, { sm3: input.sm3 ?? false });
  const original = fs.readFileSync(blobs.pathOf(input.sha256));
  const meta = await sharp(original).metadata();
  const orientation = EXIF_ROTATION[meta.orientation ?? 1] ?? 0;
  const density = meta.density !== undefined && meta.density >= 100 ? Math.round(meta.density) : undefined;
  const dpi = input.dpi ?? density ?? 300;
  const profile = profileFor(input.mode, dpi);
  clock.lap('read');

  // The one decode: upright, in the profile's channels. Everything else is derived from these pixels.
  const channels = input.mode === 'color' ? 3 : 1;
  let decoder = sharp(original, { sequentialRead: true }).rotate();
  if (meta.hasAlpha) decoder = decoder.flatten({ background: '#ffffff' });
  const decoded = await (channels === 1 ? decoder.toColourspace('b-w') : decoder.toColourspace('srgb'))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const full: RawImage = {
    data: decoded.data,
    width: decoded.info.width,
    height: decoded.info.height,
    channels: decoded.info.channels,
  };
  const { width, height } = full;
  clock.lap('decode');

  // The analysis copy, ≤ 150 dpi: the decoded pixel nearest each cell's centre (see reduce.ts).
  const scale = Math.min(1, ANALYSIS_DPI / dpi);
  const smallW = Math.max(1, Math.round(width * scale));
  const smallH = Math.max(1, Math.round(height * scale));
  if (space.sample.length < smallW * smallH * channels)
    space.sample = new Uint8Array(smallW * smallH * channels);
  const { pixels: sampled, grey: greyData } = pointSampleWithGrey(full, smallW, smallH, space.sample);
  const small = { data: sampled.data, info: rawInfo(sampled) };
  const grey: GreyImage = { data: greyData, width: smallW, height: smallH };
  const analysisDpi = dpi * (small.info.width / width);
  const minBorderPx = Math.max(2, Math.round(analysisDpi / 25.4)); // 1 mm
  clock.lap('downsample');
  // Every image and box below is a literal of one shape: a spread copy gets a shape of its own, and a
  // second shape at a call makes V8 throw away and remake the callee's optimized code (paperColour was
  // remade every other page).
  const greyRaw: RawImage = { data: grey.data, width: grey.width, height: grey.height, channels: 1 };
  const paperBefore = findPaper(greyRaw, minBorderPx);
  const skewDeg = measureSkew(greyRaw, paperBefore ?? fullBox(grey));
  const deskewed = Math.abs(skewDeg) >= DESKEW_MIN_DEG;
  clock.lap('skew');

  // What the turn uncovers: in the master always the paper's colour (a black wedge there would be a
  // mark never on the paper); in the analysis copy black when the scan shows a backing (so the crop
  // finds the paper as before), else the paper's colour too (a sheet filling the scan has no border).
  const info = rawInfo(small.info);
  const smallRaw: RawImage = {
    data: small.data,
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
  const fill = deskewed ? paperColour(smallRaw, paperBefore ?? fullBox(grey), INK_MAX) : [255];
  // Automatic colour: measured on the RGB analysis copy (~1 ms); a page without colour gets a grey master.
  const colour = input.autoColour && input.mode === 'color' ? colourScore(smallRaw) : null;
  const masterMode = colour !== null && !isColourful(colour) ? 'gray' : input.mode;
  const masterProfile = masterMode === input.mode ? profile : profileFor(masterMode, dpi);
  const viewFill = paperBefore || !deskewed ? 0 : (paperColour(greyRaw, fullBox(grey), INK_MAX)[0] ?? 255);
  // The analysis copy after deskew, for the crop box and the blank score.
  const turned = turnedSize(grey.width, grey.height, -skewDeg);
  const view: GreyImage = deskewed
    ? turnAndCrop(
        greyRaw,
        -skewDeg,
        { left: 0, top: 0, width: turned.width, height: turned.height },
        space.view,
        viewFill,
      )
    : greyRaw;
  const found = findPaper(view, minBorderPx);
  const paper = found && deskewed ? keepUncutSides(found, paperBefore, grey, view, minBorderPx) : found;
  const content = paper ?? fullBox(view);
  const blankScore = Math.round(inkCoverage(view, content) * 1000) / 1000;
  const isBlank = blankScore < BLANK_COVERAGE;
  const patchT = !isBlank && isPatchT(view);
  clock.lap('analyse');

  // Full-resolution geometry: the deskewed canvas grows; map the analysis box onto it.
  const canvas = deskewed ? turnedSize(width, height, -skewDeg) : { width, height };
  const fullW = canvas.width;
  const fullH = canvas.height;
  let crop: Box | null = null;
  if (paper) {
    const k = fullW / view.width;
    const kY = fullH / view.height || k;
    const margin = Math.round((CROP_MARGIN_MM * dpi) / 25.4);
    const left = Math.max(0, Math.floor(paper.left * k) - margin);
    const top = Math.max(0, Math.floor(paper.top * kY) - margin);
    const right = Math.min(fullW, Math.ceil((paper.left + paper.width) * k) + margin);
    const bottom = Math.min(fullH, Math.ceil((paper.top + paper.height) * kY) + margin);
    if (left > 0 || top > 0 || right < fullW || bottom < fullH) {
      crop = { left, top, width: right - left, height: bottom - top };
    }
  }

  // An original that needs no change and already is the profile's format stays the master as it is.
  const originalFits =
    orientation === 0 &&
    !deskewed &&
    crop === null &&
    ((profile.master === 'tiff-g4' && meta.format === 'tiff' && meta.bitsPerSample === 1) ||
      (profile.master === 'jpeg' &&
        meta.format === 'jpeg' &&
        (masterMode === 'color') === (meta.channels === 3)));
  const box = crop ? clampBox(crop, fullW, fullH) : { left: 0, top: 0, width: fullW, height: fullH };
  // The master is turned here and encoded on a libvips thread, while this thread reads the QR codes and
  // makes the thumbnail; its blob is written (fsynced) while the thumbnail encodes. With stage timings
  // asked for, each step finishes before the next, so that every stage has its own time.
  // A 自动 page without colour: its grey is made before the turn (a third of the bytes to turn; libvips's
  // own sRGB-to-grey on encoding cost ~40 ms a page, see luma.ts).
  const toGrey = masterMode === 'gray' && full.channels === 3;
  if (toGrey && space.luma.length < width * height) space.luma = new Uint8Array(width * height);
  const masterPixels: RawImage = toGrey
    ? { data: lumaOf(full.data, space.luma), width, height, channels: 1 }
    : full;
  const encoding = originalFits
    ? null
    : encodeMaster(masterPixels, masterProfile, space.master, {
        turnDeg: deskewed ? -skewDeg : 0,
        box,
        cropped: crop !== null,
        fill: toGrey ? [luma(fill[0] ?? 255, fill[1] ?? 255, fill[2] ?? 255)] : fill,
      });
  if (encoding) pending.push(encoding);
  if (deskewed) clock.lap('deskew');
  if (input.timings) await encoding;
  clock.lap('encode');
  // QR codes (our labels, the licence's own code) through the label reader, on the grey analysis copy.
  const qrTexts = isBlank ? [] : findQrTexts(view, analysisDpi);
  clock.lap('qr');
  // Thumbnail from the analysis copy, turned and cropped like the master. A grey one is cut from the
  // turned grey copy already made (saves halving and turning another copy, ~3 ms) unless the crop reaches
  // a side where that copy's uncovered corners are black and the master's the paper's colour.
  const cropInside =
    crop !== null &&
    crop.left > 0 &&
    crop.top > 0 &&
    crop.left + crop.width < fullW &&
    crop.top + crop.height < fullH;
  const sameCorners = !deskewed || !paperBefore || cropInside;
  const thumbnailing =
    masterMode !== 'color' && sameCorners
      ? thumbnailOf(view, crop, canvas)
      : thumbnail(smallRaw, deskewed ? -skewDeg : 0, crop, canvas, fill, masterMode === 'gray');
  thumbnailing.catch(() => undefined); // awaited below; a failure must not surface unhandled meanwhile
  pending.push(thumbnailing);
  if (input.timings) await thumbnailing;
  clock.lap('thumbnail');
  const master: StoredBlob = encoding
    ? put(blobs, await encoding, profile.master === 'tiff-g4' ? 'image/tiff' : 'image/jpeg')
    : { sha256: input.sha256, sm3: null, size: original.length, mediaType: mediaOf(meta.format) };
  const thumb = put(blobs, await thumbnailing, 'image/jpeg');
  clock.lap('write');

  return {
    master,
    masterIsOriginal: originalFits,
    thumb,
    width: originalFits ? width : box.width,
    height: originalFits ? height : box.height,
    dpi,
    lowDpi: dpi < MIN_DPI,
    orientation,
    orientationDecided: orientation !== 0,
    skewDeg,
    deskewed,
    crop,
    blankScore,
    isBlank,
    patchT,
    qrTexts,
    colourScore: colour,
    masterMode,
    durationMs: Math.round(clock.total()),
    ...(input.timings ? { stageMs: clock.stages() } : {}),
  };
}

/**
 * The master's bytes: the decoded page turned by `turnDeg` (none: 0), of the turned canvas `box`
 * (when `cropped`, else the whole canvas), encoded per profile. The turn runs before this returns, in
 * `area` (whose view the encoder then reads: the caller keeps the area until the encoding ends); the
 * encoding runs on a libvips thread. The returned promise is already marked handled, so that a failure
 * while the caller does other work is not an unhandled rejection; awaiting it still throws.
 */
function encodeMaster(
  full: RawImage,
  profile: CaptureProfile,
  area: TurnArea,
  shape: { turnDeg: number; box: Box; cropped: boolean; fill: readonly number[] },
): Promise<Buffer> {
  const { turnDeg, box } = shape;
  let img: Sharp;
  if (turnDeg) {
    // Turn and crop in one pass over the kept pixels only (below the threshold nothing is resampled).
    const turned = turnAndCrop(full, turnDeg, box, area, shape.fill);
    img = sharp(turned.data, { raw: rawInfo(turned) });
  } else {
    img = sharp(full.data, { raw: rawInfo(full) });
    if (shape.cropped) img = img.extract(box);
  }
  const dpi = profile.dpi;
  const encoded =
    profile.master === 'tiff-g4'
      ? img
          .threshold(128)
          .toColourspace('b-w')
          .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: dpi / 25.4, yres: dpi / 25.4 })
          .toBuffer()
      : asChannels(img, profile.mode === 'gray' ? 1 : full.channels)
          .jpeg({ quality: profile.jpegQuality })
          .toBuffer()
          .then((bytes) => setJpegDensity(bytes, dpi));
  encoded.catch(() => undefined);
  return encoded;
}

/**
 * Milliseconds per processing stage, kept only when asked for (DANGAN_CAPTURE_TIMINGS / `timings`):
 * wall time, or with 'cpu' the process's CPU time (all threads, so only meaningful while one page is
 * processed at a time, as in a profiling run; the machine's load does not distort it).
 */
function stageClock(mode: boolean | 'cpu') {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const now = mode === 'cpu' ? cpuNow : () => performance.now();
  const started = performance.now();
  let last = now();
  const stages: Record<string, number> = {};
  return {
    lap(name: string): void {
      if (mode === false) return;
      const t = now();
      stages[name] = (stages[name] ?? 0) + Math.round((t - last) * 10) / 10;
      last = t;
    },
    stages: (): Readonly<Record<string, number>> => stages,
    total: (): number => performance.now() - started,
  };
}

/**
 * The thumbnail (THUMB_WIDTH wide, JPEG q75) from the analysis copy: halved while it stays over 1.5
 * times the thumbnail's width, so that the turn and crop (given on the full-resolution canvas) cost
 * little, then resized and encoded by libvips.
 */
function thumbnail(
  small: RawImage,
  turnDeg: number,
  crop: Box | null,
  canvas: { width: number; height: number },
  fill: readonly number[],
  grey = false,
): Promise<Buffer> {
  let base = small;
  while (base.width >= THUMB_WIDTH * 3) base = halve(base);
  const here = turnDeg !== 0 ? turnedSize(base.width, base.height, turnDeg) : base;
  const kx = here.width / canvas.width;
  const ky = here.height / canvas.height;
  const box = clampBox(
    crop ? scaleBox(crop, kx, ky) : { left: 0, top: 0, width: here.width, height: here.height },
    here.width,
    here.height,
  );
  let img: Sharp;
  if (turnDeg !== 0) {
    const turned = turnAndCrop(base, turnDeg, box, undefined, fill);
    img = sharp(turned.data, { raw: rawInfo(turned) });
  } else {
    img = sharp(base.data, { raw: rawInfo(base) }).extract(box);
  }
  return asChannels(img, grey ? 1 : base.channels)
    .resize({ width: THUMB_WIDTH })
    .jpeg({ quality: 75 })
    .toBuffer();
}

/** The grey thumbnail cut from the analysis copy `view`, already turned like the master (or unturned). */
function thumbnailOf(
  view: GreyImage,
  crop: Box | null,
  canvas: { width: number; height: number },
): Promise<Buffer> {
  const box = clampBox(
    crop ? scaleBox(crop, view.width / canvas.width, view.height / canvas.height) : fullBox(view),
    view.width,
    view.height,
  );
  return sharp(view.data, { raw: { width: view.width, height: view.height, channels: 1 } })
    .extract(box)
    .toColourspace('b-w')
    .resize({ width: THUMB_WIDTH })
    .jpeg({ quality: 75 })
    .toBuffer();
}

function scaleBox(b: Box, kx: number, ky: number): Box {
  return {
    left: Math.floor(b.left * kx),
    top: Math.floor(b.top * ky),
    width: Math.round(b.width * kx),
    height: Math.round(b.height * ky),
  };
}

/** sharp turns a one-channel raw image into sRGB on output unless told that it is grey. */
function asChannels(img: Sharp, channels: number): Sharp {
  return channels === 1 ? img.toColourspace('b-w') : img;
}

function rawInfo(img: Omit<RawImage, 'data'>): { width: number; height: number; channels: 1 | 3 } {
  return { width: img.width, height: img.height, channels: img.channels === 1 ? 1 : 3 };
}

function put(blobs: BlobStore, bytes: Buffer, mediaType: string): StoredBlob {
  const r = blobs.put(bytes);
  return { sha256: r.sha256, sm3: r.sm3, size: r.size, mediaType };
}

function mediaOf(format: string | undefined): string {
  return format === 'jpeg'
    ? 'image/jpeg'
    : format === 'png'
      ? 'image/png'
      : format === 'tiff'
        ? 'image/tiff'
        : 'application/octet-stream';
}

function fullBox(img: GreyImage): Box {
  return { left: 0, top: 0, width: img.width, height: img.height };
}

function clampBox(b: Box, width: number, height: number): Box {
  const left = Math.min(Math.max(0, b.left), width - 1);
  const top = Math.min(Math.max(0, b.top), height - 1);
  return {
    left,
    top,
    width: Math.max(1, Math.min(b.width, width - left)),
    height: Math.max(1, Math.min(b.height, height - top)),
  };
}
