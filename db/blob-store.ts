import fs from 'node:fs';
import path from 'node:path';
import { isErrno, mkdirDurably, writeFileDurably } from './durable-file';
import { SHA256_HEX, sha256Hex, sm3Hex } from './digest';

export interface BlobStoreOptions {
  /** Also compute the SM3 digest of every blob (GB/T 39786 deployments). */
  readonly sm3?: boolean;
}

export interface PutResult {
  readonly sha256: string;
  readonly sm3: string | null;
  readonly size: number;
  /** false when identical bytes were already stored (deduplicated). */
  readonly created: boolean;
}

export type BlobStatus = 'ok' | 'missing' | 'corrupt';

export interface VerifyResult {
  readonly sha256: string;
  readonly status: BlobStatus;
  readonly size?: number;
  readonly actual?: string;
}

export class BlobStoreError extends Error {
  override readonly name = 'BlobStoreError';
}

/**
 * Content-addressed image storage: bytes live once under their SHA-256 at
 * `<root>/sha256/ab/cd/<64 hex>` (ASCII, deterministic names). Writes are durable (durable-file.ts)
 * and originals are never overwritten, except to repair a stored copy that no longer matches its name.
 */
export class BlobStore {
  readonly root: string;
  private readonly withSm3: boolean;

  constructor(root: string, options: BlobStoreOptions = {}) {
    this.root = path.resolve(root);
    this.withSm3 = options.sm3 ?? false;
    mkdirDurably(path.join(this.root, 'sha256'));
  }

  /** Stores bytes durably. When this returns, the blob survives a crash or power loss. */
  put(bytes: Uint8Array): PutResult {
    const sha256 = sha256Hex(bytes);
    const sm3 = this.withSm3 ? sm3Hex(bytes) : null;
    const file = this.pathOf(sha256);
    const existing = this.verify(sha256);
    if (existing.status === 'ok') return { sha256, sm3, size: bytes.length, created: false };
    mkdirDurably(path.dirname(file));
    writeFileDurably(file, bytes);
    return { sha256, sm3, size: bytes.length, created: true };
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  /** Reads a blob and checks it against its name; corrupt bytes are never handed out. */
  read(sha256: string): Buffer {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.pathOf(sha256));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new BlobStoreError(`图像文件丢失 / blob missing: ${sha256}`);
      throw e;
    }
    if (sha256Hex(bytes) !== sha256) throw new BlobStoreError(`图像文件已损坏 / blob corrupt: ${sha256}`);
    return bytes;
  }

  size(sha256: string): number | undefined {
    try {
      return fs.statSync(this.pathOf(sha256)).size;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  /** Re-hashes the stored bytes (fixity check). */
  verify(sha256: string): VerifyResult {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.pathOf(sha256));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return { sha256, status: 'missing' };
      throw e;
    }
    const actual = sha256Hex(bytes);
    return actual === sha256
      ? { sha256, status: 'ok', size: bytes.length }
      : { sha256, status: 'corrupt', size: bytes.length, actual };
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256))
      throw new BlobStoreError(`不是 SHA-256 摘要 / not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Every digest stored, in no particular order. */
  *list(): Generator<string> {
    const top = path.join(this.root, 'sha256');
    for (const a of readdirOrEmpty(top)) {
      for (const b of readdirOrEmpty(path.join(top, a))) {
        for (const name of readdirOrEmpty(path.join(top, a, b))) if (SHA256_HEX.test(name)) yield name;
      }
    }
  }

  /** Removes temp files left by writes a crash interrupted; they were never acknowledged. */
  removeLeftovers(): number {
    let removed = 0;
    const top = path.join(this.root, 'sha256');
    for (const a of readdirOrEmpty(top)) {
      for (const b of readdirOrEmpty(path.join(top, a))) {
        for (const name of readdirOrEmpty(path.join(top, a, b))) {
          if (name.endsWith('.part')) {
            fs.rmSync(path.join(top, a, b, name), { force: true });
            removed++;
          }
        }
      }
    }
    return removed;
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return [];
    throw e;
  }
}
