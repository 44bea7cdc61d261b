import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue, jpegLike } from '../../tests/support/faulty-catalogue';
import { domainError, OPERATOR } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { openDatabase } from '../open';
import { backupDataDir, listBackups, rowCounts } from './backup';
import { restoreDataDir } from './restore';

describe('backup', () => {
  it('writes a verified copy with a manifest, copies each blob once, and rotates', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    const to = tempDir();
    let t = Date.parse('2026-10-01T00:00:00Z');
    const now = () => new Date(t);
    const first = await backupDataDir(cat.db, cat.blobs, to, { now, blobSample: 'all' });
    expect(first.manifest.rowCounts).toEqual(rowCounts(cat.db));
    expect(first.manifest.blobs.copied).toBe(first.manifest.blobs.total);
    expect(fs.readdirSync(to).filter((n) => n.endsWith('.partial'))).toEqual([]);
    for (let i = 0; i < 3; i++) {
      t += 86_400_000;
      const next = await backupDataDir(cat.db, cat.blobs, to, { now, keep: 2 });
      expect(next.manifest.blobs.copied).toBe(0); // content-addressed: nothing new to copy
    }
    expect(listBackups(to).map((d) => path.basename(d))).toEqual([
      'dangan-20261003T000000Z',
      'dangan-20261004T000000Z',
    ]);
  });

  it('succeeds over a catalogue with damaged or missing images, copying only intact ones', async () => {
    const cat = faultyCatalogue(); // one page file removed, blobs corrupted in place
    expect(cat.corrupted.length).toBeGreaterThan(0);
    const to = tempDir();
    const r = await backupDataDir(cat.db, cat.blobs, to, { blobSample: 'all' });
    for (const sha of cat.corrupted) {
      expect(fs.existsSync(path.join(to, 'blobs', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha))).toBe(
        false,
      );
    }
    expect(r.manifest.blobs.copied).toBeLessThan(r.manifest.blobs.total);
  });

  it('is not reported when the copy fails verification, and leaves no partial backup behind', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    // A blob that is damaged in the backup folder already (the shared folder is trusted by size):
    const sha = cat.db.prepare('SELECT sha256 FROM blobs LIMIT 1').pluck().get() as string;
    const target = path.join(to, 'blobs', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, jpegLike(fs.statSync(cat.blobs.pathOf(sha)).size));
    const err = await backupDataDir(cat.db, cat.blobs, to, { blobSample: 'all' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'backup.unverified' });
    expect(listBackups(to)).toEqual([]);
    expect(fs.readdirSync(to).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('restore drill', () => {
  it('restores the data folder to the backup exactly, keeping the replaced database', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    const to = tempDir();
    const backup = await backupDataDir(cat.db, cat.blobs, to);
    const atBackup = rowCounts(cat.db);
    const titles = cat.db.prepare('SELECT title FROM documents ORDER BY id').pluck().all();

    // Work goes on after the backup; then disaster: a page's blob and rows are lost or changed.
    const volumeId = cat.db.prepare('SELECT id FROM volumes LIMIT 1').pluck().get() as number;
    const put = cat.blobs.put(jpegLike());
    cat.repos.pages.addCaptured({
      volumeId,
      blob: { sha256: put.sha256, size: put.size, mediaType: 'image/jpeg' },
    });
    cat.db.prepare("UPDATE documents SET title = 'damaged'").run();
    // A page the backup holds: the oldest one. (Without an order, SQLite may answer from the blob index
    // with the smallest digest, which can be the page captured after the backup.)
    const lost = cat.db.prepare('SELECT blob_sha256 FROM pages ORDER BY id LIMIT 1').pluck().get() as string;
    fs.rmSync(cat.blobs.pathOf(lost));
    cat.repos.audit.append({ ...OPERATOR, action: 'test.after', outcome: 'ok' });
    cat.db.close();

    const dry = restoreDataDir(backup.dir, cat.dir, { dryRun: true });
    expect(dry.blobsToCopy).toBe(1);
    expect(fs.existsSync(cat.blobs.pathOf(lost))).toBe(false); // a dry run changes nothing

    const done = restoreDataDir(backup.dir, cat.dir);
    expect(done.previous).toMatch(/dangan\.db\.before-restore-/);
    expect(fs.existsSync(done.previous ?? '')).toBe(true);
    const { db } = openDatabase(path.join(cat.dir, 'dangan.db'));
    try {
      expect(rowCounts(db)).toEqual(atBackup);
      expect(db.prepare('SELECT title FROM documents ORDER BY id').pluck().all()).toEqual(titles);
      expect(cat.blobs.verify(lost).status).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('refuses a damaged backup and leaves the data folder untouched', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    const backup = await backupDataDir(cat.db, cat.blobs, to);
    cat.db.close();
    const file = path.join(backup.dir, 'dangan.db');
    const bytes = fs.readFileSync(file);
    bytes.fill(0x41, 0, 100); // the header is gone
    fs.writeFileSync(file, bytes);
    const before = fs.readFileSync(path.join(cat.dir, 'dangan.db'));
    expect(domainError(() => restoreDataDir(backup.dir, cat.dir)).code).toBe('restore.refused');
    expect(fs.readFileSync(path.join(cat.dir, 'dangan.db')).equals(before)).toBe(true);
    fs.rmSync(path.join(backup.dir, 'manifest.json'));
    expect(domainError(() => restoreDataDir(backup.dir, cat.dir)).text.zh).toMatch(/清单文件/);
  });
});
