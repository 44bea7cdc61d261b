import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors';
import { tempDir } from '../../tests/support/temp-dir';
import { multiPageG4, pageImage, pngBomb } from './fixtures';
import { readImageFile } from './image-file';
import { naturalCompare } from './natural-order';

async function refusal(file: string): Promise<{ code: string; zh: string; en: string }> {
  try {
    await readImageFile(file);
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, zh: e.text.zh, en: e.text.en };
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('natural name order', () => {
  it('sorts numbered scans as people count', () => {
    const names = ['scan10.tif', 'scan2.tif', 'scan1.tif', 'Scan3.tif', '扫描11.jpg', '扫描9.jpg'];
    expect([...names].sort(naturalCompare)).toEqual([
      'scan1.tif',
      'scan2.tif',
      'Scan3.tif',
      'scan10.tif',
      '扫描9.jpg',
      '扫描11.jpg',
    ]);
  });
});

describe('reading a scan file', () => {
  it('keeps a single JPEG or PNG byte for byte and reads its resolution and mode', async () => {
    const dir = tempDir();
    const jpeg = await pageImage('jpeg');
    fs.writeFileSync(path.join(dir, 'a.jpg'), jpeg);
    const read = await readImageFile(path.join(dir, 'a.jpg'));
    expect(read.pages).toHaveLength(1);
    expect(read.pages[0]!.bytes.equals(jpeg)).toBe(true);
    expect(read.pages[0]).toMatchObject({ mediaType: 'image/jpeg', mode: 'gray', width: 400, height: 560 });
    fs.writeFileSync(path.join(dir, 'b.png'), await pageImage('png'));
    expect((await readImageFile(path.join(dir, 'b.png'))).pages[0]!.mediaType).toBe('image/png');
  });

  it('splits a multi-page CCITT G4 TIFF into its pages, each still G4 and 300 dpi', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file.tif'), await multiPageG4(3));
    const read = await readImageFile(path.join(dir, 'file.tif'));
    expect(read.pages).toHaveLength(3);
    for (const p of read.pages) {
      expect(p).toMatchObject({
        mediaType: 'image/tiff',
        mode: 'lineart',
        dpi: 300,
        width: 400,
        height: 560,
      });
      const meta = await sharp(p.bytes).metadata();
      expect(meta.bitsPerSample).toBe(1);
      expect(meta.pages).toBe(1);
    }
    // The pages are different images.
    expect(read.pages[0]!.bytes.equals(read.pages[1]!.bytes)).toBe(false);
  });

  it('refuses empty, foreign, wrongly named, tiny, truncated, corrupt and bomb files with bilingual reasons', async () => {
    const dir = tempDir();
    const jpeg = await pageImage('jpeg');
    const put = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const corrupt = Buffer.from(jpeg);
    corrupt.fill(0x55, 200, corrupt.length - 2); // header intact, entropy-coded data garbage
    const cases: [string, string][] = [
      [put('empty.jpg', Buffer.alloc(0)), 'import.empty'],
      [put('notes.jpg', Buffer.from('这不是图像 not an image')), 'import.not-image'],
      [put('really-png.jpg', await pageImage('png')), 'import.wrong-extension'],
      [put('one.png', tiny), 'import.too-small'],
      [put('cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2))), 'import.truncated'],
      [put('bomb.png', pngBomb()), 'import.too-large'],
    ];
    for (const [file, code] of cases) {
      const r = await refusal(file);
      expect(r.code, file).toBe(code);
      expect(r.zh, file).toContain(path.basename(file));
      expect(r.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.en, file).toContain(path.basename(file));
    }
    const bad = await refusal(put('garbage.jpg', corrupt));
    expect(bad.code).toBe('import.corrupt');
  });
});
