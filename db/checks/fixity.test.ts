import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultyCatalogue, jpegLike } from '../../tests/support/faulty-catalogue';
import { runFixitySlice } from './fixity';
import { probeImage } from './image-probe';

function statuses(db: ReturnType<typeof faultyCatalogue>['db']): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM fixity_results GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('fixity: the full re-hash as a rotating, resumable slice per run', () => {
  it('covers every blob exactly once per cycle in runsPerCycle runs, then starts the next cycle', () => {
    const cat = faultyCatalogue({ faults: false, clean: 5 });
    const total = cat.db.prepare('SELECT count(*) FROM blobs').pluck().get() as number;
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(runFixitySlice(cat.db, cat.blobs, { runsPerCycle: 4, chunk: 3 }));
    expect(runs.reduce((n, r) => n + r.checked, 0)).toBe(total);
    expect(runs.every((r) => r.cycle === 1)).toBe(true);
    expect(runs.at(-1)?.cycleCompleted).toBe(true);
    expect(runs.slice(0, -1).some((r) => r.cycleCompleted)).toBe(false);
    const checked = cat.db.prepare('SELECT count(*) FROM fixity_results WHERE cycle = 1').pluck().get();
    expect(checked).toBe(total);
    const next = runFixitySlice(cat.db, cat.blobs, { runsPerCycle: 4 });
    expect(next.cycle).toBe(2);
    expect(next.checked).toBe(Math.ceil(total / 4));
    expect(statuses(cat.db)).toEqual({ ok: total });
  });

  it('a store smaller than the cycle re-hashes one image per run, so damage in place is found within the cycle', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const digests = cat.db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
    expect(digests.length).toBeLessThan(30);
    // The last image in digest order, damaged in place with the same size: found by the last run.
    const last = digests.at(-1) ?? '';
    fs.writeFileSync(cat.blobs.pathOf(last), jpegLike(fs.statSync(cat.blobs.pathOf(last)).size));
    const runs = Array.from({ length: 30 }, () => runFixitySlice(cat.db, cat.blobs, { runsPerCycle: 30 }));
    expect(runs.slice(0, digests.length).map((r) => r.checked)).toEqual(digests.map(() => 1));
    expect(runs.findIndex((r) => r.problems.some((p) => p.sha256 === last))).toBe(digests.length - 1);
    expect(runs[digests.length - 1]?.cycleCompleted).toBe(true);
  });

  it('resumes after the last committed chunk when a run is interrupted', () => {
    const cat = faultyCatalogue({ faults: false, clean: 3 });
    const digests = cat.db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
    // A probe that fails on the 5th blob read stands for a crash in the middle of a run.
    let reads = 0;
    const crashing = (bytes: Uint8Array) => {
      if (++reads === 5) throw new Error('killed');
      return probeImage(bytes);
    };
    expect(() => runFixitySlice(cat.db, cat.blobs, { maxBlobs: 100, chunk: 2, probe: crashing })).toThrow(
      'killed',
    );
    const cursor = cat.db.prepare('SELECT cursor FROM fixity_state').pluck().get();
    expect(cursor).toBe(digests[3]); // two chunks of two were committed
    const rest = runFixitySlice(cat.db, cat.blobs, { maxBlobs: 100, chunk: 2 });
    expect(rest.checked).toBe(digests.length - 4);
    expect(rest.cycleCompleted).toBe(true);
  });

  it('reports corrupt, missing and truncated bytes', () => {
    const cat = faultyCatalogue({ faults: false, clean: 1 });
    const [a, b, c] = cat.db.prepare('SELECT sha256 FROM blobs ORDER BY sha256').pluck().all() as string[];
    fs.writeFileSync(cat.blobs.pathOf(a ?? ''), jpegLike());
    fs.rmSync(cat.blobs.pathOf(b ?? ''));
    const bytes = fs.readFileSync(cat.blobs.pathOf(c ?? ''));
    bytes.fill(0, bytes.length - 64); // the end marker is gone, but the digest is of these bytes…
    fs.writeFileSync(cat.blobs.pathOf(c ?? ''), bytes); // …so it is corrupt rather than undecodable
    const run = runFixitySlice(cat.db, cat.blobs, { maxBlobs: 100 });
    expect(Object.fromEntries(run.problems.map((p) => [p.sha256, p.status]))).toEqual({
      [a ?? '']: 'corrupt',
      [b ?? '']: 'missing',
      [c ?? '']: 'corrupt',
    });
  });
});

describe('probeImage', () => {
  it('accepts whole JPEG, PNG and TIFF headers and refuses truncated or foreign bytes', () => {
    expect(probeImage(jpegLike())).toBeNull();
    expect(probeImage(Buffer.from(jpegLike()).fill(0, 500))).toMatch(/truncated/);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(20),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('IEND'),
      Buffer.from([0xae, 0x42, 0x60, 0x82]),
    ]);
    expect(probeImage(png)).toBeNull();
    expect(probeImage(png.subarray(0, 20))).toMatch(/IEND/);
    const tiff = Buffer.concat([Buffer.from('II*\0'), Buffer.from([8, 0, 0, 0]), Buffer.alloc(10)]);
    expect(probeImage(tiff)).toBeNull();
    expect(probeImage(Buffer.from('%PDF-1.7 hello'))).toMatch(/not a JPEG/);
  });
});
