import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanEvent, ScanJob, ScannedPage } from '../../core/scanning/driver';
import { isDomainError } from '../../core/errors';
import { EsclDriver, type EsclDriverOptions } from '../../native/escl/driver';
import { collect } from '../../native/session';
import { tempDir } from '../support/temp-dir';
import { startEsclServer, type EsclServerOptions, type EsclTestServer } from './server';

// The eSCL driver against the eSCL test server on 127.0.0.1, over real HTTP.

const servers: EsclTestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function setup(server: EsclServerOptions = {}, driver: EsclDriverOptions = {}) {
  const s = await startEsclServer(server);
  servers.push(s);
  const d = new EsclDriver({ discovery: false, retry: { firstMs: 5, maxMs: 20 }, ...driver });
  return { server: s, driver: d, id: `escl:${s.url}` };
}

const FEEDER: ScanJob = { source: 'feeder', dpi: 75, mode: 'gray' };
const pagesOf = (events: ScanEvent[]) => events.filter((e): e is ScannedPage => e.type === 'page');
const errorsOf = (events: ScanEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.category] : []));
const last = (events: ScanEvent[]) => events[events.length - 1];
const count = (s: EsclTestServer, method: string, status?: number) =>
  s.requests.filter((r) => r.method === method && (status === undefined || r.status === status)).length;

