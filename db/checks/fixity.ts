import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import type { BlobStore } from '../blob-store';
import { isErrno } from '../durable-file';
import { sha256Hex } from '../digest';
import { probeImage } from './image-probe';

export interface FixityOptions {
  /** A cycle over all blobs is spread over this many runs (daily runs: about a month). */
  readonly runsPerCycle?: number;
  /** Overrides the slice size (blobs per run). */
  readonly maxBlobs?: number;
  /** Commit results and cursor after this many blobs, so that an interrupted run loses little. */
  readonly chunk?: number;
  /** Checks that the bytes are a whole image; null = fine. Default: probeImage (structure only). */
  readonly probe?: ((bytes: Uint8Array) => string | null) | null;
  readonly now?: () => Date;
}

export type FixityStatus = 'ok' | 'missing' | 'corrupt' | 'undecodable';

/** A full decode of the pixels (db/ cannot load an image library: the caller injects one, e.g.
 * workstation/checks/image-decode.ts). Resolves null when the image decodes, otherwise why not. */
export type ImageDecoder = (bytes: Uint8Array) => Promise<string | null>;

export interface FixityRun {
  readonly cycle: number;
  readonly checked: number;
  readonly bytes: number;
  readonly problems: readonly { sha256: string; status: Exclude<FixityStatus, 'ok'> }[];
  /** The run reached the end of the digest order; the next run starts a new cycle. */
  readonly cycleCompleted: boolean;
  readonly cursor: string;
}

interface State {
  cycle: number;
  cursor: string;
}

/**
 * A run's problems that the categories shown report: a missing file is an image-missing finding, the
 * rest (corrupt, undecodable) image-wrong ones. A summary counts only these, so it matches the list.
 */
export function shownFixityProblems(run: FixityRun, shown: ReadonlySet<string>): number {
  return run.problems.filter((p) => shown.has(p.status === 'missing' ? 'image-missing' : 'image-wrong'))
    .length;
}

/**
 * The full re-hash over terabytes, spread over the month: each run takes the next slice of blobs in
 * digest order (1/runsPerCycle of them), re-reads and re-hashes their bytes, and records the result.
 * The cursor is committed with each chunk of results, so a killed run resumes where it stopped. Since
 * SHA-256 digests are uniform, a slice in digest order is a fair sample of the whole store.
 */
export function runFixitySlice(db: Database, blobs: BlobStore, options: FixityOptions = {}): FixityRun {
  const run = startSlice(db, options, 100);
  for (let rows = run.next(); rows !== null; rows = run.next()) {
    run.commit(rows.map((row) => rehash(blobs, row.sha256, run.probe)));
  }
  return run.finish();
}

/**
 * One run's slice, chunk by chunk: `next()` gives the next blobs in digest order (null at the slice's
 * end), `commit()` records their results together with the cursor, `finish()` starts the next cycle
 * when the order is exhausted. Shared by the structural and the decoding runs.
 */
function startSlice(db: Database, options: FixityOptions, defaultChunk: number) {
  const now = options.now ?? (() => new Date());
  const chunk = options.chunk ?? defaultChunk;
  const state = loadState(db, now);
  const total = db.prepare('SELECT count(*) FROM blobs').pluck().get() as number;
  const slice = options.maxBlobs ?? Math.max(1, Math.ceil(total / (options.runsPerCycle ?? 30)));
  const s = statements(db);
  let cursor = state.cursor;
  let checked = 0;
  let bytesRead = 0;
  let completed = false;
  const problems: { sha256: string; status: Exclude<FixityStatus, 'ok'> }[] = [];
  return {
    probe: options.probe === undefined ? probeImage : options.probe,
    next: (): { sha256: string; size: number }[] | null => {
      if (checked >= slice) return null;
      const rows = s.next.all(cursor, Math.min(chunk, slice - checked));
      if (rows.length === 0) completed = true;
      return rows.length === 0 ? null : rows;
    },
    commit: (results: readonly Rehashed[]): void => {
      for (const r of results) {
        bytesRead += r.size ?? 0;
        if (r.status !== 'ok') problems.push({ sha256: r.sha256, status: r.status });
      }
      const last = results.at(-1)?.sha256 ?? cursor;
      db.transaction(() => {
        const at = now().toISOString();
        for (const r of results) s.record.run({ ...r, cycle: state.cycle, checked_at: at });
        s.saveCursor.run(last, at);
      })();
      cursor = last;
      checked += results.length;
    },
    finish: (): FixityRun => {
      if (!completed && s.next.all(cursor, 1).length === 0) completed = true;
      if (completed) {
        const at = now().toISOString();
        s.newCycle.run(at, at);
      }
      return { cycle: state.cycle, checked, bytes: bytesRead, problems, cycleCompleted: completed, cursor };
    },
  };
}

