import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { renderPage } from '../../tests/support/demo-volume';
import { seedVolume } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { addDemoPages } from '../../tests/support/volume-pages';
import { openDataDir } from '../data-dir';
import { createEngine } from '../engine/engine';
import { OcrService } from './ocr-service';
import { TesseractPool } from './tesseract-pool';

const CHILD = path.join(import.meta.dirname, '../../tests/crash/ocr-worker-child.ts');

/** Starts a real OCR worker process on the folder and SIGKILLs it once it holds a job. */
function killWhileRunning(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const watcher = openDataDir(dataDir, { readonly: true });
    const running = watcher.db.prepare("SELECT count(*) FROM jobs WHERE state = 'running'").pluck();
    const poll = setInterval(() => {
      if ((running.get() as number) > 0) child.kill('SIGKILL');
    }, 5);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      watcher.close();
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the OCR worker ended by itself before it could be killed: ${stderr}`));
    });
  });
}

describe('engine start recovers OCR jobs of a killed process', () => {
  it('returns a job left running by a dead worker to the queue, and the engine reads the page at start', async () => {
    const dir = tempDir();
    const data = openDataDir(dir);
    const repos = createRepos(data.db);
    const { volumeId } = seedVolume(repos);
    // An A4 page at 300 dpi; its title zone is what the killed worker was reading.
    const png = await renderPage({
      title: '公司设立登记申请书',
      lines: Array.from({ length: 12 }, (_, i) => `第${i + 1}条 经全体股东一致同意，选举张三为执行董事。`),
      dpi: 300,
    });
    const [page] = addDemoPages(repos, data.blobs, volumeId, [{ png }], 300);
    const pool = await TesseractPool.create({ size: 1 });
    expect(
      new OcrService(repos, new PageOcrRepo(data.db), data.blobs, pool).enqueueVolume(volumeId, {
        zones: ['title'],
      }),
    ).toBe(1);
    data.close();

    await killWhileRunning(dir);

    const after = openDataDir(dir);
    const left = after.db
      .prepare("SELECT id, locked_by, attempts FROM jobs WHERE state = 'running'")
      .all() as { id: number; locked_by: string; attempts: number }[];
    expect(left).toHaveLength(1);
    expect(left[0]?.locked_by).toMatch(/^doomed-/);

    // What `dangan start` (browser mode) and the Electron engine process do first: the dead worker's job
    // goes back to the queue, and the engine's own OCR takes the queue up.
    const engine = createEngine({
      db: after.db,
      dataDir: dir,
      log: () => undefined,
      ocr: { createPool: () => Promise.resolve(pool), idleMs: 60_000 },
    });
    try {
      expect(engine.recoveredJobs).toBe(1);
      const recovered = engine.repos.jobs.get(left[0]?.id ?? 0);
      expect(recovered.attempts).toBe(1);
      expect(recovered.lastError).toMatch(/worker stopped/);
      await expect
        .poll(() => engine.repos.jobs.counts(), { timeout: 60_000, interval: 200 })
        .toMatchObject({ pending: 0, running: 0, failed: 0, done: 1 });
      const ocr = new PageOcrRepo(after.db);
      expect(ocr.get(page?.id ?? 0, 'title')).toMatchObject({ state: 'done', attempts: 2 });
      expect(ocr.get(page?.id ?? 0, 'title')?.text).toContain('申请书');
    } finally {
      await engine.close(); // terminates the pool it was given
      after.close();
    }
  }, 90_000);
});
