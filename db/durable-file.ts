import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The one way this project writes a file that must survive a crash or power loss:
 * temp file in the same directory → write → fsync(file) → rename → fsync(directory).
 * After it returns, the file is complete under its final name or (before the rename) absent;
 * never torn. Temp names end in `.part` so leftovers of a crash can be recognised and removed.
 */
export function writeFileDurably(target: string, bytes: Uint8Array): void {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fsyncDirectory(dir);
}

/** Makes a directory entry change (create, rename, unlink) durable. A no-op where unsupported (Windows). */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Windows cannot open directories for fsync; NTFS journals metadata instead.
    if (!(process.platform === 'win32' && isErrno(e, 'EPERM', 'EISDIR', 'EACCES'))) throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Creates a directory chain, fsyncing each parent whose entries changed, so the path itself is durable. */
export function mkdirDurably(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirDurably(path.dirname(dir));
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  }
  fsyncDirectory(path.dirname(dir));
}

export function isErrno(e: unknown, ...codes: string[]): boolean {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' && codes.includes(e.code);
}
