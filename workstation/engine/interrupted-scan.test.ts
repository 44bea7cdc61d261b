import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Envelope, Output } from '../../core/contracts';
import { USER_PW } from '../../tests/support/engine-users';
import { tempDir } from '../../tests/support/temp-dir';
import { openDataDir } from '../data-dir';
import { createEngine } from './engine';

const WRITER = path.join(import.meta.dirname, '../../tests/crash/interrupted-scan-writer.ts');

/** Runs the writer and kills it (SIGKILL) once `killAfter` pages are acknowledged; their ids. */
function scanAndKill(dataDir: string, killAfter: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      for (const m of chunk.matchAll(/^page (\d+)$/gm)) acked.push(Number(m[1]));
      if (acked.length >= killAfter) child.kill('SIGKILL');
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the writer ended by itself: ${out}`));
    });
  });
}

async function runsAfterRestart(dataDir: string) {
  const data = openDataDir(dataDir);
  const engine = createEngine({
    db: data.db,
    dataDir,
    capture: { threads: 1 },
    log: () => undefined,
    ocr: { createPool: () => Promise.reject(new Error('no OCR in this test')) },
  });
  try {
    const login = (await engine.dispatch(
      'auth.login',
      { username: 'operator', password: USER_PW },
      null,
    )) as Envelope<Output<'auth.login'>>;
    if (!login.ok) throw new Error('login');
    const runs = (await engine.dispatch('scan.runs', {}, login.value.token)) as Envelope<Output<'scan.runs'>>;
    if (!runs.ok) throw new Error(runs.error.code);
    const batches = data.db.prepare('SELECT state, count(*) AS n FROM batches GROUP BY state').all();
    const pages = data.db.prepare('SELECT count(*) FROM pages WHERE deleted_at IS NULL').pluck().get();
    return { runs: runs.value, batches, pages };
  } finally {
    await engine.close();
    data.close();
  }
}

describe('a scan run interrupted by a kill', () => {
  it('is reported at the next start as stopped, with the pages it got; once', async () => {
    const dataDir = tempDir('dangan-interrupted-scan-');
    const acked = await scanAndKill(dataDir, 6);
    expect(acked.length).toBeGreaterThanOrEqual(6);

    const first = await runsAfterRestart(dataDir);
    expect(first.batches).toEqual([{ state: 'aborted', n: 1 }]);
    expect(first.runs).toHaveLength(1);
    const [run] = first.runs;
    // Every acknowledged page is among what it got (a page may have been stored just before the kill
    // without its acknowledgement reaching us).
    expect(run?.pages).toBe(first.pages);
    expect(run?.pages).toBeGreaterThanOrEqual(acked.length);
    expect(run).toMatchObject({ state: 'stopped', deviceId: 'demo', expected: 200 });
    expect(run?.error?.detail).toBe('interrupted');
    expect(run?.error?.message.zh).toContain(`已保存 ${run?.pages} 页`);
    expect(run?.error?.message.en).toContain(`${run?.pages} pages were saved`);

    // Reported once: the batch is ended, so the start after that has nothing to say.
    const second = await runsAfterRestart(dataDir);
    expect(second.runs).toEqual([]);
  }, 120_000);
});
