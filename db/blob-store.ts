import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
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

/** adopt() found other bytes than the caller expected; the file was left where it was. */
export class BlobDigestMismatch extends BlobStoreError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`摘要不符 / digest mismatch: expected ${expected}, got ${actual}`);
  }
}

/** What identifies a file's bytes as unchanged since this process hashed them. */
interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

function identityOf(st: fs.Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

const HASH_CHUNK = 1024 * 1024;

/**
 * Content-addressed image storage: bytes live once under their SHA-256 at
 * `<root>/sha256/ab/cd/<64 hex>` (ASCII, deterministic names). Writes are durable (durable-file.ts)
 * and originals are never overwritten, except to repair a stored copy that no longer matches its name.
 */
export class BlobStore {
  readonly root: string;
  private readonly withSm3: boolean;
  /**
   * Blobs this instance itself hashed (put, adopt, verify), with the file identity seen then. Only in
   * memory: after a restart nothing is trusted and confirm() re-hashes.
   */
  private readonly hashedHere = new Map<string, FileIdentity>();

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
    this.remember(sha256, file);
    return { sha256, sm3, size: bytes.length, created: true };
  }

  /**
   * Takes ownership of a finished file (e.g. a completed upload) as a blob without copying it: hashes it
   * once while reading it, refuses it when it is not `expectedSha256` (BlobDigestMismatch, file left in
   * place), fsyncs it, renames it into place and fsyncs the folder. Across filesystems (EXDEV) it is
   * copied durably instead and the original removed. When intact identical bytes are already stored the
   * file is removed and `created` is false; a stored copy that no longer matches its name is replaced.
   */
  async adopt(filePath: string, expectedSha256: string): Promise<PutResult> {
    const target = this.pathOf(expectedSha256);
    const handle = await fs.promises.open(filePath, 'r+');
    let size = 0;
    let duplicate: boolean;
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.allocUnsafe(HASH_CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        size += bytesRead;
      }
      const actual = hash.digest('hex');
      if (actual !== expectedSha256) throw new BlobDigestMismatch(expectedSha256, actual);
      duplicate = this.verify(expectedSha256).status === 'ok';
      // The file's bytes and the shard folders are made durable together (the journal batches them).
      if (!duplicate) await Promise.all([handle.sync(), mkdirDurablyAsync(path.dirname(target))]);
    } finally {
      await handle.close();
    }
    // SM3 deployments pay one more read; JS SM3 (Electron) has no streaming interface.
    const sm3 = this.withSm3 ? sm3Hex(await fs.promises.readFile(filePath)) : null;
    if (duplicate) {
      await fs.promises.rm(filePath, { force: true });
      return { sha256: expectedSha256, sm3, size, created: false };
    }
    try {
      await fs.promises.rename(filePath, target);
    } catch (e) {
      if (!isErrno(e, 'EXDEV')) throw e;
      await copyDurably(filePath, target);
      await fs.promises.rm(filePath, { force: true });
    }
    await fsyncDirectoryAsync(path.dirname(target));
    this.remember(expectedSha256, target);
    return { sha256: expectedSha256, sm3, size, created: true };
  }

  /**
   * verify(), except that a blob this instance hashed itself (put, adopt, verify) and whose file is the
   * same file, unchanged in size and times, is not read again. Anything else is re-hashed.
   */
  confirm(sha256: string): VerifyResult {
    const file = this.pathOf(sha256);
    const known = this.hashedHere.get(sha256);
    if (known) {
      try {
        const st = fs.statSync(file);
        if (sameIdentity(known, identityOf(st))) return { sha256, status: 'ok', size: st.size };
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
      this.hashedHere.delete(sha256);
    }
    return this.verify(sha256);
  }

  private remember(sha256: string, file: string): void {
    this.hashedHere.set(sha256, identityOf(fs.statSync(file)));
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

  /** Re-hashes the stored bytes (fixity check), always. */
  verify(sha256: string): VerifyResult {
    let fd: number;
    try {
      fd = fs.openSync(this.pathOf(sha256), 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return { sha256, status: 'missing' };
      throw e;
    }
    let bytes: Buffer;
    let before: fs.Stats;
    try {
      // The identity is taken before reading: a change during the read alters it, so confirm() re-hashes.
      before = fs.fstatSync(fd);
      bytes = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      this.hashedHere.delete(sha256);
      return { sha256, status: 'corrupt', size: bytes.length, actual };
    }
    this.hashedHere.set(sha256, identityOf(before));
    return { sha256, status: 'ok', size: bytes.length };
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

// adopt() runs inside the store server: these are the asynchronous twins of durable-file.ts's
// fsyncDirectory/mkdirDurably, so an fsync does not stall every other upload on the event loop.
async function fsyncDirectoryAsync(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Windows cannot open directories for fsync; NTFS journals metadata instead.
    if (!(process.platform === 'win32' && isErrno(e, 'EPERM', 'EISDIR', 'EACCES'))) throw e;
  } finally {
    await handle?.close();
  }
}

async function mkdirDurablyAsync(dir: string): Promise<void> {
  if (fs.existsSync(dir)) return;
  await mkdirDurablyAsync(path.dirname(dir));
  try {
    await fs.promises.mkdir(dir);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  }
  await fsyncDirectoryAsync(path.dirname(dir));
}

/** Cross-filesystem fallback of adopt(): the durable-file pattern, streamed (temp `.part`, fsync, rename). */
async function copyDurably(from: string, target: string): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`,
  );
  try {
    await fs.promises.copyFile(from, temp, fs.constants.COPYFILE_EXCL);
    const handle = await fs.promises.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (e) {
    await fs.promises.rm(temp, { force: true });
    throw e;
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