function loadState(db: Database, now: () => Date): State {
  const row = db.prepare('SELECT cycle, cursor FROM fixity_state WHERE id = 1').get() as State | undefined;
  if (row) return row;
  const at = now().toISOString();
  db.prepare(
    "INSERT INTO fixity_state (id, cycle, cursor, cycle_started_at, updated_at) VALUES (1, 1, '', ?, ?)",
  ).run(at, at);
  return { cycle: 1, cursor: '' };
}

interface Rehashed {
  sha256: string;
  status: FixityStatus;
  actual: string | null;
  size: number | null;
  error: string | null;
}

function rehash(
  blobs: BlobStore,
  sha256: string,
  probe: ((bytes: Uint8Array) => string | null) | null,
): Rehashed {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(blobs.pathOf(sha256));
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { sha256, status: 'missing', actual: null, size: null, error: null };
    throw e;
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256) return { sha256, status: 'corrupt', actual, size: bytes.length, error: null };
  const problem = probe === null ? null : probe(bytes);
  return problem === null
    ? { sha256, status: 'ok', actual: null, size: bytes.length, error: null }
    : { sha256, status: 'undecodable', actual: null, size: bytes.length, error: problem };
}

/**
 * runFixitySlice with a full decode of every blob whose digest still matches: a truncated JPEG keeps
 * valid headers (and the structural probe passes when the cut lands before an end marker the
 * scanner padded), so only decoding the pixels tells. Same cursor, chunks and results table.
 */
export async function runFixitySliceDecoding(
  db: Database,
  blobs: BlobStore,
  decode: ImageDecoder,
  options: FixityOptions = {},
): Promise<FixityRun> {
  const run = startSlice(db, options, 20);
  for (let rows = run.next(); rows !== null; rows = run.next()) {
    const results: Rehashed[] = [];
    for (const row of rows) {
      let r = rehash(blobs, row.sha256, run.probe);
      if (r.status === 'ok') {
        const problem = await decode(fs.readFileSync(blobs.pathOf(row.sha256)));
        if (problem !== null) r = { ...r, status: 'undecodable', error: problem };
      }
      results.push(r);
    }
    run.commit(results);
  }
  return run.finish();
}

function statements(db: Database) {
  return {
    next: db.prepare<[string, number], { sha256: string; size: number }>(
      'SELECT sha256, size FROM blobs WHERE sha256 > ? ORDER BY sha256 LIMIT ?',
    ),
    record: db.prepare(
      `INSERT INTO fixity_results (sha256, cycle, checked_at, status, actual_sha256, size, error)
       VALUES (@sha256, @cycle, @checked_at, @status, @actual, @size, @error)
       ON CONFLICT (sha256) DO UPDATE SET cycle = excluded.cycle, checked_at = excluded.checked_at,
         status = excluded.status, actual_sha256 = excluded.actual_sha256, size = excluded.size, error = excluded.error`,
    ),
    saveCursor: db.prepare('UPDATE fixity_state SET cursor = ?, updated_at = ? WHERE id = 1'),
    newCycle: db.prepare(
      "UPDATE fixity_state SET cycle = cycle + 1, cursor = '', cycle_started_at = ?, updated_at = ? WHERE id = 1",
    ),
  };
}
