import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../blob-store';
import { SHA256_HEX } from '../digest';
import { isErrno } from '../durable-file';

/** A blob present in storage, as a directory or bucket listing sees it (no bytes read). */
export interface InventoryEntry {
  readonly sha256: string;
  readonly size: number;
}

/**
 * One leaf folder of storage: the blobs whose digest starts with `part` (4 hex digits), and a stamp that
 * changes whenever a file is added to or removed from it (the folder's mtime). `stamp: null` means
 * "do not trust a cached listing": the folder changed too recently for its mtime to tell a later
 * change apart (the clock tick is coarse), so it is listed again next run too.
 */
export interface StoragePart {
  readonly part: string;
  readonly stamp: string | null;
}

/**
 * What storage holds. The checks keep the last listing in the database (listing.ts) and read again
 * only the folders whose stamp changed or whose blobs rows changed, so the routine run does not stat
 * every file; a file damaged in place (same name, folder untouched) is found by the rotating re-hash
 * (fixity.ts), or by a run with `fullListing`. The store plugs in an object-store listing here.
 */
export interface BlobInventory {
  /** Every leaf folder, in digest order. */
  parts(): Iterable<StoragePart>;
  /** The files of one folder, with their sizes (one stat each). */
  list(part: string): Iterable<InventoryEntry>;
}

/** Folders changed within this long before the listing are listed again next run (coarse mtimes). */
const RACY_MS = 2_000;

export function blobStoreInventory(blobs: BlobStore, now: () => number = Date.now): BlobInventory {
  const top = path.join(blobs.root, 'sha256');
  const folder = (part: string) => path.join(top, part.slice(0, 2), part.slice(2, 4));
  return {
    *parts() {
      const racyAfter = BigInt(now() - RACY_MS) * 1_000_000n;
      for (const a of readdirSorted(top)) {
        if (!/^[0-9a-f]{2}$/.test(a)) continue;
        for (const b of readdirSorted(path.join(top, a))) {
          if (!/^[0-9a-f]{2}$/.test(b)) continue;
          const st = statOrUndefined(path.join(top, a, b));
          if (!st?.isDirectory()) continue;
          const stamp = st.mtimeNs >= racyAfter ? null : `${st.mtimeNs}:${st.ino}`;
          yield { part: a + b, stamp };
        }
      }
    },
    *list(part) {
      const dir = folder(part);
      for (const name of readdirSorted(dir)) {
        if (!SHA256_HEX.test(name)) continue;
        const st = statOrUndefined(path.join(dir, name));
        if (st?.isFile()) yield { sha256: name, size: Number(st.size) };
      }
    },
  };
}

function readdirSorted(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return [];
    throw e;
  }
}

function statOrUndefined(file: string): fs.BigIntStats | undefined {
  try {
    return fs.statSync(file, { bigint: true });
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return undefined;
    throw e;
  }
}
