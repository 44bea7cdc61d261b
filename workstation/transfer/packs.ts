import { createHash } from 'node:crypto';

/** Blobs one pack may carry; the store's limit (store/server.ts MAX_PACK_BLOBS). */
export const MAX_PACK_BLOBS = 64;

/** A blob the store lacks: its digest, size, and how to get its bytes (verified) when it is sent. */
export interface BlobToSend {
  readonly sha256: string;
  readonly size: number;
  read(): Buffer;
}

/** Blobs sent together as one tus upload, in order; the store splits them by the listed digests. */
export interface Pack {
  /** Names the pack's content: the resume key of its upload across restarts. */
  readonly key: string;
  readonly members: readonly BlobToSend[];
  readonly size: number;
}

/**
 * Groups blobs, in the order given, into packs of about `targetBytes` and at most `maxBlobs` each; a
 * blob larger than the target travels alone. Why packs: each upload costs a creation request, a tus
 * resource and a round of fsyncs on the store; a 200-page volume as 200 uploads spent most of its
 * time on that, not on bytes. The same blobs in the same order always give the same packs, so a
 * restarted transfer finds its half-sent pack again under the same key.
 */
export function planPacks(
  blobs: readonly BlobToSend[],
  targetBytes: number,
  maxBlobs = MAX_PACK_BLOBS,
): Pack[] {
  const packs: Pack[] = [];
  let members: BlobToSend[] = [];
  let size = 0;
  const close = () => {
    if (members.length === 0) return;
    const key = createHash('sha256')
      .update(members.map((m) => m.sha256).join(','))
      .digest('hex');
    packs.push({ key: `pack-${key}`, members, size });
    members = [];
    size = 0;
  };
  for (const b of blobs) {
    if (members.length > 0 && (size + b.size > targetBytes || members.length >= maxBlobs)) close();
    members.push(b);
    size += b.size;
  }
  close();
  return packs;
}

/**
 * Pack size for a transfer: about two packs per concurrent upload so the uploads stay busy to the end,
 * never above one tus chunk (a pack is then sent in one PATCH), never below 256 KiB.
 */
export function packTarget(totalBytes: number, concurrency: number, chunkSize: number): number {
  const balanced = Math.ceil(totalBytes / Math.max(1, concurrency * 2));
  return Math.max(Math.min(256 * 1024, chunkSize), Math.min(chunkSize, balanced));
}
