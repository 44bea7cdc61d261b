import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { buildStoreApp } from './server';
import { openStoreData } from './store-data';
import { sweepUploads } from './upload-sweep';

const HOUR = 3600 * 1000;

/** Writes what @tus/file-store keeps for an upload: the data file and `<id>.json` with its creation date. */
function plantUpload(dir: string, id: string, created: Date, finished: boolean): void {
  fs.writeFileSync(path.join(dir, id), Buffer.alloc(finished ? 10 : 4, 1));
  fs.writeFileSync(
    path.join(dir, `${id}.json`),
    JSON.stringify({ id, size: 10, offset: finished ? 10 : 4, creation_date: created.toISOString() }),
  );
}

function ageFile(file: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  fs.utimesSync(file, t, t);
}

describe('upload leftovers', () => {
  it('removes every kind of leftover past the expiry and nothing younger', () => {
    const dir = tempDir();
    const now = Date.now();
    plantUpload(dir, 'old-unfinished', new Date(now - 200 * HOUR), false);
    plantUpload(dir, 'old-finished', new Date(now - 200 * HOUR), true); // adoption cut by a crash
    plantUpload(dir, 'young', new Date(now - 2 * HOUR), false);
    fs.writeFileSync(path.join(dir, 'old-orphan-data'), 'x');
    ageFile(path.join(dir, 'old-orphan-data'), 200 * HOUR);
    fs.writeFileSync(path.join(dir, 'old-torn.json'), '{"id":"old-to');
    ageFile(path.join(dir, 'old-torn.json'), 200 * HOUR);
    fs.writeFileSync(path.join(dir, 'young-orphan-data'), 'x');

    const out = sweepUploads(dir, 168 * HOUR, now);

    expect(out.removed.sort()).toEqual(['old-finished', 'old-orphan-data', 'old-torn', 'old-unfinished']);
    expect(out.kept).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['young', 'young-orphan-data', 'young.json']);
  });

  it('an info file names the start even when the data file was touched since', () => {
    const dir = tempDir();
    plantUpload(dir, 'resumed', new Date(Date.now() - 200 * HOUR), false);
    // A PATCH last night moved the data file's mtime; the upload still expired by its creation date.
    expect(sweepUploads(dir, 168 * HOUR).removed).toEqual(['resumed']);
  });

  it('the store sweeps its uploads folder when it starts, with the expiry from store.json', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'store.json'), JSON.stringify({ uploadExpiryHours: 24 }));
    const store = openStoreData(dataDir);
    plantUpload(store.uploadsDir, 'two-days-old', new Date(Date.now() - 48 * HOUR), false);
    plantUpload(store.uploadsDir, 'an-hour-old', new Date(Date.now() - HOUR), false);
    const app = buildStoreApp(store);
    // @tus/file-store queues an mkdir of its folder from its constructor and never says when it is
    // done; let libuv's thread pool (FIFO, 4 threads) pass it, or the temp folder's removal at the end
    // of the test could come first and that mkdir would throw ENOENT outside any test.
    await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(dataDir)));
    try {
      await app.ready();
      expect(fs.readdirSync(store.uploadsDir).sort()).toEqual(['an-hour-old', 'an-hour-old.json']);
    } finally {
      await app.close();
      store.close();
    }
  });
});
