import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { multiPageG4, pageImage, pngBomb } from '../../native/folder/fixtures';
import { openTestRepos, seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { importFolder, watchImport, type FileOutcome } from './import';
import { CapturePipeline } from './pipeline';
import { closedAtTestEnd } from '../../tests/support/capture-pipeline';

function setup() {
  const { db, repos } = openTestRepos();
  const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
  const make = () => closedAtTestEnd(new CapturePipeline(db, repos, blobs, { threads: 0 }));
  const { volumeId } = seedVolume(repos);
  return { db, repos, blobs, make, volumeId };
}

const names = (outcomes: readonly FileOutcome[], kind: FileOutcome['kind']) =>
  outcomes.filter((o) => o.kind === kind).map((o) => path.basename(o.file));

describe('folder import', () => {
  it('takes good files in natural order, refuses each bad one with its reason, and harms none of the rest', async () => {
    const { repos, make, volumeId } = setup();
    const dir = tempDir();
    const write = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
    };
    write('page10.jpg', await pageImage('jpeg', 10));
    write('page2.png', await pageImage('png', 2));
    write('page1.jpg', await pageImage('jpeg', 1));
    write('page3.tif', await multiPageG4(3));
    const good = await pageImage('jpeg', 4);
    write('empty.jpg', Buffer.alloc(0));
    write('cut.jpg', good.subarray(0, good.length >> 1));
    write('bomb.png', pngBomb());
    write('named-wrong.tif', await pageImage('png', 5));
    write('readme.txt', Buffer.from('not taken: not an image name'));

    const outcomes = await importFolder(make(), volumeId, dir);
    expect(names(outcomes, 'taken')).toEqual(['page1.jpg', 'page2.png', 'page3.tif', 'page10.jpg']);
    const refused = outcomes.flatMap((o) =>
      o.kind === 'refused' ? [[path.basename(o.file), o.error.code]] : [],
    );
    expect(Object.fromEntries(refused)).toEqual({
      'bomb.png': 'import.too-large',
      'cut.jpg': 'import.truncated',
      'empty.jpg': 'import.empty',
      'named-wrong.tif': 'import.wrong-extension',
    });
    // 1 + 1 + 3 (multi-page TIFF) + 1 pages, in file order.
    const pages = repos.pages.list(volumeId);
    expect(pages).toHaveLength(6);
    expect(pages.map((p) => p.colorMode)).toEqual(['gray', 'gray', 'bw', 'bw', 'bw', 'gray']);
  });

  it('takes each file exactly once, also after a restart, and not a copy of the same bytes under another name', async () => {
    const { repos, make, volumeId } = setup();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.jpg'), await pageImage('jpeg', 1));
    fs.writeFileSync(path.join(dir, 'b.jpg'), await pageImage('jpeg', 2));
    expect(names(await importFolder(make(), volumeId, dir), 'taken')).toEqual(['a.jpg', 'b.jpg']);
    fs.copyFileSync(path.join(dir, 'a.jpg'), path.join(dir, 'a-copy.jpg'));
    const again = await importFolder(make(), volumeId, dir); // a new pipeline: as after a restart
    expect(names(again, 'taken')).toEqual([]);
    expect(names(again, 'skipped').sort()).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
    expect(repos.pages.list(volumeId)).toHaveLength(2);
  });

  it('hot folder: takes a file only when its writer has finished, once, and not again after a restart', async () => {
    const { repos, make, volumeId } = setup();
    const dir = tempDir();
    const bytes = await pageImage('jpeg', 7);
    const seen: FileOutcome[] = [];
    const hot = watchImport(make(), volumeId, dir, (o) => seen.push(o), { stabilityMs: 400, pollMs: 50 });
    await hot.ready;
    // A slow writer: half the file, a pause shorter than the stability time, then the rest.
    const file = path.join(dir, 'scan0001.jpg');
    fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    await new Promise((r) => setTimeout(r, 200));
    expect(repos.pages.list(volumeId)).toHaveLength(0);
    fs.appendFileSync(file, bytes.subarray(bytes.length >> 1));
    await waitFor(() => seen.length >= 1);
    await hot.idle();
    expect(seen.map((o) => o.kind)).toEqual(['taken']);
    expect(repos.pages.list(volumeId)).toHaveLength(1);
    await hot.close();

    const after: FileOutcome[] = [];
    const hot2 = watchImport(make(), volumeId, dir, (o) => after.push(o), { stabilityMs: 400, pollMs: 50 });
    await hot2.ready;
    await waitFor(() => after.length >= 1);
    await hot2.close();
    expect(after.map((o) => o.kind)).toEqual(['skipped']);
    expect(repos.pages.list(volumeId)).toHaveLength(1);
  });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
