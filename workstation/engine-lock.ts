import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DomainError } from '../core/errors';
import { text } from '../core/text';

/**
 * The running workstation's hold on its data folder: `dangan start` and the Electron engine process take
 * it for as long as they run; a second app on the same folder, and `dangan scan` / `dangan import` (which
 * run a capture pipeline of their own and would return the app's running jobs to the queue), are refused
 * while it is held.
 *
 * The hold is an exclusive SQLite lock on `engine.lock` in the folder, kept by an open transaction that
 * is never committed. The operating system drops it when the process ends in any way (a kill -9, a crash,
 * a pulled plug), so there is no stale lock to clean up, on Linux, macOS and Windows alike; a pid file
 * would need guessing whether its process still lives.
 */
export const ENGINE_LOCK_FILE = 'engine.lock';

export interface EngineLock {
  /** Lets go (idempotent); the process ending does the same. */
  release(): void;
}

/** Takes the hold on `dataDir`, or throws `data.in-use` when another app (or this one) holds it. */
export function takeEngineLock(dataDir: string): EngineLock {
  const db = new Database(path.join(dataDir, ENGINE_LOCK_FILE), { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (isBusy(e)) throw inUse(dataDir);
    throw e;
  }
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      db.close(); // the transaction is rolled back and the lock dropped
    },
  };
}

/** True when a running app holds `dataDir` (probes without waiting and without holding anything). */
export function engineHoldsLock(dataDir: string): boolean {
  const file = path.join(dataDir, ENGINE_LOCK_FILE);
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (e) {
    if (isBusy(e)) return true;
    throw e;
  } finally {
    db.close();
  }
}

/** Throws `data.in-use` when a running app holds `dataDir`. */
export function refuseWhileEngineRuns(dataDir: string): void {
  if (engineHoldsLock(dataDir)) throw inUse(dataDir);
}

function isBusy(e: unknown): boolean {
  return e instanceof Error && 'code' in e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED');
}

function inUse(dataDir: string): DomainError {
  return new DomainError(
    'data.in-use',
    text(
      `数据目录正由运行中的工作站使用：${dataDir}（请在工作站界面中操作，或先关闭工作站）`,
      `The data folder ${dataDir} is in use by a running workstation (work in the app, or close it first)`,
    ),
    { dir: dataDir },
  );
}
