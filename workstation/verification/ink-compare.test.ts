import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import {
  randomNote,
  scanSheet,
  type ScanSettings,
  type Sheet,
} from '../../tests/support/near-duplicate-pages';
import { tempDir } from '../../tests/support/temp-dir';
import { processPage } from '../capture/process-page';
import { compareInk, pageInk, rotatedPageInk, turnedPageInk, type PageInk } from './ink-compare';
import { NEAR_DUPLICATE_THRESHOLDS } from './near-duplicates';

const THRESHOLD = NEAR_DUPLICATE_THRESHOLDS.inkDifference;
const DPI = 150;

/** A demo sheet scanned with `settings` and put through the real page processing: its master's features. */
async function scanned(sheet: Sheet, settings: ScanSettings): Promise<PageInk> {
  const root = path.join(tempDir(), 'blobs');
  const blobs = new BlobStore(root);
  const { sha256 } = blobs.put(await scanSheet(sheet, { dpi: DPI, ...settings }));
  const out = await processPage({ blobRoot: root, sha256, mode: 'gray', dpi: DPI });
  return pageInk(blobs.read(out.master.sha256), DPI);
}

const application: Sheet = { enterprise: 1, kind: 'application', page: 0 };
const identity: Sheet = { enterprise: 1, kind: 'identity', page: 0 };

