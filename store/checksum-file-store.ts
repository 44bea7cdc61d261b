import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import stream, { Transform } from 'node:stream';
import { FileStore } from '@tus/file-store';

/** The algorithms a PATCH may name in Upload-Checksum (tus checksum extension). */
export const CHUNK_CHECKSUM_ALGORITHMS = ['sha256'] as const;

/** What a PATCH's Upload-Checksum promised: the body's digest and, when declared, its length. */
interface Promised {
  readonly algorithm: string;
  readonly digest: Buffer;
  readonly length: number | null;
}

/** A refusal tus turns into the response (it reads `status_code` and `body`). */
export class ChunkRefusal extends Error {
  constructor(
    readonly status_code: number,
    readonly body: string,
  ) {
    super(body.trim());
  }
}

/**
 * @tus/server 2 has no checksum extension; this adds it to the file store. The store's PATCH hook
 * (`expect`) records the Upload-Checksum a request carries; `write` hashes the body while tus writes it
 * and, when the whole body arrived and its digest is not the promised one, cuts the file back to where
 * the chunk began and answers 460, so the client sends that chunk again and nothing else.
 *
 * A body cut short by a broken connection is kept as it is (the client resumes after it instead of
 * re-sending the chunk): its bytes are still checked with their blob's digest when the upload completes.
 */
export class ChecksumFileStore extends FileStore {
  /** Keyed by upload id and offset: tus serialises writes to one upload, and an offset names the chunk. */
  private readonly promised = new Map<string, Promised>();

  // Not advertised in Tus-Extension: OPTIONS would then owe a Tus-Checksum-Algorithm header, which
  // @tus/server's OPTIONS handler cannot add; our client sends the header without asking.
  constructor(directory: string, expirationPeriodInMilliseconds: number) {
    super({ directory, expirationPeriodInMilliseconds });
  }

  /** Parses `Upload-Checksum: <algorithm> <base64>`; a malformed or unknown one is refused (400). */
  expect(uploadId: string, offset: number, header: string, contentLength: string | null): void {
    const m = /^([a-z0-9-]+) ([A-Za-z0-9+/]+={0,2})$/.exec(header.trim());
    if (!m?.[1] || !m[2]) throw new ChunkRefusal(400, 'malformed Upload-Checksum\n');
    if (!(CHUNK_CHECKSUM_ALGORITHMS as readonly string[]).includes(m[1]))
      throw new ChunkRefusal(400, `unsupported checksum algorithm ${m[1]}\n`);
    const length = contentLength !== null && /^\d+$/.test(contentLength) ? Number(contentLength) : null;
    // Entries of requests that never reached write (refused offset, ...) must not pile up.
    if (this.promised.size >= 1024) this.promised.delete(this.promised.keys().next().value ?? '');
    this.promised.set(`${uploadId}@${offset}`, {
      algorithm: m[1],
      digest: Buffer.from(m[2], 'base64'),
      length,
    });
  }

  override async write(
    readable: http.IncomingMessage | stream.Readable,
    fileId: string,
    offset: number,
  ): Promise<number> {
    const key = `${fileId}@${offset}`;
    const promise = this.promised.get(key);
    this.promised.delete(key);
    if (!promise) return super.write(readable, fileId, offset);
    const hash = createHash(promise.algorithm);
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // Errors of the body reach the file store's pipeline through the tap (it is destroyed with them).
    stream.pipeline(readable, tap, () => undefined);
    const end = await super.write(tap, fileId, offset);
    const received = end - offset;
    const whole = promise.length === null || received === promise.length;
    if (whole && !hash.digest().equals(promise.digest)) {
      await fs.promises.truncate(path.join(this.directory, fileId), offset);
      throw new ChunkRefusal(460, 'Checksum Mismatch\n');
    }
    return end;
  }
}