describe('eSCL driver', () => {
  it('lists manually configured devices and reads capabilities', async () => {
    const { server, id } = await setup();
    const d = new EsclDriver({ discovery: false, devices: [{ name: 'Office', url: server.url }] });
    expect(await d.discover()).toEqual([
      { id, driver: 'escl', name: 'Office', connection: `127.0.0.1:${server.port}` },
    ]);
    expect(await d.capabilities(id)).toEqual({
      sources: ['duplex', 'feeder', 'flatbed'],
      resolutions: [75, 100, 150, 200, 300, 600],
      colorModes: ['color', 'gray', 'lineart'],
      maxWidthMm: 215.9,
      maxHeightMm: 355.6,
    });
  });

  it('scans a 5-page feeder batch page by page as JPEG', async () => {
    const { server, driver, id } = await setup();
    const events = await collect(driver.scan(id, FEEDER));
    const pages = pagesOf(events);
    expect(pages.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    for (const p of pages) {
      expect(p.mediaType).toBe('image/jpeg');
      const meta = await sharp(p.bytes).metadata();
      // A4 at 75 dpi
      expect([meta.width, meta.height, meta.channels]).toEqual([620, 877, 1]);
      expect([p.width, p.height]).toEqual([620, 877]);
    }
    expect(errorsOf(events)).toEqual([]);
    expect(last(events)).toEqual({ type: 'done', pages: 5 });
    // the job ended with 404 after the fifth page; nothing left to clean up
    expect(count(server, 'GET', 404)).toBe(1);
    expect(count(server, 'DELETE')).toBe(0);
  });

  it('scans one flatbed page and cleans the job up', async () => {
    const { server, driver, id } = await setup();
    const events = await collect(driver.scan(id, { ...FEEDER, source: 'flatbed', mode: 'color' }));
    expect(pagesOf(events)).toHaveLength(1);
    expect((await sharp(pagesOf(events)[0]!.bytes).metadata()).channels).toBe(3);
    expect(last(events)).toEqual({ type: 'done', pages: 1 });
    expect(count(server, 'DELETE')).toBe(1);
  });

  it('stops a feeder job at the page limit and deletes it', async () => {
    const { server, driver, id } = await setup({ feederSheets: 5 });
    const events = await collect(driver.scan(id, { ...FEEDER, maxPages: 2 }));
    expect(pagesOf(events)).toHaveLength(2);
    expect(errorsOf(events)).toEqual([]);
    expect(count(server, 'DELETE', 200)).toBe(1);
  });

  it('scans duplex: fronts and backs alternate', async () => {
    const { driver, id } = await setup({ feederSheets: 3 });
    const pages = pagesOf(await collect(driver.scan(id, { ...FEEDER, source: 'duplex' })));
    expect(pages.map((p) => p.side)).toEqual(['front', 'back', 'front', 'back', 'front', 'back']);
  });

  it('waits through 503 bursts with back-off and still gets every page', async () => {
    const { server, driver, id } = await setup({ busyBursts: 3, createBusy: 2 });
    const events = await collect(driver.scan(id, FEEDER));
    expect(pagesOf(events)).toHaveLength(5);
    expect(errorsOf(events)).toEqual([]);
    expect(count(server, 'GET', 503)).toBe(15);
    expect(count(server, 'POST', 503)).toBe(2);
  });

  it('gives up on a device that stays busy, as device-busy', async () => {
    const { driver, id } = await setup(
      { createBusy: 1000 },
      { retry: { firstMs: 5, maxMs: 10, patienceMs: 100 } },
    );
    const events = await collect(driver.scan(id, FEEDER));
    expect(errorsOf(events)).toEqual(['device-busy']);
  });

  it('gives up on a page that never becomes ready, as io', async () => {
    const { driver, id } = await setup(
      { busyBursts: 1000 },
      { retry: { firstMs: 5, maxMs: 10, patienceMs: 100 } },
    );
    const events = await collect(driver.scan(id, FEEDER));
    expect(pagesOf(events)).toEqual([]);
    expect(errorsOf(events)).toEqual(['io']);
  });

  it('retries a dropped connection and loses no page', async () => {
    const { server, driver, id } = await setup({ dropConnections: 2, feederSheets: 3 });
    const events = await collect(driver.scan(id, FEEDER));
    expect(pagesOf(events)).toHaveLength(3);
    expect(errorsOf(events)).toEqual([]);
    expect(count(server, 'GET', 0)).toBe(2);
  });

  it('takes slow pages', async () => {
    const { driver, id } = await setup({ pageDelayMs: 150, feederSheets: 2 });
    expect(pagesOf(await collect(driver.scan(id, FEEDER)))).toHaveLength(2);
  });

  it('reports an empty feeder as no-paper', async () => {
    const { driver, id } = await setup({ feederSheets: 0 });
    const events = await collect(driver.scan(id, FEEDER));
    expect(errorsOf(events)).toEqual(['no-paper']);
    expect(last(events)).toEqual({ type: 'done', pages: 0 });
  });

  it.each([
    ['ScannerAdfJam', 'paper-jam'],
    ['ScannerAdfMispick', 'paper-jam'],
    ['ScannerAdfDoorOpen', 'cover-open'],
    ['ScannerAdfMultipickDetected', 'double-feed'],
  ] as const)(
    'explains a job aborted by %s as %s, keeping the pages before it',
    async (adfState, category) => {
      const { driver, id } = await setup({ fault: { afterImages: 2, adfState } });
      const events = await collect(driver.scan(id, FEEDER));
      expect(pagesOf(events)).toHaveLength(2);
      expect(errorsOf(events)).toEqual([category]);
      expect(last(events)).toEqual({ type: 'done', pages: 2 });
    },
  );

  it('reports a job stopped at the device (410) as cancelled', async () => {
    const { driver, id } = await setup({ cancelAtDeviceAfter: 2 });
    const events = await collect(driver.scan(id, FEEDER));
    expect(pagesOf(events)).toHaveLength(2);
    expect(errorsOf(events)).toEqual(['cancelled']);
  });

  it('cancels mid-batch with DELETE', async () => {
    const { server, driver, id } = await setup({ pageDelayMs: 100, feederSheets: 10 });
    const session = driver.scan(id, FEEDER);
    const events: ScanEvent[] = [];
    for await (const e of session) {
      events.push(e);
      if (e.type === 'page') session.cancel();
    }
    expect(pagesOf(events)).toHaveLength(1);
    expect(errorsOf(events)).toEqual(['cancelled']);
    expect(last(events)).toEqual({ type: 'done', pages: 1 });
    expect(count(server, 'DELETE', 200)).toBe(1);
  });

  it('delivers PDF one page at a time, or the whole batch as one document', async () => {
    const perPage = await setup({ feederSheets: 2 }, { formats: ['application/pdf'] });
    const pages = pagesOf(await collect(perPage.driver.scan(perPage.id, FEEDER)));
    expect(pages.map((p) => p.mediaType)).toEqual(['application/pdf', 'application/pdf']);

    const whole = await setup({ feederSheets: 4, pdf: 'whole-batch' }, { formats: ['application/pdf'] });
    const [doc, ...rest] = pagesOf(await collect(whole.driver.scan(whole.id, FEEDER)));
    expect(rest).toEqual([]);
    expect((await PDFDocument.load(doc!.bytes)).getPageCount()).toBe(4);
  });

  it('asks for PNG when preferred and offered', async () => {
    const { driver, id } = await setup({ feederSheets: 1 }, { formats: ['image/png', 'image/jpeg'] });
    const [page] = pagesOf(await collect(driver.scan(id, { ...FEEDER, mode: 'lineart' })));
    expect(page!.mediaType).toBe('image/png');
    expect((await sharp(page!.bytes).metadata()).format).toBe('png');
  });

  it.each(['localhost', 'with-port'] as const)(
    'meets a device that demands the %s Host form',
    async (host) => {
      const { server, driver, id } = await setup({ host, feederSheets: 2 });
      const events = await collect(driver.scan(id, FEEDER));
      expect(pagesOf(events)).toHaveLength(2);
      expect(count(server, 'GET', 404)).toBe(1);
      const hosts = new Set(server.requests.filter((r) => r.status !== 400).map((r) => r.host));
      expect([...hosts]).toEqual([
        host === 'localhost' ? `localhost:${server.port}` : `127.0.0.1:${server.port}`,
      ]);
    },
  );

  it.each(['absolute', 'broken-host'] as const)('follows an %s Location by its path', async (location) => {
    const { driver, id } = await setup({ location, feederSheets: 2 });
    expect(pagesOf(await collect(driver.scan(id, FEEDER)))).toHaveLength(2);
  });

  it('refuses settings the device does not offer without creating a job', async () => {
    const { server, driver, id } = await setup({ duplex: false, colorModes: ['RGB24', 'Grayscale8'] });
    for (const job of [
      { ...FEEDER, dpi: 250 },
      { ...FEEDER, source: 'duplex' as const },
      { ...FEEDER, mode: 'lineart' as const },
      { ...FEEDER, heightMm: 400 },
    ]) {
      expect(errorsOf(await collect(driver.scan(id, job)))).toEqual(['invalid-option']);
    }
    expect(count(server, 'POST')).toBe(0);
  });

  it('scans over HTTPS from a device with a self-signed certificate', async () => {
    const dir = tempDir();
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=scanner.local',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    expect(made.status).toBe(0);
    const tls = {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
    const { server, driver, id } = await setup({ tls, feederSheets: 2 });
    expect(server.url).toMatch(/^https:/);
    expect(pagesOf(await collect(driver.scan(id, FEEDER)))).toHaveLength(2);
  });

  it('reports a device that went away', async () => {
    const { server, driver, id } = await setup();
    await server.close();
    const failure = await driver.capabilities(id).catch((e: unknown) => e);
    expect(isDomainError(failure) && failure.code).toBe('scanner.device-gone');
    expect(errorsOf(await collect(driver.scan(id, FEEDER)))).toEqual(['device-gone']);
  });

  it('reports a device lost mid-batch as device-gone, keeping the pages', async () => {
    const { server, driver, id } = await setup({ pageDelayMs: 50, feederSheets: 10 });
    const session = driver.scan(id, FEEDER);
    const events: ScanEvent[] = [];
    for await (const e of session) {
      events.push(e);
      if (e.type === 'page' && e.index === 1) await server.close();
    }
    expect(pagesOf(events)).toHaveLength(2);
    expect(errorsOf(events)).toEqual(['device-gone']);
  });
});
