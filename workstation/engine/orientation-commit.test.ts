import { spawn } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/open';
import { openDatabase } from '../../db/open';
import { CaptureRepo } from '../../db/repos/capture';
import { seedVolume } from '../../tests/support/repos';
import { addDemoPages } from '../../tests/support/volume-pages';
import { tempDir } from '../../tests/support/temp-dir';
import { openTestWorkstation } from '../../tests/support/transfer-fixtures';
import { CapturePipeline } from '../capture/pipeline';
import { ORIENTATION_JOB } from '../ocr/orientation';
import { CaptureService, ORIENTATION_RECOVERY_DAYS } from './capture-service';
import { createEngine } from './engine';

const WRITER = path.join(import.meta.dirname, '../../tests/crash/orientation-commit-writer.ts');

/** Runs the writer child; resolves with how it ended and what it printed. */
function writer(
  dataDir: string,
  mode: string,
): Promise<{ signal: string | null; code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code, signal) => {
      resolve({ code, signal, out });
    });
  });
}

function state(dataDir: string) {
  const { db } = openDatabase(path.join(dataDir, 'dangan.db'));
  try {
    return {
      processing: db.prepare('SELECT state FROM page_processing').pluck().all(),
      checks: db.prepare('SELECT count(*) FROM jobs WHERE kind = ?').pluck().get(ORIENTATION_JOB),
      pendingProcess: db
        .prepare("SELECT count(*) FROM jobs WHERE kind = 'page.process' AND state IN ('pending', 'running')")
        .pluck()
        .get(),
    };
  } finally {
    db.close();
  }
}

