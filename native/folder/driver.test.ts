import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ScanEvent, ScanJob, ScannedPage } from '../../core/scanning/driver';
import { tempDir } from '../../tests/support/temp-dir';
import { collect } from '../session';
import { FolderDriver, foldersFromEnv } from './driver';
import { multiPageG4, pageImage } from './fixtures';

const JOB: ScanJob = { source: 'feeder', dpi: 300, mode: 'gray' };
const pagesOf = (events: ScanEvent[]) => events.filter((e): e is ScannedPage => e.type === 'page');
const errorsOf = (events: ScanEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e] : []));
const last = (events: ScanEvent[]) => events[events.length - 1];

describe('folder driver', () => {
  it('lists the configured folders that exist, each once', async () => {
    const a = tempDir();
    const b = tempDir();
    const driver = new FolderDriver({
      folders: [
        { path: a, name: '高速扫描仪输出' },
        { path: b },
        { path: a },
        { path: path.join(b, 'gone') },
      ],
    });
    expect(await driver.discover()).toEqual([
      { id: `folder:${a}`, driver: 'folder', name: '高速扫描仪输出', connection: a },
      { id: `folder:${b}`, driver: 'folder', name: path.basename(b), connection: b },
    ]);
    expect(await new FolderDriver().discover()).toEqual([]);
  });

  it('reads folders from $DANGAN_SCAN_FOLDERS', () => {
    expect(foldersFromEnv(undefined)).toEqual([]);
    expect(foldersFromEnv(['/srv/in', 'Kodak=/srv/kodak', ''].join(path.delimiter))).toEqual([
      { path: '/srv/in' },
      { name: 'Kodak', path: '/srv/kodak' },
    ]);
  });

  it('streams the images in natural name order, splitting a multi-page G4 TIFF', async () => {
    const dir = tempDir();
    const jpeg = await pageImage('jpeg', 1);
    fs.writeFileSync(path.join(dir, 'scan10.jpg'), jpeg);
    fs.writeFileSync(path.join(dir, 'scan2.png'), await pageImage('png', 2));
    fs.writeFileSync(path.join(dir, 'scan3.tif'), await multiPageG4(3));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a scan');
    fs.writeFileSync(path.join(dir, '.hidden.jpg'), jpeg);
    const events = await collect(new FolderDriver().scan(`folder:${dir}`, JOB));
    const pages = pagesOf(events);
    expect(pages.map((p) => p.origin)).toEqual([
      'scan2.png',
      'scan3.tif#1',
      'scan3.tif#2',
      'scan3.tif#3',
      'scan10.jpg',
    ]);
    expect(pages.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    // A single image keeps its bytes exactly; TIFF pages are 1-bit G4 at the file's resolution.
    expect(Buffer.from(pages[4]!.bytes).equals(jpeg)).toBe(true);
    for (const page of pages.slice(1, 4)) {
      expect(page.mediaType).toBe('image/tiff');
      expect(page.mode).toBe('lineart');
      expect(page.dpi).toBe(300);
      expect((await sharp(page.bytes).metadata()).bitsPerSample).toBe(1);
      expect(page.bytes.length).toBeLessThan((400 * 560) / 8 / 2); // compressed (G4), not raw bits
    }
    expect(errorsOf(events)).toEqual([]);
    expect(last(events)).toEqual({ type: 'done', pages: 5 });
  });

  it('goes on past a bad file and ends with one io error naming it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '1.jpg'), await pageImage('jpeg'));
    fs.writeFileSync(path.join(dir, '2.jpg'), Buffer.alloc(0));
    const png = await pageImage('png');
    fs.writeFileSync(path.join(dir, '3.jpg'), png); // PNG under a JPEG name
    fs.writeFileSync(path.join(dir, '4.png'), png);
    const events = await collect(new FolderDriver().scan(`folder:${dir}`, JOB));
    expect(pagesOf(events).map((p) => p.origin)).toEqual(['1.jpg', '4.png']);
    const errors = errorsOf(events);
    expect(errors.map((e) => e.category)).toEqual(['io']);
    expect(errors[0]?.detail).toMatch(
      /^2 file\(s\) refused: 2\.jpg: the file is empty.*3\.jpg: the content is PNG/,
    );
    expect(last(events)).toEqual({ type: 'done', pages: 2 });
  });

  it('maps an empty or missing folder to no-paper and device-gone', async () => {
    const empty = tempDir();
    const none = await collect(new FolderDriver().scan(`folder:${empty}`, JOB));
    expect(errorsOf(none).map((e) => e.category)).toEqual(['no-paper']);
    const gone = await collect(new FolderDriver().scan(`folder:${path.join(empty, 'x')}`, JOB));
    expect(errorsOf(gone).map((e) => e.category)).toEqual(['device-gone']);
    expect(last(gone)).toEqual({ type: 'done', pages: 0 });
  });

  it('stops at maxPages, and on cancel keeps the pages so far', async () => {
    const dir = tempDir();
    for (let i = 1; i <= 12; i++) fs.writeFileSync(path.join(dir, `p${i}.png`), await pageImage('png', i));
    const two = await collect(new FolderDriver().scan(`folder:${dir}`, { ...JOB, maxPages: 2 }));
    expect(pagesOf(two).map((p) => p.origin)).toEqual(['p1.png', 'p2.png']);

    const session = new FolderDriver().scan(`folder:${dir}`, JOB);
    const events: ScanEvent[] = [];
    for await (const event of session) {
      events.push(event);
      if (event.type === 'page' && event.index === 1) session.cancel();
    }
    const kept = pagesOf(events);
    // The reader runs at most a few pages ahead of the consumer, so a cancel stops it early.
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(12);
    expect(errorsOf(events).map((e) => e.category)).toEqual(['cancelled']);
    expect(last(events)).toEqual({ type: 'done', pages: kept.length });
  });

  it('refuses a device id of another driver', async () => {
    await expect(new FolderDriver().capabilities('sane:test:0')).rejects.toMatchObject({
      code: 'scanner.not-this-driver',
    });
  });
});
