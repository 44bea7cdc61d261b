import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../core/contracts';
import type { ScanRunView } from '../../../core/contracts/api-capture';
import { DemoDriver } from '../../../native/demo/demo-driver';
import { SaneDriver } from '../../../native/sane/driver';
import { encodeLabel } from '../../../core/labels/label-codec';
import { USCC_A, seedVolume } from '../../../tests/support/repos';
import { openTestWorkstation } from '../../../tests/support/transfer-fixtures';
import type { Engine } from '../engine';
import { engineWithUsers } from '../../../tests/support/engine-users';

const SANE_FIXTURE = path.resolve(import.meta.dirname, '../../../tests/fixtures/sane');

const engines: Engine[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp folder that lives as long as the file's tests (tempDir() goes after each test). */
function lastingDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-capture-test-'));
  dirs.push(d);
  return d;
}

/** An engine over a real data folder with the demo scanner and the SANE `test` backend (no discovery). */
async function setup(saneArgs: readonly string[] = [], demo: { coverLabelOfSecond?: boolean } = {}) {
  const dir = lastingDir();
  const ws = openTestWorkstation(dir);
  const { volumeId } = seedVolume(ws.repos);
  const second = seedVolume(ws.repos, 2).volumeId;
  const v2 = ws.repos.volumes.get(second);
  // The demo scanner can put a QR label cover sheet first: here, the second volume's label.
  const coverLabel = demo.coverLabelOfSecond
    ? encodeLabel({ archiveNo: v2.archiveNo, uscc: USCC_A, volumeId: v2.uid })
    : undefined;
  const sane = new SaneDriver({
    env: { ...process.env, SANE_CONFIG_DIR: SANE_FIXTURE },
    workDir: lastingDir(),
    extraArgs: saneArgs,
  });
  const t = await engineWithUsers({
    db: ws.data.db,
    dataDir: dir,
    log: () => undefined,
    capture: { drivers: [sane, new DemoDriver(coverLabel ? { coverLabel } : {})], threads: 1 },
    // No tesseract here: orientation and title reading stay queued (their own tests read).
    ocr: { createPool: () => Promise.reject(new Error('OCR is not started in this test')) },
  });
  const { engine, call, ok, fails } = t;
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.events.subscribe((e) => events.push(e));
  /** Resolves when the run's `scan.ended` event has come. */
  const ended = (scanId: string) =>
    new Promise<EngineEvent>((resolve) => {
      const found = events.find((e) => e.name === 'scan.ended' && e.payload.scanId === scanId);
      if (found) {
        resolve(found);
        return;
      }
      const off = engine.events.subscribe((e) => {
        if (e.name === 'scan.ended' && e.payload.scanId === scanId) {
          off();
          resolve(e);
        }
      });
    });
  /** Resolves when every page of the volume is processed. */
  const processed = async (volumeId: number, op: string) => {
    for (;;) {
      const list = await ok('pages.list', { volumeId }, op);
      if (list.pages.every((p) => p.state !== 'pending')) return list;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    ws,
    engine,
    events,
    call,
    ok,
    fails,
    ended,
    processed,
    volumeId,
    second,
    op: t.as.operator,
    tech: t.as.technician,
    qa: t.as.qa,
    admin: t.as.admin,
  };
}

let sharedSetup: ReturnType<typeof setup> | null = null;
let serial = 10;
/** One engine for the tests that need no special scanner (users and drivers are costly): a new volume each. */
async function shared() {
  sharedSetup ??= setup();
  const t = await sharedSetup;
  return { ...t, volumeId: seedVolume(t.ws.repos, serial++).volumeId };
}

const DEMO = { deviceId: 'demo', source: 'feeder', dpi: 150, mode: 'gray' } as const;

describe('capture handlers', () => {
  it('lists the demo scanner and the SANE test device; only operators and technicians see devices', async () => {
    const t = await shared();
    const { devices, problems } = await t.ok('scan.devices', {}, t.tech);
    expect(devices.map((d) => d.id)).toContain('sane:test:0');
    expect(devices.at(-1)?.id).toBe('demo'); // a real device comes first
    // The demo scanner's name per locale; a SANE device's name as it reports it, in every locale.
    expect(devices.at(-1)).toMatchObject({
      name: '演示扫描仪',
      displayName: { zh: '演示扫描仪', en: 'Demo scanner' },
    });
    const sane = devices.find((d) => d.id === 'sane:test:0');
    expect(sane?.displayName).toBeNull();
    expect(sane?.name).toMatch(/frontend-tester/u);
    expect(problems).toEqual([]);
    const caps = await t.ok('scan.capabilities', { deviceId: 'demo' }, t.op);
    expect(caps.resolutions).toContain(300);
    expect(caps.colorModes).toEqual(['color', 'gray', 'lineart']);
    expect((await t.fails('scan.devices', {}, t.qa)).code).toBe('auth.forbidden');
    expect((await t.fails('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 1 }, t.qa)).code).toBe(
      'auth.forbidden',
    );
    expect((await t.fails('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 1 }, t.tech)).code).toBe(
      'auth.forbidden',
    );
    expect((await t.fails('scan.capabilities', { deviceId: 'nope:1' }, t.op)).code).toBe(
      'scanner.unknown-device',
    );
  });

  it('scans demo pages into a registered volume: events per page, processing, thumbnails and images', async () => {
    const t = await shared();
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 4 }, t.op);
    expect(run).toMatchObject({ state: 'running', pages: 0, expected: 4, volumeId: t.volumeId });
    const end = await t.ended(run.scanId);
    expect(end.payload).toMatchObject({ pages: 4, error: null });
    // The first page moved the volume to 扫描中, and the UI heard of it.
    expect(t.ws.repos.volumes.get(t.volumeId).state).toBe('scanning');
    const mine = t.events.filter((e) => 'volumeId' in e.payload && e.payload.volumeId === t.volumeId);
    expect(mine.filter((e) => e.name === 'volume.changed').map((e) => e.payload)).toEqual([
      { volumeId: t.volumeId, state: 'scanning' },
    ]);
    const acks = mine.flatMap((e) => (e.name === 'scan.page' ? [e.payload.seq] : []));
    expect(acks).toEqual([1, 2, 3, 4]);
    const list = await t.processed(t.volumeId, t.op);
    expect(list.pages.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(list.pages.every((p) => p.state === 'done' && p.thumbKey !== null && p.dpi === 150)).toBe(true);
    expect(list.pages.every((p) => p.lowDpi)).toBe(true); // 150 dpi is under DA/T 31's floor
    expect(
      t.events.filter((e) => e.name === 'page.processed' && e.payload.volumeId === t.volumeId),
    ).toHaveLength(4);
    expect((await t.ok('scan.runs', { volumeId: t.volumeId }, t.op))[0]).toMatchObject({
      scanId: run.scanId,
      state: 'finished',
      pages: 4,
    });

    const ids = list.pages.map((p) => p.id);
    const thumbs = await t.ok('pages.thumbnails', { pageIds: ids }, t.qa); // QA reads images too
    expect(thumbs.map((x) => x.pageId).sort()).toEqual([...ids].sort());
    for (const th of thumbs) {
      const meta = await sharp(Buffer.from(th.base64, 'base64')).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.width).toBe(256);
      expect(th.width).toBe(256);
    }
    const master = await t.ok('pages.image', { pageId: ids[0]!, size: 'master' }, t.op);
    expect(master).toMatchObject({ exact: true, mediaType: 'image/jpeg' });
    const view = await t.ok('pages.image', { pageId: ids[0]!, size: 'view' }, t.op);
    expect(Math.max(view.width, view.height)).toBeLessThanOrEqual(2000);
    const original = await t.ok('pages.image', { pageId: ids[0]!, size: 'original' }, t.op);
    expect(original.sha256).toBe(t.ws.repos.pages.get(ids[0]!).blobSha256);
  });

  it('a page whose image file is lost gets a clear error, and the other thumbnails still come', async () => {
    const t = await shared();
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 2 }, t.op);
    await t.ended(run.scanId);
    const [lost, kept] = (await t.processed(t.volumeId, t.op)).pages;
    const sha = t.ws.repos.pages.get(lost!.id).blobSha256;
    const master = t.ws.data.db
      .prepare('SELECT master_sha256 AS m, thumb_sha256 AS th FROM page_processing WHERE page_id = ?')
      .get(lost!.id) as { m: string; th: string };
    for (const digest of [sha, master.m, master.th]) fs.rmSync(t.ws.blobs.pathOf(digest), { force: true });

    // 'master' is read from storage on every call (display copies are cached in memory by digest, and
    // the demo scanner's pages repeat across this file's volumes).
    const err = await t.fails('pages.image', { pageId: lost!.id, size: 'master' }, t.op);
    expect(err.code).toBe('page.image-missing');
    expect(err.message.zh).toContain(`第 ${lost!.seq} 页的图像文件丢失`);
    const thumbs = await t.ok('pages.thumbnails', { pageIds: [lost!.id, kept!.id] }, t.op);
    expect(thumbs.map((x) => x.pageId)).toEqual([kept!.id]);
  });

  it('rotates, deletes, moves and undoes; the thumbnail follows the rotation', async () => {
    const t = await shared();
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 3 }, t.op);
    await t.ended(run.scanId);
    const before = await t.processed(t.volumeId, t.op);
    const [a, b, c] = before.pages.map((p) => p.id) as [number, number, number];
    const thumbBefore = before.pages[0]!.thumbKey;

    await t.ok('pages.rotate', { pageId: a, degrees: 90 }, t.op);
    const rotated = await t.ok('pages.list', { volumeId: t.volumeId }, t.op);
    expect(rotated.pages[0]!.thumbKey).not.toBe(thumbBefore);
    expect(rotated.undoable?.op).toBe('rotate');
    const [th] = await t.ok('pages.thumbnails', { pageIds: [a] }, t.op);
    const portrait = before.pages[0]!;
    expect(th!.height < th!.width === (portrait.height ?? 0) > (portrait.width ?? 0)).toBe(true);

    await t.ok('pages.delete', { pageId: b }, t.op);
    await t.ok('pages.move', { pageId: c, to: 1 }, t.op);
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages.map((p) => p.id)).toEqual([c, a]);
    expect((await t.fails('pages.move', { pageId: c, to: 3 }, t.op)).code).toBe('page.position');

    expect((await t.ok('pages.undo', { volumeId: t.volumeId }, t.op))?.op).toBe('reorder');
    expect((await t.ok('pages.undo', { volumeId: t.volumeId }, t.op))?.op).toBe('delete');
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages.map((p) => p.id)).toEqual([
      a,
      b,
      c,
    ]);
    expect((await t.ok('pages.undo', { volumeId: t.volumeId }, t.op))?.op).toBe('rotate');
    const back = await t.ok('pages.list', { volumeId: t.volumeId }, t.op);
    const [th2] = await t.ok('pages.thumbnails', { pageIds: [a] }, t.op);
    expect(th2!.width).toBe(256);
    expect(th2!.height > th2!.width === (portrait.height ?? 0) > (portrait.width ?? 0)).toBe(true);
    expect(back.pages[0]!.thumbKey).not.toBe(rotated.pages[0]!.thumbKey);
    expect(await t.ok('pages.undo', { volumeId: t.volumeId }, t.op)).toBeNull();
    expect((await t.fails('pages.delete', { pageId: a }, t.qa)).code).toBe('auth.forbidden');
  });

  it('inserts and rescans single sheets from the scanner', async () => {
    const t = await shared();
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 2 }, t.op);
    await t.ended(run.scanId);
    const [a, b] = (await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages.map((p) => p.id) as [
      number,
      number,
    ];
    const inserted = await t.ok('pages.scanInto', { pageId: b, how: 'before', ...DEMO }, t.op);
    const rescanned = await t.ok('pages.scanInto', { pageId: a, how: 'rescan', ...DEMO }, t.op);
    expect(rescanned.op.op).toBe('rescan');
    const list = await t.ok('pages.list', { volumeId: t.volumeId }, t.op);
    expect(list.pages.map((p) => p.id)).toEqual([rescanned.pageId, inserted.pageId, b]);
    await t.ok('pages.undo', { volumeId: t.volumeId }, t.op);
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages.map((p) => p.id)).toEqual([
      a,
      inserted.pageId,
      b,
    ]);
    // A device error changes nothing in the volume.
    const err = await t.fails('pages.scanInto', { pageId: b, how: 'after', ...DEMO, dpi: 1200 }, t.op);
    expect(err.code).toBe('scan.invalid-option');
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages).toHaveLength(3);
  });

  it('reports a device error with its category and Chinese message; pages before it are kept', async () => {
    const t = await setup(['--read-return-value', 'SANE_STATUS_JAMMED']);
    const run = await t.ok(
      'scan.start',
      { volumeId: t.volumeId, deviceId: 'sane:test:0', source: 'feeder', dpi: 100, mode: 'gray', pages: 3 },
      t.op,
    );
    const end = await t.ended(run.scanId);
    expect(end.name === 'scan.ended' && end.payload.error?.category).toBe('paper-jam');
    expect(end.name === 'scan.ended' && end.payload.error?.message.zh).toContain('卡纸');
    const [after] = await t.ok('scan.runs', { volumeId: t.volumeId }, t.op);
    expect(after).toMatchObject<Partial<ScanRunView>>({ state: 'stopped', pages: 0 });
  });

  it('scans from the SANE test backend: TIFF originals are converted for display, low dpi is flagged', async () => {
    const t = await shared();
    const run = await t.ok(
      'scan.start',
      { volumeId: t.volumeId, deviceId: 'sane:test:0', source: 'feeder', dpi: 100, mode: 'gray', pages: 2 },
      t.op,
    );
    expect((await t.ended(run.scanId)).payload).toMatchObject({ pages: 2, error: null });
    const list = await t.processed(t.volumeId, t.op);
    expect(list.pages).toHaveLength(2);
    expect(list.pages[0]!.lowDpi).toBe(true);
    const original = await t.ok('pages.image', { pageId: list.pages[0]!.id, size: 'original' }, t.op);
    expect(original.exact).toBe(false);
    expect(['image/jpeg', 'image/png']).toContain(original.mediaType);
    expect((await sharp(Buffer.from(original.base64, 'base64')).metadata()).format).not.toBe('tiff');
  });

  it('cancels a running scan: the run stops as cancelled and keeps its pages; one run per volume', async () => {
    const t = await shared();
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 40 }, t.op);
    expect((await t.fails('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 1 }, t.op)).code).toBe(
      'scan.busy',
    );
    await new Promise<void>((resolve) => {
      const off = t.engine.events.subscribe((e) => {
        if (e.name === 'scan.page') {
          off();
          resolve();
        }
      });
    });
    await t.ok('scan.cancel', { scanId: run.scanId }, t.op);
    const end = await t.ended(run.scanId);
    expect(end.name === 'scan.ended' && end.payload.error?.category).toBe('cancelled');
    const kept = end.name === 'scan.ended' ? end.payload.pages : -1;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(40);
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages).toHaveLength(kept);
  });

  it('finds a volume by its archive number and previews no split for a volume without labels', async () => {
    const t = await shared();
    const v = t.ws.repos.volumes.get(t.volumeId);
    expect((await t.ok('scan.findVolume', { archiveNo: v.archiveNo }, t.op)).id).toBe(t.volumeId);
    expect((await t.fails('scan.findVolume', { archiveNo: '350200-1999-SL-999999' }, t.op)).code).toBe(
      'volume.not-found',
    );
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 2 }, t.op);
    await t.ended(run.scanId);
    const preview = await t.ok('batch.splitPreview', { volumeId: t.volumeId }, t.op);
    expect(preview.segments).toHaveLength(1);
    expect(preview.segments[0]!.pages).toHaveLength(2);
    // A catalogued volume takes no more pages: refused before the scanner starts, nothing changes.
    t.ws.data.db.prepare("UPDATE volumes SET state = 'catalogued' WHERE id = ?").run(t.volumeId);
    expect((await t.fails('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 1 }, t.op)).code).toBe(
      'capture.volume-state',
    );
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).editable).toBe(false);
    expect((await t.fails('pages.delete', { pageId: preview.segments[0]!.pages[0]! }, t.op)).code).toBe(
      'pages.locked',
    );
  });

  it('previews and applies a split at a QR label: the pages go to the labelled volume, undo brings them back', async () => {
    const t = await setup([], { coverLabelOfSecond: true });
    const run = await t.ok('scan.start', { volumeId: t.volumeId, ...DEMO, pages: 3 }, t.op);
    await t.ended(run.scanId);
    const scanned = await t.processed(t.volumeId, t.op);
    expect(scanned.pages[0]!.labelFound).not.toBeNull(); // the cover sheet's label was read
    expect(scanned.pages[0]!.isSeparator).toBe(true);
    const preview = await t.ok('batch.splitPreview', { volumeId: t.volumeId }, t.op);
    expect(preview.canApply).toBe(true);
    const moving = preview.segments.filter((seg) => seg.moves);
    expect(moving).toHaveLength(1);
    expect(moving[0]).toMatchObject({ volumeId: t.second, by: 'label', problem: null });
    expect(moving[0]!.pages).toHaveLength(2);
    const applied = await t.ok(
      'batch.splitApply',
      { volumeId: t.volumeId, fingerprint: preview.fingerprint },
      t.op,
    );
    expect(applied.moved.map((m) => m.volumeId)).toEqual([t.second]);
    expect((await t.ok('pages.list', { volumeId: t.second }, t.op)).pages).toHaveLength(3);
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages).toHaveLength(0);
    // A stale preview is refused.
    expect(
      (await t.fails('batch.splitApply', { volumeId: t.volumeId, fingerprint: preview.fingerprint }, t.op))
        .code,
    ).toBe('split.changed');
    await t.ok('pages.undo', { volumeId: t.volumeId }, t.op);
    expect((await t.ok('pages.list', { volumeId: t.volumeId }, t.op)).pages.map((p) => p.id)).toEqual(
      scanned.pages.map((p) => p.id),
    );
  });
});
