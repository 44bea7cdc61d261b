import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups, rowCounts } from '../../db/maintenance/backup';
import { restoreDataDir } from '../../db/maintenance/restore';
import { openDatabase } from '../../db/open';
import { CHROMIUM } from './browser';
import { engineCall } from './engine-api';
import { ROOT, startWorkstation } from './workstation-process';
import { runCli as run } from '../support/cli';
import { faultyCatalogue, uscc } from '../support/faulty-catalogue';
import { domainError } from '../support/repos';
import { tempDir } from '../support/temp-dir';

const CHILD = path.join(ROOT, 'tests/crash/backup-child.ts');
/** Kills per run; DANGAN_BACKUP_KILLS=50 for a long night. */
const KILLS = Number(process.env['DANGAN_BACKUP_KILLS'] ?? 3);

/** Runs the backup child and kills it (SIGKILL) after `after` progress lines; true when it was killed. */
function backupAndKill(dataDir: string, to: string, after: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, to], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      lines += chunk.split('\n').filter((l) => l.startsWith('step ')).length;
      if (lines >= after) child.kill('SIGKILL');
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(true);
      else if (code === 0) resolve(false);
      else reject(new Error(`backup child failed: ${err}`));
    });
  });
}

describe('dangan backup, killed and beside a running app', () => {
  it('a backup killed at any moment leaves nothing a restore would take; the next one clears it', async () => {
    const cat = faultyCatalogue({ faults: false, clean: 3 });
    cat.db.close();
    const to = tempDir();
    const before = fs.readFileSync(path.join(cat.dir, 'dangan.db'));
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      const listed = listBackups(to);
      if (!(await backupAndKill(cat.dir, to, 1 + randomInt(120)))) continue;
      killed++;
      expect(listBackups(to)).toEqual(listed); // nothing new counts as a backup
      for (const partial of fs.readdirSync(to).filter((n) => n.endsWith('.partial'))) {
        const err = domainError(() => restoreDataDir(path.join(to, partial), cat.dir, { dryRun: true }));
        expect(err.code).toBe('restore.refused');
      }
      expect(fs.readFileSync(path.join(cat.dir, 'dangan.db')).equals(before)).toBe(true);
    }
    expect(killed).toBeGreaterThan(0);
    const next = await run('backup', '--data', cat.dir, '--to', to, '--json');
    expect(next.code).toBe(0);
    expect(fs.readdirSync(to).filter((n) => n.endsWith('.partial'))).toEqual([]);
    const made = JSON.parse(next.out) as { dir: string };
    expect(restoreDataDir(made.dir, cat.dir, { dryRun: true }).blobsToCopy).toBe(0);
  }, 120_000);

  it.skipIf(!fs.existsSync(CHROMIUM))(
    'backs up the folder of a running `dangan start` while it writes; maintain and restore are refused',
    async () => {
      const cat = faultyCatalogue({ faults: false, clean: 2, realTime: true });
      cat.db.close();
      const ws = await startWorkstation(
        'node',
        ['bin/dangan.js', 'start', '--browser', '--data', cat.dir],
        {},
      );
      const to = tempDir();
      try {
        const { token } = await engineCall(
          ws,
          'setup.createAdmin',
          { username: 'admin', displayName: '赵管理', password: 'Zhao#2026pw' },
          null,
        );
        // The app writes all along: enterprises registered one after another (rows and audit records).
        const app = { writing: true };
        let created = 0;
        const writing = (async () => {
          while (app.writing) {
            const n = 5000 + created;
            await engineCall(
              ws,
              'enterprises.create',
              { uscc: uscc(n), name: `并发备份测试${n}有限公司` },
              token,
            );
            created++;
          }
        })();
        const backups: { dir: string; enterprises: number }[] = [];
        for (let i = 0; i < 3; i++) {
          const started = created;
          await new Promise((r) => setTimeout(r, 1100)); // backups are named by the second
          const b = await run('backup', '--data', cat.dir, '--to', to, '--json');
          expect(b.code, b.err).toBe(0);
          const r = JSON.parse(b.out) as { dir: string; manifest: { rowCounts: Record<string, number> } };
          backups.push({ dir: r.dir, enterprises: r.manifest.rowCounts['enterprises'] ?? 0 });
          expect(created).toBeGreaterThan(started); // the app wrote while this backup ran
        }
        const maintained = await run('maintain', '--data', cat.dir);
        const restored = await run('restore', '--data', cat.dir, '--from', backups[0]?.dir ?? '');
        app.writing = false;
        await writing;
        for (const r of [maintained, restored]) {
          expect(r.code).toBe(1);
          expect(r.err).toMatch(/数据目录正由运行中的工作站使用.*in use by a running workstation/);
        }
        // Each backup is a snapshot: more enterprises each time, every one restorable (verified again).
        const counts = backups.map((b) => b.enterprises);
        expect([...counts].sort((a, b) => a - b)).toEqual(counts);
        expect(counts.at(-1)).toBeGreaterThan(counts[0] ?? 0);
        for (const b of backups) expect(restoreDataDir(b.dir, cat.dir, { dryRun: true }).dryRun).toBe(true);
      } finally {
        await ws.stop();
      }
      // Restored into the folder once the app has closed: the backup's rows exactly.
      const last = listBackups(to).at(-1) ?? '';
      const restored = await run('restore', '--data', cat.dir, '--from', last);
      expect(restored.code, restored.err).toBe(0);
      const { db } = openDatabase(path.join(cat.dir, 'dangan.db'));
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(last, 'manifest.json'), 'utf8')) as {
          rowCounts: Record<string, number>;
        };
        expect(rowCounts(db)).toEqual(manifest.rowCounts);
      } finally {
        db.close();
      }
    },
    180_000,
  );
});