describe('the orientation check is queued in the processing commit', () => {
  it('survives a SIGKILL right after the commit, and a SIGKILL inside it leaves neither', async () => {
    // Killed the moment the check's job row is written, inside the processing transaction.
    const inside = tempDir('dangan-orient-kill-');
    const killedIn = await writer(inside, 'kill-in-commit');
    expect(killedIn.signal, killedIn.out).toBe('SIGKILL');
    expect(killedIn.out).toMatch(/captured/);
    // Neither the results nor the check: the page is still waiting, to be processed again.
    expect(state(inside)).toEqual({ processing: ['pending'], checks: 0, pendingProcess: 1 });
    const again = await writer(inside, 'run');
    expect(again.code, again.out).toBe(0);
    expect(state(inside)).toEqual({ processing: ['done'], checks: 1, pendingProcess: 0 });

    // Killed right after the commit (where the old code queued the check in a step of its own).
    const after = tempDir('dangan-orient-kill-');
    const killedAfter = await writer(after, 'kill-after-commit');
    expect(killedAfter.signal, killedAfter.out).toBe('SIGKILL');
    expect(state(after)).toEqual({ processing: ['done'], checks: 1, pendingProcess: 0 });
  }, 120_000);

  it('rolls the results back with the hook when the hook throws, and retries the page', async () => {
    const ws = openTestWorkstation(tempDir());
    const { volumeId } = seedVolume(ws.repos);
    let calls = 0;
    const seen: { processing: string | undefined; checks: number }[] = [];
    const pipeline = new CapturePipeline(ws.data.db, ws.repos, ws.data.blobs, {
      threads: 1,
      inProcessedCommit: (pageId) => {
        calls++;
        ws.repos.jobs.enqueue({ kind: ORIENTATION_JOB, payload: { pageId } });
        if (calls === 1) throw new Error('hook refused');
      },
      onFailed: () => {
        throw new Error('a refused hook is retried, not a failed page');
      },
    });
    pipeline.start();
    const bytes = await sharp({
      create: { width: 300, height: 400, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    const page = pipeline.capturePage(volumeId, { bytes, mediaType: 'image/png', dpi: 150, mode: 'gray' });
    const capture = new CaptureRepo(ws.data.db);
    // After the refused commit: nothing of it is there (not the results, not the hook's own job).
    const processJob = () =>
      ws.data.db.prepare("SELECT state FROM jobs WHERE kind = 'page.process'").pluck().get();
    await waitFor(() => calls >= 1 && processJob() === 'pending');
    seen.push({
      processing: capture.processing(page.id)?.state,
      checks: ws.repos.jobs.pendingOf([ORIENTATION_JOB]),
    });
    // The retry waits for its back-off (10 s on the test's clock).
    ws.clock.advance(11_000);
    await pipeline.idle();
    await pipeline.close();
    expect(seen[0]).toEqual({ processing: 'pending', checks: 0 });
    expect(calls).toBe(2);
    expect(capture.processing(page.id)?.state).toBe('done');
    expect(ws.repos.jobs.pendingOf([ORIENTATION_JOB])).toBe(1);
  }, 60_000);
});

describe('recovery of lost orientation checks at the engine’s start', () => {
  it('queues checks for pages processed but never checked (as the old code could leave them), only those', async () => {
    const dir = tempDir();
    const ws = openTestWorkstation(dir);
    const db: Db = ws.data.db;
    const capture = new CaptureRepo(db, ws.clock.now);
    const png = (n: number) => ({ png: Buffer.from(`page ${n}`) });
    const { volumeId } = seedVolume(ws.repos, 1);
    const pageIds = addDemoPages(ws.repos, ws.blobs, volumeId, [1, 2, 3, 4, 5, 6, 7].map(png)).map(
      (p) => p.id,
    );
    const { volumeId: catalogued } = seedVolume(ws.repos, 2);
    const [frozen] = addDemoPages(ws.repos, ws.blobs, catalogued, [png(8)]).map((p) => p.id);
    db.prepare("UPDATE volumes SET state = 'catalogued' WHERE id = ?").run(catalogued);
    const [lost, checked, exif, blank, separator, deleted, old] = pageIds;
    // What the old code could leave: processing committed, and the check queued (or not) in a later step.
    for (const id of [...pageIds, frozen]) {
      capture.arrived(id ?? -1, 'gray');
      db.prepare(
        "UPDATE page_processing SET state = 'done', processed_at = ?, orientation = ? WHERE page_id = ?",
      ).run(ws.clock.now().toISOString(), id === exif ? 90 : 0, id);
    }
    ws.repos.jobs.enqueue({ kind: ORIENTATION_JOB, payload: { pageId: checked ?? -1 } });
    db.prepare("UPDATE jobs SET state = 'done'").run();
    db.prepare('UPDATE pages SET is_blank = 1 WHERE id = ?').run(blank);
    db.prepare('UPDATE pages SET is_separator = 1 WHERE id = ?').run(separator);
    db.prepare('UPDATE pages SET deleted_at = ? WHERE id = ?').run(ws.clock.now().toISOString(), deleted);
    const longAgo = new Date(ws.clock.now().getTime() - (ORIENTATION_RECOVERY_DAYS + 1) * 86_400_000);
    db.prepare('UPDATE page_processing SET processed_at = ? WHERE page_id = ?').run(
      longAgo.toISOString(),
      old,
    );

    const engine = createEngine({
      db,
      dataDir: dir,
      now: ws.clock.now,
      log: () => undefined,
      ocr: { createPool: () => Promise.reject(new Error('no OCR in this test')) },
    });
    try {
      const queued = db
        .prepare("SELECT json_extract(payload, '$.pageId') FROM jobs WHERE kind = ? AND state = 'pending'")
        .pluck()
        .all(ORIENTATION_JOB);
      // Only the page whose check was lost: not the one checked, turned by EXIF, blank, a separator,
      // deleted, processed before the window, or in a catalogued volume.
      expect(queued).toEqual([lost]);
      // A second start finds nothing more to queue.
      expect(CaptureService.recoverOrientationChecks(db, ws.repos, ws.clock.now())).toBe(0);
    } finally {
      await engine.close();
    }
  });
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ok()) throw new Error('timed out');
}