describe('close comparison of two page images', () => {
  let first: PageInk;
  beforeAll(async () => {
    first = await scanned(application, { pass: 1 });
  }, 30_000);

  it('finds the same sheet scanned again: placed and skewed anew, brighter with clipped whites, JPEG q55', async () => {
    const again = await scanned(application, { pass: 2, quality: 55, gain: 1.12, offset: 10 });
    const c = compareInk(first, again, { stopAbove: THRESHOLD });
    expect(c.stage).toBe('fine');
    expect(c.score).toBeLessThanOrEqual(THRESHOLD);
  }, 30_000);

  it('does not take the form filled in with another name and code for it, and says where it differs', async () => {
    const renamed = await scanned({ ...application, renamed: 2 }, { pass: 3 });
    const c = compareInk(first, renamed, { coarseReject: Infinity });
    expect(c.score).toBeGreaterThan(THRESHOLD);
    // The name and code rows of the demo form lie 62–86 mm from the top: tile rows 4–7 of 22 (12 mm each,
    // counted inside the 5 % margin).
    expect(c.tile?.[1]).toBeGreaterThanOrEqual(3);
    expect(c.tile?.[1]).toBeLessThanOrEqual(7);
  }, 30_000);

  it('finds a sheet fed upside down once turned, and one on a white lid (another crop) as it is', async () => {
    const turned = await scanned(application, { pass: 4, turned: true });
    expect(compareInk(first, turnedPageInk(turned)).score).toBeLessThanOrEqual(THRESHOLD);
    expect(compareInk(first, turned).score).toBeGreaterThan(THRESHOLD);
    const lid = await scanned(application, { pass: 5, backing: '#f4f4f2' });
    expect(lid.fine.width).toBeGreaterThan(first.fine.width + 20); // the master kept the lid
    expect(compareInk(first, lid).score).toBeLessThanOrEqual(THRESHOLD);
  }, 30_000);

  it('finds a sheet fed sideways once turned back, either way', async () => {
    const clockwise = await scanned(application, { pass: 9, rotate: 90 });
    expect(clockwise.fine.width).toBeGreaterThan(clockwise.fine.height); // landscape as scanned
    expect(compareInk(first, rotatedPageInk(clockwise, 270)).score).toBeLessThanOrEqual(THRESHOLD);
    expect(compareInk(first, rotatedPageInk(clockwise, 90)).score).toBeGreaterThan(THRESHOLD);
    const anticlockwise = await scanned(application, { pass: 10, rotate: 270, quality: 55 });
    expect(compareInk(first, rotatedPageInk(anticlockwise, 90)).score).toBeLessThanOrEqual(THRESHOLD);
  }, 30_000);

  it('finds a rescan the alignment misplaces by more than a pixel, and still not the renamed sibling', async () => {
    // Measured (bench): this licence, brighter at JPEG q55, against a sideways scan of it scored 0.37
    // while every tile matched at 2 px/mm: the affine model was off by up to ~0.75 mm.
    const licence: Sheet = { enterprise: 2, kind: 'licence', page: 0 };
    const brighter = await scanned(licence, { pass: 2082, quality: 55, gain: 1.12, offset: 10 });
    const sideways = rotatedPageInk(await scanned(licence, { pass: 2083, rotate: 90 }), 270);
    const c = compareInk(brighter, sideways, { stopAbove: THRESHOLD, cover: THRESHOLD });
    expect(c.stage).toBe('fine');
    expect(c.score).toBeLessThanOrEqual(THRESHOLD);
    const renamed = await scanned({ ...licence, renamed: 102 }, { pass: 2084 });
    expect(compareInk(brighter, renamed, { stopAbove: THRESHOLD, cover: THRESHOLD }).score).toBeGreaterThan(
      THRESHOLD,
    );
  }, 60_000);

  it.each([
    ['a yellow note over 10 %', randomNote(21, 0.1, 'yellow')],
    ['a white slip with a line written on it over 15 %', randomNote(22, 0.15, 'white', true)],
    ['a yellow note with writing over 20 %', randomNote(23, 0.2, 'yellow', true)],
  ])(
    'looks past %s stuck on the sheet, and says which tiles it left out',
    async (_, note) => {
      const noted = await scanned(application, { pass: 11, note });
      const plain = compareInk(first, noted, { stopAbove: THRESHOLD });
      expect(plain.score).toBeGreaterThan(THRESHOLD); // every tile counting: the note is another page
      const c = compareInk(first, noted, { stopAbove: THRESHOLD, cover: THRESHOLD });
      expect(c.score).toBeLessThanOrEqual(THRESHOLD);
      // The tiles left out lie round the note (16 × 22 tiles over the sheet less its 5 % margin).
      const tile = (mm: number, of: number, n: number) => Math.floor(((mm / of - 0.05) / 0.9) * n);
      expect(c.covered?.c0).toBeLessThanOrEqual(Math.max(0, tile(note.x, 210, 16)) + 1);
      expect(c.covered?.c1).toBeGreaterThanOrEqual(tile(note.x + note.width, 210, 16) - 1);
      expect(c.covered?.r0).toBeLessThanOrEqual(Math.max(0, tile(note.y, 297, 22)) + 1);
      expect(c.covered?.r1).toBeGreaterThanOrEqual(tile(note.y + note.height, 297, 22) - 1);
    },
    30_000,
  );

  it('leaves nothing out for a sibling form: its differences are strokes on both sides, not a patch', async () => {
    for (const [sheet, pass] of [
      [{ ...application, renamed: 2 }, 12],
      [{ ...application, enterprise: 2 }, 13],
    ] as const) {
      const c = compareInk(first, await scanned(sheet, { pass }), { stopAbove: THRESHOLD, cover: THRESHOLD });
      expect(c.score).toBeGreaterThan(THRESHOLD);
      expect(c.covered).toBeUndefined();
    }
  }, 30_000);

  it('matches the tone curve: a grey photo that a brighter scan lightens is still the same sheet', async () => {
    // The first version modelled brightness as gain and offset from the paper level, which a clipped
    // white breaks: the ID photo then differed by ~0.15 (over the threshold) in such pairs.
    const a = await scanned(identity, { pass: 6 });
    const b = await scanned(identity, { pass: 7, gain: 1.12, offset: 10 });
    expect(compareInk(a, b).score).toBeLessThanOrEqual(THRESHOLD / 2);
  }, 30_000);

  it('rejects another form at the coarse scale without a fine look', async () => {
    const other = await scanned({ enterprise: 1, kind: 'licence', page: 0 }, { pass: 8 });
    const c = compareInk(first, other, { stopAbove: THRESHOLD });
    expect(c.stage).toBe('coarse');
    expect(c.score).toBeGreaterThan(THRESHOLD);
  }, 30_000);
});
