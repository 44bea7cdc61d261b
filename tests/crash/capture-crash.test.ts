import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../db/audit-log';
import { BlobStore } from '../../db/blob-store';
import { openDatabase } from '../../db/open';
import { tempDir } from '../support/temp-dir';

// Kill a capturing process with SIGKILL at random moments, again and again, on the same data folder.
// After every kill: SQLite's integrity check passes, every acknowledged page is present with its
// bytes intact, no page row lacks its blob, and the audit chain verifies.
// DANGAN_CRASH_KILLS raises the number of kills (default 50).
const KILLS = Number(process.env['DANGAN_CRASH_KILLS'] ?? 50);
const WRITER = path.join(import.meta.dirname, 'capture-writer.ts');

interface Round {
  acked: Map<number, string>;
  phase: 'startup' | 'writing';
}

function runAndKill(dataDir: string): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<number, string>();
    let buffer = '';
    let stderr = '';
    let phase: Round['phase'] = 'startup';
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    // One kill in five lands at a random moment from spawn (start-up, opening, migrations);
    // the rest at a random moment of the write loop.
    const early = randomInt(5) === 0;
    const timer = early ? setTimeout(kill, randomInt(800)) : undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') {
          phase = 'writing';
          if (!early) setTimeout(kill, 5 + randomInt(400));
        } else {
          const [, id, sha] = line.split(' ');
          acked.set(Number(id), sha ?? '');
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // A partial last line was never a complete acknowledgement: it is not counted.
      if (killed && signal === 'SIGKILL') resolve({ acked, phase });
      else reject(new Error(`writer ended by itself (code ${code}, signal ${signal}): ${stderr}`));
    });
  });
}

describe('crash: SIGKILL during capture', () => {
  it(`loses no acknowledged page over ${KILLS} kills`, async () => {
    const dataDir = tempDir('dangan-crash-');
    const blobs = new BlobStore(path.join(dataDir, 'blobs'));
    const figures = { kills: 0, killsWhileWriting: 0, acknowledged: 0, pagesCommitted: 0, losses: 0 };
    let checkedUpTo = 0;

    for (let i = 0; i < KILLS; i++) {
      const round = await runAndKill(dataDir);
      figures.kills++;
      if (round.phase === 'writing') figures.killsWhileWriting++;
      figures.acknowledged += round.acked.size;

      const { db } = openDatabase(path.join(dataDir, 'dangan.db'));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const pageBlob = db.prepare('SELECT blob_sha256 FROM pages WHERE id = ?').pluck();
        for (const [id, sha] of round.acked) {
          const stored = pageBlob.get(id);
          if (stored !== sha || blobs.verify(sha).status !== 'ok') figures.losses++;
        }
        // Every page committed since the last round has its bytes, acknowledged or not.
        const fresh = db
          .prepare('SELECT id, blob_sha256 AS sha FROM pages WHERE id > ? ORDER BY id')
          .all(checkedUpTo) as {
          id: number;
          sha: string;
        }[];
        for (const p of fresh) expect(blobs.verify(p.sha).status, `page ${p.id}`).toBe('ok');
        checkedUpTo = fresh.at(-1)?.id ?? checkedUpTo;
        figures.pagesCommitted += fresh.length;
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(new AuditLog(db).verify().ok).toBe(true);
      } finally {
        db.close();
      }
    }

    console.log(`crash test figures: ${JSON.stringify(figures)}`);
    expect(figures.losses).toBe(0);
    expect(figures.kills).toBe(KILLS);
    // The harness must really have killed writers mid-write, with pages acknowledged.
    expect(figures.killsWhileWriting).toBeGreaterThan(KILLS / 2);
    expect(figures.acknowledged).toBeGreaterThan(KILLS);
  }, 600_000);
});
