import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { EngineEvent } from '../../core/contracts';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { DemoDriver } from '../../native/demo/demo-driver';
import { FOLDER_PREFIX, FolderDriver } from '../../native/folder/driver';
import { engineWithUsers } from '../../tests/support/engine-users';
import { blankPage } from '../../tests/support/demo-volume';
import { seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';
import { CaptureRepo } from '../../db/repos/capture';
import { TesseractPool, type ReadParams } from './tesseract-pool';

/** A page of the demo scanner (a rendered registration form with skew and noise), as the scanner gave it. */
async function demoPage(): Promise<Buffer> {
  const session = new DemoDriver().scan('demo', { source: 'flatbed', dpi: 150, mode: 'gray', maxPages: 1 });
  for await (const event of session) {
    if (event.type === 'page') {
      session.cancel();
      return Buffer.from(event.bytes);
    }
  }
  throw new Error('the demo scanner gave no page');
}

describe('orientation in the engine', () => {
  it('turns a page scanned upside down upright before its title is read, leaves upright and blank pages alone', async () => {
    const dir = tempDir();
    const ws = openTestWorkstation(dir);
    const { volumeId } = seedVolume(ws.repos);
    // A folder of scans: the demo page upright, the same page turned 180° (sharp), and a blank back.
    const folder = path.join(tempDir(), 'scans');
    fs.mkdirSync(folder);
    const upright = await demoPage();
    fs.writeFileSync(path.join(folder, '1.png'), await sharp(upright).png().toBuffer());
    fs.writeFileSync(path.join(folder, '2.png'), await sharp(upright).rotate(180).png().toBuffer());
    fs.writeFileSync(path.join(folder, '3.png'), await blankPage());

    // Real tesseract.js (chi_sim), one worker; every read it does is counted.
    let reads = 0;
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: dir,
      now: ws.clock.now,
      capture: { drivers: [new FolderDriver()], threads: 1 },
      ocr: {
        createPool: async () => {
          const pool = await TesseractPool.create({ size: 1 });
          return {
            engine: pool.engine,
            size: pool.size,
            terminate: () => pool.terminate(),
            // Whole-page and zone reads are counted; a form cell's read (with params) is not.
            recognize: (image: Buffer, params?: ReadParams) => {
              if (params === undefined) reads++;
              return pool.recognize(image, params);
            },
          };
        },
      },
    });
    onTestFinished(() => t.engine.close());
    const events: EngineEvent[] = [];
    t.engine.events.subscribe((e) => events.push(e));

    const run = await t.ok(
      'scan.start',
      { volumeId, deviceId: FOLDER_PREFIX + folder, source: 'feeder', dpi: 150, mode: 'gray' },
      t.as.operator,
    );
    const [first, second, blank] = await waitFor(async () => {
      const { pages } = await t.ok('pages.list', { volumeId }, t.as.operator);
      const runs = await t.ok('scan.runs', { volumeId }, t.as.operator);
      const ended = runs.find((r) => r.scanId === run.scanId)?.state !== 'running';
      return ended && pages.length === 3 && pages.every((p) => p.state === 'done') ? pages : null;
    });
    if (!first || !second || !blank) throw new Error('three pages');
    expect(blank.isBlank).toBe(true);

    // The operator opens 著录标引 at once: titles are queued while the orientation checks are too.
    await t.ok('catalogue.suggest', { volumeId, read: true }, t.as.operator);
    const jobs = ws.repos.jobs;
    await waitFor(() => Promise.resolve(jobs.counts().pending + jobs.counts().running === 0 ? true : null));
    // Checked: the two pages with text (the image could not tell which way up they lay), never the blank
    // one; upright costs one read, upside down two (0°, then 180°). Then one title read a page: the
    // turned page's title was read once, after the turn (a read before it would be read again). Then,
    // as 著录标引 also wants the documents' dates, each page with text is read whole once; the blank never.
    expect(reads).toBe(3 + 2 + 2);
    const capture = new CaptureRepo(ws.data.db);
    const master = capture.processing(second.id)?.masterSha256 ?? '';
    expect(ws.repos.pages.transforms(second.id).at(-1)).toMatchObject({
      kind: 'rotate',
      params: { degrees: 180 },
      resultSha256: master,
    });
    // The upright page was left alone, and so was the blank one.
    expect(ws.repos.pages.transforms(first.id).some((x) => x.kind === 'rotate')).toBe(false);
    expect(ws.repos.pages.transforms(blank.id).some((x) => x.kind === 'rotate')).toBe(false);
    // The 扫描 screen was told, and the page has a new thumbnail.
    expect(events.some((e) => e.name === 'page.processed' && e.payload.pageId === second.id)).toBe(true);
    const { pages: after } = await t.ok('pages.list', { volumeId }, t.as.operator);
    expect(after[1]?.thumbKey).not.toBe(second.thumbKey);
    expect(after[0]?.thumbKey).toBe(first.thumbKey);

    // The title was read from the turned image, and reads as the upright page's does (the same sheet).
    const ocr = new PageOcrRepo(ws.data.db, ws.clock.now);
    const title = ocr.get(second.id, 'title');
    expect(title?.blobSha256).toBe(master);
    // The first line with words (a zone may begin with specks of the scan's edge read as symbols).
    const firstLine = (text: string | undefined) =>
      (text ?? '')
        .replace(/[ \t]/g, '')
        .split('\n')
        .find((l) => (l.match(/\p{Script=Han}/gu) ?? []).length >= 4) ?? '';
    const uprightTitle = firstLine(ocr.get(first.id, 'title')?.text);
    expect(uprightTitle.length).toBeGreaterThan(3);
    expect(firstLine(title?.text)).toBe(uprightTitle);

    // The turn is undone like the operator's own rotation.
    const undone = await t.ok('pages.undo', { volumeId }, t.as.operator);
    expect(undone?.op).toBe('rotate');
    expect(capture.processing(second.id)?.masterSha256).not.toBe(master);
  }, 120_000);
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
