import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { isDomainError } from '../../core/errors';
import { faultyCatalogue, jpegLike } from '../../tests/support/faulty-catalogue';
import { domainError, OPERATOR } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { MIGRATIONS } from '../migrations';
import { openDatabase } from '../open';
import { openStoreDatabase } from '../store/open-store';
import { BlobStore } from '../blob-store';
import { sha256Hex } from '../digest';
import { backupDataDir, blobPath, listBackups, rowCounts, type BackupManifest } from './backup';
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

  it('names each image it could not back up, and a restore from it names them as beyond reach', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 2 });
    type Row = { sha: string; archiveNo: string; seq: number };
    const rows = cat.db
      .prepare(
        `SELECT p.blob_sha256 AS sha, v.archive_no AS archiveNo, p.seq FROM pages p JOIN volumes v ON v.id = p.volume_id
         ORDER BY p.id`,
      )
      .all() as Row[];
    const gone = rows[0] as Row;
    const rotten = rows.at(-1) as Row;
    fs.rmSync(cat.blobs.pathOf(gone.sha));
    fs.chmodSync(cat.blobs.pathOf(rotten.sha), 0o644);
    fs.writeFileSync(cat.blobs.pathOf(rotten.sha), jpegLike(fs.statSync(cat.blobs.pathOf(rotten.sha)).size));
    const to = tempDir();
    const r = await backupDataDir(cat.db, cat.blobs, to);
    const named = (
      l: readonly {
        sha256: string;
        problem: string;
        pages: readonly { archiveNo: string | null; seq: number }[];
      }[],
    ) =>
      l.map((i) => ({
        sha: i.sha256,
        problem: i.problem,
        where: i.pages.map((p) => `${p.archiveNo} ${p.seq}`),
      }));
    const expected = [
      { sha: gone.sha, problem: 'missing', where: [`${gone.archiveNo} ${gone.seq}`] },
      { sha: rotten.sha, problem: 'corrupt', where: [`${rotten.archiveNo} ${rotten.seq}`] },
    ].sort((a, b) => a.sha.localeCompare(b.sha));
    expect(named(r.manifest.notBackedUp)).toEqual(expected);
    expect(r.manifest.blobs.unreadable).toBe(2);
    const written = JSON.parse(fs.readFileSync(path.join(r.dir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(named(written.notBackedUp)).toEqual(expected);
    cat.db.close();

    // The folder is the same: neither the backup nor it holds the two intact, and a restore says so.
    const dry = restoreDataDir(r.dir, cat.dir, { dryRun: true });
    expect(named(dry.lost)).toEqual(expected);
    // Elsewhere (a new machine's empty folder) both are still beyond reach, now as missing; the rest comes back.
    const fresh = restoreDataDir(r.dir, tempDir());
    expect(named(fresh.lost)).toEqual(expected.map((e) => ({ ...e, problem: 'missing' })));
    expect(fresh.blobsToCopy).toBe(rows.length - 2);
  });

  it('leaves out and names an image damaged in the backup when restoring, and restores the rest', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    const r = await backupDataDir(cat.db, cat.blobs, to);
    const sha = cat.db.prepare('SELECT blob_sha256 FROM pages ORDER BY id LIMIT 1').pluck().get() as string;
    cat.db.close();
    const file = blobPath(path.join(to, 'blobs'), sha);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, jpegLike(fs.statSync(file).size));
    const target = tempDir();
    const done = restoreDataDir(r.dir, target);
    expect(done.lost.map((i) => i.sha256)).toEqual([sha]);
    const here = new BlobStore(path.join(target, 'blobs'));
    expect(here.has(sha)).toBe(false);
    const all = fs.readdirSync(path.join(target, 'blobs'), { recursive: true, withFileTypes: true });
    expect(all.filter((f) => f.isFile()).map((f) => f.name)).not.toContain(sha256Hex(fs.readFileSync(file)));
  });

  it('refuses a folder inside the data folder or under a missing parent; makes a new one on an existing drive and says so', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const refusal = (to: string) =>
      backupDataDir(cat.db, cat.blobs, to).then(
        () => null,
        (e: unknown) => (isDomainError(e) ? e : null),
      );
    for (const inside of [cat.dir, path.join(cat.dir, 'blobs'), path.join(cat.dir, 'new-sub')]) {
      const err = await refusal(inside);
      expect(err?.code).toBe('backup.folder');
      expect(err?.text.zh).toMatch(/在数据目录 .* 之内/);
    }
    expect(fs.existsSync(path.join(cat.dir, 'new-sub'))).toBe(false);
    expect(fs.readdirSync(path.join(cat.dir, 'blobs')).filter((n) => n.startsWith('dangan-'))).toEqual([]);
    const unplugged = path.join(tempDir(), 'E-drive', '备份');
    const err = await refusal(unplugged);
    expect(err?.text.zh).toMatch(/上一级文件夹 .* 不存在（移动硬盘未连接或路径写错？）/);
    expect(fs.existsSync(path.dirname(unplugged))).toBe(false);
    const fresh = path.join(tempDir(), '备份');
    const made = await backupDataDir(cat.db, cat.blobs, fresh);
    expect(made.created).toBe(true);
    expect(
      (await backupDataDir(cat.db, cat.blobs, fresh, { now: () => new Date(Date.now() + 1000) })).created,
    ).toBe(false);
  });

  it('asked to restore from the folder backups are written to, names its newest backups to pick from', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    let t = Date.parse('2026-10-01T00:00:00Z');
    for (let i = 0; i < 4; i++) {
      t += 86_400_000;
      await backupDataDir(cat.db, cat.blobs, to, { now: () => new Date(t) });
    }
    cat.db.close();
    const err = domainError(() => restoreDataDir(to, cat.dir, { dryRun: true }));
    expect(err.code).toBe('restore.pick-one');
    expect(err.text.zh).toContain(`其中有 4 份备份：请选其中一份`);
    expect(err.text.zh).toContain(
      ['20261005', '20261004', '20261003'].map((d) => path.join(to, `dangan-${d}T000000Z`)).join('、'),
    );
    expect(err.text.zh).not.toContain('20261002');
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
    expect(fs.readdirSync(to).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  // Each way the copy can go wrong between copying and verifying (the beforeVerify seam): refused, not listed.
  const damages: [string, RegExp, (copy: { database: string; blobRoot: string }, sha: string) => void][] = [
    [
      'the copy database header overwritten',
      /副本已损坏/,
      (c) => {
        const bytes = fs.readFileSync(c.database);
        bytes.fill(0x41, 0, 100);
        fs.writeFileSync(c.database, bytes);
      },
    ],
    [
      'an index page of the copy overwritten',
      /完整性检查失败|副本已损坏/,
      (c) => {
        const copy = new Database(c.database);
        const size = Number(copy.pragma('page_size', { simple: true }));
        const root = copy
          .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pages' LIMIT 1")
          .pluck()
          .get() as number;
        copy.close();
        const fd = fs.openSync(c.database, 'r+');
        fs.writeSync(fd, Buffer.alloc(size, 0x07), 0, size, (root - 1) * size);
        fs.closeSync(fd);
      },
    ],
    [
      'a row missing from the copy',
      /行数与源库不符：documents/,
      (c) => {
        const copy = new Database(c.database);
        copy.pragma('foreign_keys = OFF');
        copy.prepare('DELETE FROM documents WHERE id = (SELECT max(id) FROM documents)').run();
        copy.close();
      },
    ],
    [
      'a copied image changed in place (same size)',
      /摘要不符/,
      (c, sha) => {
        const file = blobPath(c.blobRoot, sha);
        fs.writeFileSync(file, jpegLike(fs.statSync(file).size));
      },
    ],
    [
      'a copied image gone',
      /不在备份中/,
      (c, sha) => {
        fs.rmSync(blobPath(c.blobRoot, sha));
      },
    ],
  ];
  it.each(damages)('refuses a copy with %s and lists no backup', async (_what, message, damage) => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    const sha = cat.db.prepare('SELECT sha256 FROM blobs ORDER BY sha256 LIMIT 1').pluck().get() as string;
    const err = await backupDataDir(cat.db, cat.blobs, to, {
      blobSample: 'all',
      beforeVerify: (copy) => {
        damage(copy, sha);
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'backup.unverified' });
    expect(isDomainError(err) ? err.text.zh : '').toMatch(message);
    expect(listBackups(to)).toEqual([]);
    expect(fs.readdirSync(to).filter((n) => n.startsWith('dangan-') || n.endsWith('.partial'))).toEqual([]);
    // The next run is a backup: a damaged image in the shared folder was removed, so it is copied again.
    await backupDataDir(cat.db, cat.blobs, to, { blobSample: 'all' });
    expect(listBackups(to)).toHaveLength(1);
  });

  it('copies one snapshot while another connection writes between its steps, and checks it exactly', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 3 });
    const to = tempDir();
    const writer = openDatabase(cat.db.name).db;
    const before = rowCounts(cat.db);
    let writes = 0;
    const phases = new Set<string>();
    const r = await backupDataDir(cat.db, cat.blobs, to, {
      pagesPerStep: 1, // a step per database page: the writer commits between every two
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase !== 'database') return;
        writer
          .prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, '1', 't')")
          .run(`k${writes++}`);
      },
    });
    writer.close();
    expect(writes).toBeGreaterThan(10);
    expect([...phases]).toEqual(['database', 'blobs', 'verify']);
    expect(r.manifest.rowCounts).toEqual(before); // the snapshot the copy began with, exactly
    expect(rowCounts(cat.db)['settings']).toBe((before['settings'] ?? 0) + writes);
  });

  it('refuses a second backup into a folder a backup is being written to, and clears a killed run’s partial', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    fs.mkdirSync(path.join(to, '.dangan-20260101T000000Z.partial'));
    let second: Promise<unknown> | undefined;
    await backupDataDir(cat.db, cat.blobs, to, {
      beforeVerify: () => {
        second = backupDataDir(cat.db, cat.blobs, to).then(
          () => null,
          (e: unknown) => e,
        );
      },
    });
    expect(await second).toMatchObject({ code: 'backup.busy' });
    expect(listBackups(to)).toHaveLength(1);
    expect(fs.existsSync(path.join(to, '.dangan-20260101T000000Z.partial'))).toBe(false);
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

  /** Replaces the backup's database and rewrites its manifest to match, so only what the database is can be refused. */
  function forge(dir: string, database: (file: string) => void): void {
    const file = path.join(dir, 'dangan.db');
    fs.rmSync(file);
    database(file);
    const db = new Database(file, { readonly: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as object;
    const forged = {
      ...manifest,
      schemaVersion: Number(db.pragma('user_version', { simple: true })),
      rowCounts: rowCounts(db),
    };
    db.close();
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(forged));
  }

  const foreign: [string, RegExp, (file: string, from: string) => void][] = [
    [
      'a newer program’s',
      /较新版本的程序.*请先升级程序/,
      (file, from) => {
        fs.copyFileSync(from, file);
        const db = new Database(file);
        db.pragma(`user_version = ${(MIGRATIONS.at(-1)?.version ?? 0) + 1}`);
        db.close();
      },
    ],
    [
      'an archive store’s',
      /不是工作站的档案数据库/,
      (file) => {
        openStoreDatabase(file).close();
      },
    ],
    [
      'another program’s',
      /不是工作站的档案数据库/,
      (file) => {
        const db = new Database(file);
        db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, volume_id INTEGER)');
        db.close();
      },
    ],
  ];
  it.each(foreign)(
    'refuses %s backup in both languages and leaves the data folder untouched',
    async (_w, zh, make) => {
      const cat = faultyCatalogue({ faults: false, clean: 1 });
      const backup = await backupDataDir(cat.db, cat.blobs, tempDir());
      cat.db.close();
      forge(backup.dir, (file) => {
        make(file, path.join(cat.dir, 'dangan.db'));
      });
      const before = fs.readFileSync(path.join(cat.dir, 'dangan.db'));
      const err = domainError(() => restoreDataDir(backup.dir, cat.dir));
      expect(err.code).toBe('restore.refused');
      expect(err.text.zh).toMatch(zh);
      expect(err.text.en).toMatch(/^Cannot restore from this backup: /);
      expect(fs.readFileSync(path.join(cat.dir, 'dangan.db')).equals(before)).toBe(true);
      expect(fs.readdirSync(cat.dir).filter((n) => n.includes('before-restore'))).toEqual([]);
    },
  );

  it('refuses the folder a killed backup left, even with its manifest written', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const to = tempDir();
    const backup = await backupDataDir(cat.db, cat.blobs, to);
    cat.db.close();
    const partial = path.join(to, `.${path.basename(backup.dir)}.partial`);
    fs.cpSync(backup.dir, partial, { recursive: true }); // as if killed between the manifest and the rename
    expect(listBackups(to)).toEqual([backup.dir]);
    const err = domainError(() => restoreDataDir(partial, cat.dir, { dryRun: true }));
    expect(err.text.zh).toMatch(/未完成的备份/);
  });
});
