import { randomInt } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../db/blob-store';
import { openDatabase } from '../../db/open';
import { tempDir } from '../support/temp-dir';
import { checkAfterKill, startWriter } from './kill-harness';

// Kill the workstation engine with SIGKILL at random moments of a 200-page demo scan, again and again on
// the same data folder. After every kill: every acknowledged page is present with its digest and
// intact bytes, no page was captured twice, every page has its processing record, and every page
// processed with its orientation left open has its orientation check queued (same transaction). At
// the end one run without a kill processes everything left behind (processing resumes after a crash)
// and has reported every interrupted run (no batch left open).
// DANGAN_CAPTURE_KILLS raises the number of kills (default 20).
const KILLS = Number(process.env['DANGAN_CAPTURE_KILLS'] ?? 20);
const WRITER = path.join(import.meta.dirname, 'demo-scan-writer.ts');

interface Round {
  readonly acked: Map<number, string>;
  readonly killed: boolean;
  readonly lines: string[];
}

function run(dataDir: string, seed: number, pages: number, kill: boolean): Promise<Round> {
  return new Promise((resolve, reject) => {
    const acked = new Map<number, string>();
    const lines: string[] = [];
    let killed = false;
    let scheduled = false;
    const killLater = (ms: number) => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        killed = true;
        writer.child.kill('SIGKILL');
      }, ms);
    };
    // One kill in five lands during start-up (opening, recovery, the first render); the rest at a
    // random moment once pages are flowing through capture and processing (a fresh worker takes a
    // while to load, and a kill before that would only ever interrupt the oldest pages).
    const early = randomInt(5) === 0;
    const writer = startWriter(WRITER, [dataDir, String(seed), String(pages)], (line) => {
      lines.push(line);
      if (line === 'ready' && kill && early) killLater(randomInt(1500));
      else if (line.startsWith('ack ')) {
        const [, id, sha] = line.split(' ');
        acked.set(Number(id), sha ?? '');
        if (kill && early) killLater(randomInt(2500));
      } else if (line.startsWith('processed ') && kill) killLater(randomInt(2500));
    });
    writer.child.on('exit', (code, signal) => {
      if (kill && killed && signal === 'SIGKILL') resolve({ acked, killed, lines });
      else if (!kill && code === 0) resolve({ acked, killed, lines });
      else
        reject(new Error(`writer ended unexpectedly (code ${code}, signal ${signal}): ${writer.stderr()}`));
    });
  });
}

describe('crash: SIGKILL of the capture engine during a demo scan', () => {
  it(`keeps every acknowledged page, duplicates none, and resumes processing, over ${KILLS} kills`, async () => {
    const dataDir = tempDir('dangan-capture-crash-');
    const blobs = new BlobStore(path.join(dataDir, 'blobs'));
    const figures = { kills: 0, acknowledged: 0, pages: 0, losses: 0 };

    for (let i = 0; i < KILLS; i++) {
      const round = await run(dataDir, i + 1, 200, true);
      figures.kills++;
      figures.acknowledged += round.acked.size;
      figures.losses += checkAfterKill(dataDir, blobs, round.acked, (db) => {
        // No page captured twice: every run's pages are different images, so digests are distinct.
        const dupes = db
          .prepare('SELECT blob_sha256, count(*) AS n FROM pages GROUP BY blob_sha256 HAVING n > 1')
          .all();
        expect(dupes).toEqual([]);
        // Positions are 1..n without gaps, and each page has its processing record.
        const seqs = db.prepare('SELECT seq FROM pages WHERE deleted_at IS NULL ORDER BY seq').pluck().all();
        expect(seqs).toEqual(seqs.map((_, k) => k + 1));
        expect(
          db
            .prepare(
              'SELECT count(*) FROM pages p LEFT JOIN page_processing r ON r.page_id = p.id WHERE r.page_id IS NULL',
            )
            .pluck()
            .get(),
        ).toBe(0);
        // The orientation check commits with the processing results: none lost to a kill.
        expect(
          db
            .prepare(
              `SELECT count(*) FROM page_processing r JOIN pages p ON p.id = r.page_id
               WHERE r.state = 'done' AND r.orientation = 0 AND p.is_blank = 0 AND p.is_separator = 0
                 AND r.page_id NOT IN (SELECT json_extract(payload, '$.pageId') FROM jobs WHERE kind = 'ocr.orientation')`,
            )
            .pluck()
            .get(),
        ).toBe(0);
      });
    }

    // One last run with nothing to scan (0 pages would be the default stack; ask for 1) and no kill:
    // it must process every page the killed runs left unprocessed.
    await run(dataDir, 9999, 1, false);
    const { db } = openDatabase(path.join(dataDir, 'dangan.db'));
    try {
      figures.pages = db.prepare('SELECT count(*) FROM pages').pluck().get() as number;
      const states = db.prepare('SELECT state, count(*) AS n FROM page_processing GROUP BY state').all();
      const failures = db
        .prepare("SELECT page_id, last_error FROM page_processing WHERE state != 'done'")
        .all();
      expect(states, JSON.stringify(failures)).toEqual([{ state: 'done', n: figures.pages }]);
      expect(
        db
          .prepare(
            "SELECT count(*) FROM jobs WHERE kind = 'page.process' AND state IN ('pending', 'running')",
          )
          .pluck()
          .get(),
      ).toBe(0);
      // Every run a kill interrupted was found and reported at a later start: no batch is left open.
      expect(db.prepare("SELECT count(*) FROM batches WHERE state = 'open'").pluck().get()).toBe(0);
      // Each processed page has its master and thumbnail stored intact.
      for (const row of db
        .prepare('SELECT master_sha256 AS m, thumb_sha256 AS t FROM page_processing')
        .all() as {
        m: string;
        t: string;
      }[]) {
        expect(blobs.verify(row.m).status).toBe('ok');
        expect(blobs.verify(row.t).status).toBe('ok');
      }
    } finally {
      db.close();
    }
    console.log(`capture crash figures: ${JSON.stringify(figures)}`);
    expect(figures.losses).toBe(0);
    expect(figures.kills).toBe(KILLS);
    expect(figures.acknowledged).toBeGreaterThan(KILLS); // the kills really landed mid-scan
  }, 900_000);
});
