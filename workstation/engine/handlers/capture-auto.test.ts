import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../core/contracts';
import { DemoDriver, sheetsOfFile } from '../../../native/demo/demo-driver';
import { seedVolume } from '../../../tests/support/repos';
import { openTestWorkstation } from '../../../tests/support/transfer-fixtures';
import { engineWithUsers } from '../../../tests/support/engine-users';
import type { Engine } from '../engine';

// Automatic colour (自动) through the engine as the 扫描 screen drives it: the real demo scanner, the real
// pipeline, a real data folder; each stored master's channels read back with sharp.

const engines: Engine[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The demo file's sheets that carry red (申请书 page 2's seal, 决议's seal, the licence). */
const RED = new Set(['application:1', 'resolution:0', 'licence:0']);

describe('scan in the automatic colour mode', () => {
  it('keeps the seal and licence pages in colour and stores the plain pages grey', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-auto-colour-'));
    dirs.push(dir);
    const ws = openTestWorkstation(dir);
    const { volumeId } = seedVolume(ws.repos);
    const t = await engineWithUsers({
      db: ws.data.db,
      dataDir: dir,
      log: () => undefined,
      capture: { drivers: [new DemoDriver()], threads: 1 },
      ocr: { createPool: () => Promise.reject(new Error('OCR is not started in this test')) },
    });
    engines.push(t.engine);
    const endings: EngineEvent[] = [];
    t.engine.events.subscribe((e) => {
      if (e.name === 'scan.ended') endings.push(e);
    });
    const ended = async (scanId: string): Promise<EngineEvent> => {
      for (;;) {
        const e = endings.find((x) => x.name === 'scan.ended' && x.payload.scanId === scanId);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const processed = async () => {
      for (;;) {
        const list = await t.ok('pages.list', { volumeId }, t.as.operator);
        if (list.pages.every((p) => p.state !== 'pending')) return list;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const file = sheetsOfFile();
    const run = await t.ok(
      'scan.start',
      { volumeId, deviceId: 'demo', source: 'feeder', dpi: 200, mode: 'auto', pages: file.length },
      t.as.operator,
    );
    expect(run).toMatchObject({ mode: 'auto', state: 'running' });
    expect((await ended(run.scanId)).payload).toMatchObject({ pages: file.length, error: null });
    const list = await processed();

    const expected = file.map(({ kind, page }) => (RED.has(`${kind}:${page}`) ? 'color' : 'gray'));
    expect(list.pages.map((p) => p.colorMode)).toEqual(expected);
    expect(list.pages.every((p) => p.autoColour && p.state === 'done' && p.colourScore !== null)).toBe(true);
    // Each master as stored: three channels for colour, one for grey; the thumbnail likewise.
    for (const [i, p] of list.pages.entries()) {
      const master = await t.ok('pages.image', { pageId: p.id, size: 'master' }, t.as.operator);
      const meta = await sharp(Buffer.from(master.base64, 'base64')).metadata();
      expect([p.seq, meta.format, meta.channels]).toEqual([p.seq, 'jpeg', expected[i] === 'color' ? 3 : 1]);
      // The original stays what the scanner sent: colour.
      const original = await t.ok('pages.image', { pageId: p.id, size: 'original' }, t.as.operator);
      expect((await sharp(Buffer.from(original.base64, 'base64')).metadata()).channels).toBe(3);
    }
    const [thumb] = await t.ok('pages.thumbnails', { pageIds: [list.pages[0]!.id] }, t.as.operator);
    expect((await sharp(Buffer.from(thumb!.base64, 'base64')).metadata()).channels).toBe(1);

    // The run is recorded as automatic (batches.profile), and listed so.
    const profile = ws.data.db.prepare('SELECT profile FROM batches ORDER BY id DESC LIMIT 1').pluck().get();
    expect(JSON.parse(String(profile))).toMatchObject({ mode: 'auto', volumeId });
    expect((await t.ok('scan.runs', { volumeId }, t.as.operator))[0]).toMatchObject({ mode: 'auto' });

    // One sheet inserted in the automatic mode (the flatbed's sheet: the plain first page) is decided too.
    const inserted = await t.ok(
      'pages.scanInto',
      {
        pageId: list.pages[0]!.id,
        how: 'after',
        deviceId: 'demo',
        source: 'flatbed',
        dpi: 200,
        mode: 'auto',
      },
      t.as.operator,
    );
    const withInsert = await processed();
    expect(withInsert.pages.find((p) => p.id === inserted.pageId)).toMatchObject({
      seq: 2,
      autoColour: true,
      colorMode: 'gray',
    });

    // An explicit mode works as before: a plain page scanned in colour stays colour.
    const again = await t.ok(
      'scan.start',
      { volumeId, deviceId: 'demo', source: 'flatbed', dpi: 200, mode: 'color', pages: 1 },
      t.as.operator,
    );
    expect(again.mode).toBe('color');
    await ended(again.scanId);
    const last = (await processed()).pages.at(-1);
    expect(last).toMatchObject({ colorMode: 'color', autoColour: false, colourScore: null });
    const lastMaster = await t.ok('pages.image', { pageId: last!.id, size: 'master' }, t.as.operator);
    expect((await sharp(Buffer.from(lastMaster.base64, 'base64')).metadata()).channels).toBe(3);
  }, 180_000);
});
