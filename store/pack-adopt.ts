import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isErrno } from '../db/durable-file';
import type { BlobStore, VerifyResult } from '../db/blob-store';

/** One blob of a pack: where its bytes sit in the pack file. */
export interface PackMember {
  readonly sha256: string;
  readonly size: number;
}

export interface PackOutcome {
  /** Blobs now durably in the blob store (written now, or already there intact). */
  readonly stored: readonly string[];
  /** Blobs whose bytes in the pack are not their digest: nothing of them is kept. */
  readonly refused: readonly string[];
}

/** What identifies a file's bytes as the ones this process hashed and wrote. */
interface Identity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

const identityOf = (st: fs.Stats): Identity => ({
  dev: st.dev,
  ino: st.ino,
  size: st.size,
  mtimeMs: st.mtimeMs,
  ctimeMs: st.ctimeMs,
});

/** Runs `work` over `items`, at most `limit` at once. */
async function bounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function fsyncPath(p: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(p, 'r');
    await handle.sync();
  } catch (e) {
    // Windows cannot open directories for fsync; NTFS journals metadata instead.
    if (!(process.platform === 'win32' && isErrno(e, 'EPERM', 'EISDIR', 'EACCES'))) throw e;
  } finally {
    await handle?.close();
  }
}

/**
 * Splits finished pack uploads into the blob store, durably and in batches.
 *
 * Why not BlobStore.adopt() per blob: adopt makes each blob durable on its own (fsync file, fsync new
 * shard folders, rename, fsync folder: three journal commits one after another), ~5 ms a blob here, so
 * a 200-page volume spent a second in fsyncs alone. A pack's blobs are written as BlobStore writes them
 * (same `<sha256/ab/cd/hex>` path, `.part` temp names its leftover sweep knows), but every step runs
 * for the whole pack at once: all temp files fsynced together, all renamed, then each folder touched
 * fsynced once — the file system folds them into a few journal commits. Durability is the same: the
 * pack's upload is answered only after all of it.
 *
 * Blobs written here are remembered with their file identity, so the commit does not read them again
 * (as BlobStore.confirm does for its own writes); after a restart nothing is trusted.
 */
export class PackAdopter {
  private readonly hashedHere = new Map<string, Identity>();

  constructor(private readonly blobs: BlobStore) {}

  async adopt(packFile: string, members: readonly PackMember[]): Promise<PackOutcome> {
    const bytes = await fs.promises.readFile(packFile);
    const expected = members.reduce((n, m) => n + m.size, 0);
    if (bytes.length !== expected) return { stored: [], refused: members.map((m) => m.sha256) };
    const refused: string[] = [];
    const stored: string[] = [];
    const writes: { sha256: string; target: string; temp: string; body: Buffer }[] = [];
    let offset = 0;
    for (const m of members) {
      const body = bytes.subarray(offset, offset + m.size);
      offset += m.size;
      if (createHash('sha256').update(body).digest('hex') !== m.sha256) {
        refused.push(m.sha256);
        continue;
      }
      const target = this.blobs.pathOf(m.sha256);
      // Already stored (another pack or volume): its bytes are checked again at commit.
      if (this.blobs.size(m.sha256) === m.size) {
        stored.push(m.sha256);
        continue;
      }
      const temp = path.join(path.dirname(target), `.${m.sha256}.${randomBytes(6).toString('hex')}.part`);
      writes.push({ sha256: m.sha256, target, temp, body });
    }
    const created = await this.makeFolders(writes.map((w) => path.dirname(w.target)));
    try {
      await bounded(writes, 16, async (w) => {
        const handle = await fs.promises.open(w.temp, 'wx', 0o644);
        try {
          await handle.writeFile(w.body);
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
      await bounded(writes, 16, (w) => fs.promises.rename(w.temp, w.target));
    } catch (e) {
      await Promise.all(writes.map((w) => fs.promises.rm(w.temp, { force: true })));
      throw e;
    }
    const folders = new Set([...writes.map((w) => path.dirname(w.target)), ...created]);
    await bounded([...folders], 16, fsyncPath);
    for (const w of writes) {
      this.hashedHere.set(w.sha256, identityOf(await fs.promises.stat(w.target)));
      stored.push(w.sha256);
    }
    return { stored, refused };
  }

  /**
   * BlobStore.confirm(), also trusting blobs this adopter wrote and hashed, while their file is the
   * same, unchanged file. Anything else goes to the blob store (re-hashed unless it hashed it itself).
   */
  confirm(sha256: string): VerifyResult {
    const known = this.hashedHere.get(sha256);
    if (known) {
      this.hashedHere.delete(sha256);
      try {
        const st = fs.statSync(this.blobs.pathOf(sha256));
        const now = identityOf(st);
        if (
          now.dev === known.dev &&
          now.ino === known.ino &&
          now.size === known.size &&
          now.mtimeMs === known.mtimeMs &&
          now.ctimeMs === known.ctimeMs
        ) {
          this.hashedHere.set(sha256, known);
          return { sha256, status: 'ok', size: st.size };
        }
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    }
    return this.blobs.confirm(sha256);
  }

  /** Creates missing shard folders; returns the parents whose entries changed (to be fsynced). */
  private async makeFolders(dirs: readonly string[]): Promise<string[]> {
    const changed = new Set<string>();
    const make = async (dir: string): Promise<void> => {
      if (fs.existsSync(dir)) return;
      await make(path.dirname(dir));
      try {
        await fs.promises.mkdir(dir);
        changed.add(path.dirname(dir));
      } catch (e) {
        if (!isErrno(e, 'EEXIST')) throw e;
      }
    };
    for (const d of new Set(dirs)) await make(d);
    return [...changed];
  }
}
