import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { expect } from 'vitest';
import { AuditLog } from '../../db/audit-log';
import type { BlobStore } from '../../db/blob-store';
import { openDatabase, type Db } from '../../db/open';

// What the SIGKILL tests share: starting a writer script and reading its stdout line by line, and the
// checks every kill must pass on the data folder it left behind.

export interface Writer {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** What the writer printed to stderr so far (for the error when it ends by itself). */
  readonly stderr: () => string;
}

/**
 * Starts `script` under tsx with `args`, handing `onLine` each complete line it prints. A partial last
 * line (the writer killed mid-write) is never handed over: it was not a complete acknowledgement.
 */
export function startWriter(script: string, args: readonly string[], onLine: (line: string) => void): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stderr: () => stderr };
}

/**
 * Opens the database a killed writer left in `dataDir` and checks it: SQLite's integrity check passes,
 * `more` (the test's own checks) pass, foreign keys hold and the audit chain verifies. Returns how many
 * acknowledged pages (id → digest) are missing or have lost their bytes.
 */
export function checkAfterKill(
  dataDir: string,
  blobs: BlobStore,
  acked: ReadonlyMap<number, string>,
  more: (db: Db) => void,
): number {
  const { db } = openDatabase(path.join(dataDir, 'dangan.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const pageBlob = db.prepare('SELECT blob_sha256 FROM pages WHERE id = ?').pluck();
    let losses = 0;
    for (const [id, sha] of acked) {
      if (pageBlob.get(id) !== sha || blobs.verify(sha).status !== 'ok') losses++;
    }
    more(db);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(new AuditLog(db).verify().ok).toBe(true);
    return losses;
  } finally {
    db.close();
  }
}
