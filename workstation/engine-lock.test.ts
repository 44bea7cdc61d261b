import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../core/errors';
import { tempDir } from '../tests/support/temp-dir';
import { ENGINE_LOCK_FILE, engineHoldsLock, refuseWhileEngineRuns, takeEngineLock } from './engine-lock';

const HOLDER = `
import { takeEngineLock } from './workstation/engine-lock.ts';
takeEngineLock(process.env.LOCK_DIR);
process.stdout.write('held\\n');
setInterval(() => {}, 1000);
`;

describe('the engine lock', () => {
  it('is held once: a second taker and a probe see it until it is released', () => {
    const dir = tempDir();
    expect(engineHoldsLock(dir)).toBe(false);
    const lock = takeEngineLock(dir);
    expect(fs.existsSync(path.join(dir, ENGINE_LOCK_FILE))).toBe(true);
    expect(engineHoldsLock(dir)).toBe(true);
    let error: unknown;
    try {
      takeEngineLock(dir);
    } catch (e) {
      error = e;
    }
    expect(isDomainError(error) && error.code).toBe('data.in-use');
    expect(() => {
      refuseWhileEngineRuns(dir);
    }).toThrow(/in use by a running workstation/);
    lock.release();
    lock.release();
    expect(engineHoldsLock(dir)).toBe(false);
    takeEngineLock(dir).release();
  });

  it('is seen from another process and dropped when that process is killed with SIGKILL', async () => {
    const dir = tempDir();
    const root = path.join(import.meta.dirname, '..');
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', HOLDER], {
      env: { ...process.env, LOCK_DIR: dir },
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          if (c.toString().includes('held')) resolve();
        });
        child.on('exit', (code) => {
          reject(new Error(`holder exited ${String(code)}`));
        });
      });
      expect(engineHoldsLock(dir)).toBe(true);
      expect(() => takeEngineLock(dir)).toThrow(/in use/);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(engineHoldsLock(dir)).toBe(false);
    takeEngineLock(dir).release();
  });

  it('probing a folder no app ever ran in leaves nothing behind', () => {
    const dir = tempDir();
    expect(engineHoldsLock(dir)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
