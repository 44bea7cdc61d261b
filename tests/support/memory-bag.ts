import { createHash } from 'node:crypto';
import type { BagAlgorithm, BagEntry, BagSnapshot } from '../../core/bagit';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A bag held in memory (path → bytes) as the I/O layer would report it; for core tests. */
export function memorySnapshot(
  files: ReadonlyMap<string, Uint8Array>,
  extra: readonly BagEntry[] = [],
): BagSnapshot {
  const dirs = new Set<string>();
  for (const p of files.keys()) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: BagEntry[] = [
    ...[...dirs].map((path): BagEntry => ({ path, kind: 'dir', size: 0 })),
    ...[...files].map(([path, b]): BagEntry => ({ path, kind: 'file', size: b.length })),
    ...extra,
  ];
  return {
    entries,
    read: (p) => files.get(p),
    digest: (p: string, alg: BagAlgorithm) => {
      const b = files.get(p);
      return b ? createHash(alg).update(b).digest('hex') : undefined;
    },
  };
}
