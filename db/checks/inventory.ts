import type { BlobStore } from '../blob-store';

/** A blob present in storage, as a directory or bucket listing sees it (no bytes read). */
export interface InventoryEntry {
  readonly sha256: string;
  readonly size: number;
}

/**
 * What storage holds: for the local blob store a walk of its folders with one stat per file. This is
 * the quick check of every run (presence and size); the full re-hash is fixity.ts, a slice per run.
 * The store plugs in an object-store listing here.
 */
export type BlobInventory = () => Iterable<InventoryEntry>;

export function blobStoreInventory(blobs: BlobStore): BlobInventory {
  return function* () {
    for (const sha256 of blobs.list()) {
      const size = blobs.size(sha256);
      if (size !== undefined) yield { sha256, size };
    }
  };
}
