import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { PageHashesRepo } from '../../db/repos/page-hashes';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import {
  randomNote,
  scanSheet,
  type ScanSettings,
  type Sheet,
} from '../../tests/support/near-duplicate-pages';
import { openTestRepos, seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { addDemoPages } from '../../tests/support/volume-pages';
import { CapturePipeline } from '../capture/pipeline';
import { machineCheckVolume, machineCheckVolumeWithImages } from './machine';
import { NearDuplicateFinder } from './near-duplicates';

const open: CapturePipeline[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
});

const form = (enterprise: number): Sheet => ({ enterprise, kind: 'application', page: 0 });
const identity: Sheet = { enterprise: 1, kind: 'identity', page: 0 };
const blank: Sheet = { enterprise: 1, kind: 'blank', page: 0 };

describe('near-duplicate pages in the machine checks', () => {
  it('reports a sheet scanned again (upside down, sideways, with a sticky note over 15 % of it) with both page numbers, not a sibling form (even one with only another name and code) nor blank pages, and caches the work', async () => {
    const { db, repos, clock } = openTestRepos();
    const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
    const pipeline = new CapturePipeline(db, repos, blobs, { threads: 2 });
    open.push(pipeline);
    const { volumeId } = seedVolume(repos);
    // Real demo scans through the real capture pipeline (deskew, crop, thumbnail).
    const scans: [Sheet, ScanSettings][] = [
      [form(1), { pass: 1 }],
      [identity, { pass: 2 }],
      [form(1), { pass: 3, quality: 55, gain: 1.12, offset: 10 }], // the same sheet again: page 3
      [form(2), { pass: 4 }], // the same form filled in for another enterprise
      [blank, { pass: 5 }],
      [blank, { pass: 6 }], // two blank sheets look alike; blank pages are flagged, not compared
      [form(1), { pass: 7, turned: true }], // fed upside down: page 7
      [{ ...form(1), renamed: 2 }, { pass: 8 }], // only another name and code filled in
      [form(1), { pass: 9, rotate: 90 }], // fed sideways: page 9
      [form(1), { pass: 10, note: randomNote(4, 0.15, 'yellow', true) }], // a sticky note on it: page 10
    ];
    const images = await Promise.all(
      scans.map(async ([sheet, settings]) => ({
        bytes: await scanSheet(sheet, settings),
        mediaType: 'image/jpeg',
        dpi: 150,
        mode: 'gray' as const,
      })),
    );
    pipeline.captureAll(volumeId, images);
    pipeline.start();
    await pipeline.idle();
    expect(repos.pages.list(volumeId).map((p) => p.isBlank)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);

    const hashes = new PageHashesRepo(db, clock.now);
    const finder = new NearDuplicateFinder(hashes, blobs);
    const ocr = new PageOcrRepo(db, clock.now);
    // Before anything is computed, the check says which pages it could not compare yet.
    const before = machineCheckVolume(repos, ocr, volumeId, { nearDuplicates: finder });
    expect(before.nearDuplicates?.unchecked).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);

    const report = await machineCheckVolumeWithImages(repos, ocr, volumeId, finder);
    expect(report.nearDuplicates?.unchecked).toEqual([]);
    // [first, second, how far the second is turned to lie over the first, covered by a note]
    const pairs = report.nearDuplicates?.pairs.map((p) => [
      p.first,
      p.second,
      p.rotation,
      p.covered !== undefined,
    ]);
    expect(pairs).toEqual([
      [1, 3, 0, false],
      [1, 7, 180, false],
      [1, 9, 270, false],
      [1, 10, 0, true],
      [3, 7, 180, false],
      [3, 9, 270, false],
      [3, 10, 0, true],
      [7, 9, 90, false],
      [7, 10, 180, true],
      [9, 10, 90, true],
    ]);
    const check = report.checks.find((c) => c.id === 'duplicate-images');
    expect(check?.status).toBe('warning');
    // One warning per pair, on the later page.
    expect(check?.issues.map((i) => [i.code, i.severity, i.page])).toEqual(
      (pairs ?? []).map(([, second]) => ['verify.near-duplicate-image', 'warning', second]),
    );
    expect(check?.issues[0]?.message.zh).toContain('第 3 页与第 1 页');

    // The hashes and comparisons are cached by image digest: a second run computes nothing.
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    expect(count('image_hashes')).toBe(64); // whole and box, turned four ways, for each of the 8 content pages
    const compared = count('image_pair_scores');
    // At least the ten rescan pairs and the siblings, and the share covered by the note for four of them.
    expect(compared).toBeGreaterThanOrEqual(16);
    await finder.prepare(volumeId);
    expect([count('image_hashes'), count('image_pair_scores')]).toEqual([64, compared]);
    expect(machineCheckVolume(repos, ocr, volumeId, { nearDuplicates: finder }).nearDuplicates).toEqual(
      report.nearDuplicates,
    );
  }, 60_000);

  it('lists a page whose image cannot be decoded as not compared, and checks the others', async () => {
    const { db, repos, clock } = openTestRepos();
    const blobs = new BlobStore(path.join(tempDir(), 'blobs'));
    const { volumeId } = seedVolume(repos);
    const page = await scanSheet(form(1), { pass: 1 });
    addDemoPages(repos, blobs, volumeId, [
      { png: page },
      { png: Buffer.from('not an image at all') },
      { png: await scanSheet(identity, { pass: 2 }) },
    ]);
    const finder = new NearDuplicateFinder(new PageHashesRepo(db, clock.now), blobs);
    const report = await machineCheckVolumeWithImages(
      repos,
      new PageOcrRepo(db, clock.now),
      volumeId,
      finder,
    );
    expect(report.nearDuplicates).toEqual({ pairs: [], unchecked: [2] });
    const check = report.checks.find((c) => c.id === 'duplicate-images');
    expect(check?.issues.map((i) => i.code)).toEqual(['verify.near-duplicate-unchecked']);
    expect(check?.issues[0]?.message.zh).toContain('第 2 页');
  });
});
