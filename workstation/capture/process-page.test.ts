import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { setJpegDensity } from '../../native/imaging/jpeg-density';
import { tempDir } from '../../tests/support/temp-dir';
import { BACKING_MAX, measureSkew } from './analysis';
import { CROP_MARGIN_MM, processPage } from './process-page';
import { THUMB_WIDTH } from './profiles';

const DPI = 200;
const mmPx = (mm: number) => Math.round((mm * DPI) / 25.4);

/** An A4 sheet with text-like lines at DPI, turned by `skewDeg` on a dark feeder backing of `borderMm`. */
async function scannedSheet(skewDeg: number, borderMm: number): Promise<Sharp> {
  const w = mmPx(210);
  const h = mmPx(297);
  const lines = Array.from(
    { length: 40 },
    (_, i) =>
      `<rect x="${mmPx(25)}" y="${mmPx(30) + i * mmPx(6)}" width="${mmPx(100 + ((i * 37) % 60))}" height="${mmPx(1.2)}" fill="#111"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#f4f4f0"/>${lines}</svg>`;
  const border = mmPx(borderMm);
  let sheet = sharp(Buffer.from(svg)).flatten({ background: '#f4f4f0' });
  if (skewDeg !== 0) sheet = sheet.rotate(skewDeg, { background: '#1c1c1e' });
  const turned = await sheet.raw().toBuffer({ resolveWithObject: true });
  return sharp(turned.data, { raw: turned.info }).extend({
    top: border,
    bottom: border,
    left: border,
    right: border,
    background: '#1c1c1e',
  });
}

function store() {
  const root = path.join(tempDir(), 'blobs');
  return { root, blobs: new BlobStore(root) };
}

/** Columns of backing left of the paper and rows above it, along the middle of a grey image. */
async function margins(bytes: Buffer): Promise<{ left: number; top: number; skew: number }> {
  const { data, info } = await sharp(bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[y * info.width + x] ?? 255;
  let left = 0;
  while (left < info.width && at(left, info.height >> 1) < BACKING_MAX) left++;
  let top = 0;
  while (top < info.height && at(info.width >> 1, top) < BACKING_MAX) top++;
  const grey = { data, width: info.width, height: info.height };
  const skew = measureSkew(grey, { left: 0, top: 0, width: info.width, height: info.height });
  return { left, top, skew };
}

/** The Compression tag (259) of a little-endian TIFF's first directory. */
function tiffCompression(tiff: Buffer): number | null {
  expect(tiff.toString('latin1', 0, 2)).toBe('II');
  const ifd = tiff.readUInt32LE(4);
  const entries = tiff.readUInt16LE(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (tiff.readUInt16LE(at) === 259) return tiff.readUInt16LE(at + 8);
  }
  return null;
}

describe('processPage', () => {
  it('straightens a skewed grey page and crops its dark border to a 2–3 mm margin, keeping the original', async () => {
    const { root, blobs } = store();
    const original = setJpegDensity(
      await (await scannedSheet(1.4, 8)).toColourspace('b-w').jpeg({ quality: 90 }).toBuffer(),
      DPI,
    );
    const put = blobs.put(original);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });

    expect(out.deskewed).toBe(true);
    expect(Math.abs(out.skewDeg - 1.4)).toBeLessThan(0.2);
    expect(out.crop).not.toBeNull();
    expect(out.masterIsOriginal).toBe(false);
    expect(out.master.sha256).not.toBe(put.sha256);
    expect(blobs.read(put.sha256).equals(original)).toBe(true);

    const master = blobs.read(out.master.sha256);
    const meta = await sharp(master).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.channels).toBe(1);
    expect(meta.density).toBe(DPI);
    expect([meta.width, meta.height]).toEqual([out.width, out.height]);
    const m = await margins(master);
    expect(Math.abs(m.skew)).toBeLessThan(0.2);
    expect(CROP_MARGIN_MM).toBeGreaterThanOrEqual(2); // DA/T 31: 2–3 mm outside the page
    expect(CROP_MARGIN_MM).toBeLessThanOrEqual(3);
    for (const px of [m.left, m.top]) {
      expect(px).toBeGreaterThanOrEqual(mmPx(CROP_MARGIN_MM - 0.7));
      expect(px).toBeLessThanOrEqual(mmPx(CROP_MARGIN_MM + 0.7));
    }

    const thumb = await sharp(blobs.read(out.thumb.sha256)).metadata();
    expect(thumb.width).toBe(THUMB_WIDTH);
    expect(thumb.channels).toBe(1);
    // The thumbnail shows the master's proportions.
    expect(Math.abs(thumb.height / THUMB_WIDTH - out.height / out.width)).toBeLessThan(0.02);
  });

  it('keeps an upright, borderless JPEG of the profile’s format as the master itself', async () => {
    const { root, blobs } = store();
    const original = setJpegDensity(
      await (await scannedSheet(0, 0)).toColourspace('b-w').jpeg({ quality: 85 }).toBuffer(),
      DPI,
    );
    const put = blobs.put(original);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
    expect(out.deskewed).toBe(false);
    expect(out.crop).toBeNull();
    expect(out.masterIsOriginal).toBe(true);
    expect(out.master.sha256).toBe(put.sha256);
    // The same page asked for in colour is not in the profile's format: a new colour master.
    const colour = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'color', dpi: DPI });
    expect(colour.masterIsOriginal).toBe(false);
    expect((await sharp(blobs.read(colour.master.sha256)).metadata()).channels).toBe(3);
  });

  it('turns a page upright by its EXIF orientation before anything else', async () => {
    const { root, blobs } = store();
    const sheet = await (await scannedSheet(0, 0))
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    // Stored on its side, with EXIF orientation 6 (turn 90° clockwise to view).
    const sideways = await sharp(sheet.data, { raw: sheet.info })
      .rotate(-90)
      .toColourspace('b-w')
      .jpeg()
      .withMetadata({ orientation: 6, density: DPI })
      .toBuffer();
    const put = blobs.put(sideways);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
    expect(out.orientation).toBe(90);
    expect(out.masterIsOriginal).toBe(false);
    const meta = await sharp(blobs.read(out.master.sha256)).metadata();
    expect([meta.width, meta.height]).toEqual([sheet.info.width, sheet.info.height]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(Math.abs((await margins(blobs.read(out.master.sha256))).skew)).toBeLessThan(0.2);
  });

  it('writes a bilevel page as a CCITT G4 TIFF master, straightened and cropped', async () => {
    const { root, blobs } = store();
    const original = await (
      await scannedSheet(-1.2, 8)
    )
      .toColourspace('b-w')
      .threshold(128)
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: DPI / 25.4, yres: DPI / 25.4 })
      .toBuffer();
    const put = blobs.put(original);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'lineart', dpi: null });
    expect(out.dpi).toBe(DPI);
    expect(out.deskewed).toBe(true);
    expect(out.crop).not.toBeNull();
    expect(out.master.mediaType).toBe('image/tiff');
    const meta = await sharp(blobs.read(out.master.sha256)).metadata();
    expect(meta.format).toBe('tiff');
    expect(tiffCompression(blobs.read(out.master.sha256))).toBe(4); // CCITT T.6 (Group 4)
    expect(meta.bitsPerSample).toBe(1);
    const m = await margins(blobs.read(out.master.sha256));
    expect(Math.abs(m.skew)).toBeLessThan(0.2);
  });

  it('flags an empty sheet blank with its score, and reports stage timings only when asked', async () => {
    const { root, blobs } = store();
    const empty = await sharp({
      create: { width: mmPx(210), height: mmPx(297), channels: 3, background: '#f4f4f0' },
    })
      .jpeg()
      .toBuffer();
    const put = blobs.put(empty);
    const out = await processPage({ blobRoot: root, sha256: put.sha256, mode: 'gray', dpi: DPI });
    expect(out.isBlank).toBe(true);
    expect(out.blankScore).toBeLessThan(0.3);
    expect(out.stageMs).toBeUndefined();
    const timed = await processPage({
      blobRoot: root,
      sha256: put.sha256,
      mode: 'gray',
      dpi: DPI,
      timings: true,
    });
    expect(Object.keys(timed.stageMs ?? {})).toEqual(
      expect.arrayContaining(['decode', 'downsample', 'skew', 'thumbnail']),
    );
  });
});
