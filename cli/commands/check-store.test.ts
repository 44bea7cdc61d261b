import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../core/checks/categories';
import type { CheckReport } from '../../core/checks/finding';
import { openStoreDatabase } from '../../db/store/open-store';
import { BlobStore } from '../../db/blob-store';
import { runCli as run } from '../../tests/support/cli';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';

/** A real store data folder: two volumes sent by the offline path (bag export → bag import). */
async function storeWithVolumes(): Promise<string> {
  const dataDir = tempDir();
  const storeDir = tempDir();
  const ws = openTestWorkstation(dataDir);
  const a = seedVerifiedVolume(ws, { serial: 1, pages: 3 });
  const b = seedVerifiedVolume(ws, { serial: 2, pages: 3 });
  ws.data.close();
  const usb = path.join(tempDir(), 'usb');
  const exported = await run(
    'bag',
    'export',
    '--data',
    dataDir,
    '--volume',
    String(a.volumeId),
    String(b.volumeId),
    '--to',
    usb,
  );
  expect(exported.code).toBe(0);
  expect((await run('store', 'init', '--store-data', storeDir)).code).toBe(0);
  expect((await run('bag', 'import', usb, '--store-data', storeDir)).code).toBe(0);
  return storeDir;
}

async function check(storeDir: string): Promise<CheckReport> {
  const r = await run('check', '--store-data', storeDir, '--json');
  return JSON.parse(r.out) as CheckReport;
}

const kinds = (report: CheckReport) =>
  report.categories.flatMap((c) => c.findings.map((f) => `${f.kind} ${f.entityType}`)).sort();

describe('dangan check --store-data: the checks on an archive store', () => {
  it('finds only the one real fault of a freshly received store, and says what does not apply there', async () => {
    const storeDir = await storeWithVolumes();
    const report = await check(storeDir);
    expect(report.categories.map((c) => c.id)).toEqual([...CHECK_IDS]);
    // Both volumes are 设立 volumes of one enterprise: two openings is the only finding.
    expect(kinds(report)).toEqual(['multi-opening.several enterprise']);
    const notes = Object.fromEntries(
      report.categories.map((c) => [c.id, c.notes.map((n) => n.en).join(' ')]),
    );
    expect(notes['image-wrong']).toMatch(/no fixity/);
    expect(notes['redundant-data']).toMatch(/never soft-deletes/);
  });

  it('finds faults planted in the store database and its blob folder', async () => {
    const storeDir = await storeWithVolumes();
    const db = openStoreDatabase(path.join(storeDir, 'store.db'));
    const blobs = new BlobStore(path.join(storeDir, 'blobs'));
    const pages = db
      .prepare(
        `SELECT p.id, p.blob_sha256 AS sha256, vv.volume_id FROM pages p JOIN volume_versions vv ON vv.id = p.version_id ORDER BY p.id`,
      )
      .all() as { id: number; sha256: string; volume_id: number }[];
    const [first, second, , fourth] = pages;
    if (!first || !second || !fourth) throw new Error('fixture');
    fs.rmSync(blobs.pathOf(first.sha256)); // image-missing
    blobs.put(Buffer.from('an orphan file, no row')); // image-redundant: orphan file
    db.prepare("UPDATE pages SET meta = json_set(meta, '$.dpiX', 150) WHERE id = ?").run(second.id); // low dpi
    db.prepare('UPDATE volume_versions SET declared_pages = 9 WHERE volume_id = ?').run(fourth.volume_id); // page count
    db.prepare('UPDATE pages SET seq = 7 WHERE id = ?').run(fourth.id); // a gap
    db.prepare('UPDATE volumes SET archive_no = lower(archive_no) WHERE id = ?').run(fourth.volume_id); // unnormalised 档号
    db.close();

    const report = await check(storeDir);
    expect(kinds(report)).toEqual(
      [
        'image-missing.pages volume',
        'image-redundant.orphan-file blob',
        'image-wrong.low-dpi page',
        'index-error.unnormalised-code volume',
        'multi-opening.several enterprise',
        'page-count.mismatch volume',
        'page-error.seq-gap volume',
        'page-error.uncatalogued volume', // page 7 lies after the last document
      ].sort(),
    );
  });

  it('names the pages using an image a finding is about, from the store schema', async () => {
    const storeDir = await storeWithVolumes();
    const again = openStoreDatabase(path.join(storeDir, 'store.db'));
    const second = again
      .prepare('SELECT id, blob_sha256 AS sha256 FROM pages ORDER BY id LIMIT 1 OFFSET 1')
      .get() as { id: number; sha256: string } | undefined;
    if (!second) throw new Error('fixture');
    new BlobStore(path.join(storeDir, 'blobs')).put(Buffer.from('an orphan file, no row'));
    again.prepare('UPDATE blobs SET size = size + 1 WHERE sha256 = ?').run(second.sha256);
    const at = again
      .prepare(
        `SELECT v.archive_no AS archiveNo, p.seq FROM pages p JOIN volume_versions vv ON vv.id = p.version_id
         JOIN volumes v ON v.id = vv.volume_id WHERE p.id = ?`,
      )
      .get(second.id) as { archiveNo: string; seq: number };
    again.close();
    const text = await run('check', '--store-data', storeDir, '--only', 'image-wrong,image-redundant');
    expect(text.out).toContain(`used by ${at.archiveNo} page ${at.seq}`);
    expect(text.out).toContain('没有页面使用此图像');
  });
});
