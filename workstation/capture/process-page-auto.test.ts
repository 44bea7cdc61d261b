import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { tempDir } from '../../tests/support/temp-dir';
import { processPage } from './process-page';

// processPage with automatic colour, on colour originals that need no straightening or crop (the branch
// where an original that fits becomes the master as it is).

const W = 1654; // A4 at 200 dpi, filling the scan: nothing to crop
const H = 2339;

async function colourOriginal(seal: boolean): Promise<Buffer> {
  const lines = Array.from(
    { length: 30 },
    (_, i) =>
      `<rect x="200" y="${300 + i * 55}" width="${900 + ((i * 97) % 300)}" height="12" fill="#151515"/>`,
  ).join('');
  const stamp = seal
    ? '<circle cx="1200" cy="1900" r="160" fill="none" stroke="#d2231c" stroke-width="9"/><circle cx="1200" cy="1900" r="40" fill="#d2231c"/>'
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#fbfaf5"/>${lines}${stamp}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#fbfaf5' }).jpeg({ quality: 85 }).toBuffer();
}

async function run(seal: boolean, autoColour: boolean) {
  const root = path.join(tempDir(), 'blobs');
  const blobs = new BlobStore(root);
  const original = blobs.put(await colourOriginal(seal));
  const out = await processPage({
    blobRoot: root,
    sha256: original.sha256,
    mode: 'color',
    dpi: 200,
    autoColour,
  });
  const master = await sharp(blobs.read(out.master.sha256)).metadata();
  const thumb = await sharp(blobs.read(out.thumb.sha256)).metadata();
  return { out, original, master, thumb, blobs: (sha: string) => blobs.read(sha) };
}

describe('processPage with automatic colour', () => {
  it('a sealed page keeps its colour original as the master', async () => {
    const { out, original, master } = await run(true, true);
    expect(out.masterMode).toBe('color');
    expect(out.colourScore).toBeGreaterThan(0.03);
    expect(out.masterIsOriginal).toBe(true);
    expect(out.master.sha256).toBe(original.sha256);
    expect(master.channels).toBe(3);
  });

  it('a plain page gets a grey master and thumbnail though its original was fit to keep', async () => {
    const { out, original, master, thumb, blobs } = await run(false, true);
    expect(out).toMatchObject({ masterMode: 'gray', colourScore: 0, masterIsOriginal: false });
    expect(out.master.sha256).not.toBe(original.sha256);
    expect([master.format, master.channels, master.width, master.height]).toEqual(['jpeg', 1, W, H]);
    expect(master.density).toBe(200);
    expect(thumb.channels).toBe(1);
    // The grey is the page's own: pixel by pixel within JPEG noise of libvips's grey of the original.
    const ours = await sharp(blobs(out.master.sha256)).toColourspace('b-w').raw().toBuffer();
    const theirs = await sharp(blobs(original.sha256)).toColourspace('b-w').raw().toBuffer();
    expect(ours.length).toBe(theirs.length);
    let sum = 0;
    for (let i = 0; i < ours.length; i++) sum += Math.abs(ours[i]! - theirs[i]!);
    expect(sum / ours.length).toBeLessThan(1.5);
  });

  it('without it a colour page stays colour and nothing is measured', async () => {
    const { out, master } = await run(false, false);
    expect(out).toMatchObject({ masterMode: 'color', colourScore: null, masterIsOriginal: true });
    expect(master.channels).toBe(3);
  });
});
