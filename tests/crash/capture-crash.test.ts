import { randomInt } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { tempDir } from '../support/temp-dir';
import { checkAfterKill, startWriter } from './kill-harness';

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
    const acked = new Map<number, string>();
    let phase: Round['phase'] = 'startup';
    let killed = false;
    const kill = () => {
      killed = true;
      writer.child.kill('SIGKILL');
    };
    // One kill in five lands at a random moment from spawn (start-up, opening, migrations);
    // the rest at a random moment of the write loop.
    const early = randomInt(5) === 0;
    const writer = startWriter(WRITER, [dataDir], (line) => {
      if (line === 'ready') {
        phase = 'writing';
        if (!early) setTimeout(kill, 5 + randomInt(400));
      } else {
        const [, id, sha] = line.split(' ');
        acked.set(Number(id), sha ?? '');
      }
    });
    const timer = early ? setTimeout(kill, randomInt(800)) : undefined;
    writer.child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (killed && signal === 'SIGKILL') resolve({ acked, phase });
      else reject(new Error(`writer ended by itself (code ${code}, signal ${signal}): ${writer.stderr()}`));
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

      figures.losses += checkAfterKill(dataDir, blobs, round.acked, (db) => {
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
      });
    }

    console.log(`crash test figures: ${JSON.stringify(figures)}`);
    expect(figures.losses).toBe(0);
    expect(figures.kills).toBe(KILLS);
    // The harness must really have killed writers mid-write, with pages acknowledged.
    expect(figures.killsWhileWriting).toBeGreaterThan(KILLS / 2);
    expect(figures.acknowledged).toBeGreaterThan(KILLS);
  }, 600_000);
});
