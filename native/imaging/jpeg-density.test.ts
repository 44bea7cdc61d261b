import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { setJpegDensity } from './jpeg-density';

describe('setJpegDensity', () => {
  it('records the resolution of a grey JPEG without making it colour', async () => {
    const grey = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#777' } })
      .toColourspace('b-w')
      .jpeg()
      .toBuffer();
    const out = setJpegDensity(grey, 300);
    const meta = await sharp(out).metadata();
    expect(meta.density).toBe(300);
    expect(meta.channels).toBe(1);
  });

  it('leaves bytes that are not JFIF alone', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(setJpegDensity(Buffer.from(png), 300).equals(png)).toBe(true);
  });
});
