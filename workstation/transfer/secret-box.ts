import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectory, isErrno } from '../../db/durable-file';

/**
 * Secrets the workstation keeps in its database (the archive store credential) are sealed with
 * AES-256-GCM under a key that is never in the database.
 *
 * - The key file (`secret.key` in the data folder, mode 0600) protects against the database travelling
 *   alone: a copy sent for support, a database file lifted from a backup or a shared drive, another
 *   local account reading the database. Without the key file the sealed value reveals nothing.
 * - Inside Electron the key is instead kept sealed by the operating system (safeStorage: DPAPI,
 *   Keychain, libsecret; see electron/secret-key.ts), which also protects against the whole data folder
 *   being copied to another machine or account.
 * Neither protects against a program running as the same user on this machine while it is unlocked.
 */

export const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const PREFIX = 'dgs1';

export interface SecretKey {
  /** Names the key in sealed values (a digest prefix: reveals nothing about the key). */
  readonly id: string;
  readonly bytes: Buffer;
}

/** Where the keys come from: the one new values are sealed with, and every one that may open old ones. */
export interface SecretKeys {
  /** The sealing key, created on first use. */
  sealing(): SecretKey;
  /** Keys that may open a stored value, the sealing key first when it exists; creates nothing. */
  opening(): readonly SecretKey[];
}

export function secretKey(bytes: Buffer): SecretKey {
  if (bytes.length !== KEY_BYTES) throw new Error(`a secret key has ${KEY_BYTES} bytes, not ${bytes.length}`);
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 16), bytes };
}

function readKeyFile(file: string): SecretKey | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw e;
  }
  // A key file someone made readable to others is narrowed back (POSIX; Windows keeps the profile's ACL).
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return secretKey(Buffer.from(raw.trim(), 'base64'));
}

/** Creates the key file once: written aside, then linked into place, so two processes never both win. */
function createKeyFile(file: string): SecretKey {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
    fsyncDirectory(path.dirname(file));
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const key = readKeyFile(file);
  if (key === null) throw new Error(`key file vanished: ${file}`);
  return key;
}

/** The per-installation key file in the data folder (browser mode, the CLI, tests). */
export function fileKeys(dataDir: string): SecretKeys {
  const file = path.join(dataDir, KEY_FILE);
  let cached: SecretKey | null = null;
  const load = () => (cached ??= readKeyFile(file));
  return {
    sealing: () => load() ?? (cached = createKeyFile(file)),
    opening: () => {
      const k = load();
      return k === null ? [] : [k];
    },
  };
}

/** Electron: the key the operating system keeps seals; the key file (from browser mode) still opens. */
export function osKeys(osKey: Buffer, dataDir: string): SecretKeys {
  const primary = secretKey(osKey);
  const file = fileKeys(dataDir);
  return { sealing: () => primary, opening: () => [primary, ...file.opening()] };
}

const b64 = (b: Buffer) => b.toString('base64url');

/** `dgs1.<key id>.<iv>.<tag>.<ciphertext>`: GCM authenticates, so a wrong key or an edit is refused. */
export function sealSecret(keys: SecretKeys, plain: string): string {
  const key = keys.sealing();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(`${PREFIX}.${key.id}`));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [PREFIX, key.id, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
}

/** The plain text and whether it should be sealed again (under another key than the sealing one); null when no key opens it. */
export function openSecret(keys: SecretKeys, sealed: string): { plain: string; reseal: boolean } | null {
  const [prefix, id, iv, tag, body, ...rest] = sealed.split('.');
  if (prefix !== PREFIX || id === undefined || iv === undefined || tag === undefined || body === undefined)
    return null;
  if (rest.length > 0) return null;
  const key = keys.opening().find((k) => k.id === id);
  if (key === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(`${PREFIX}.${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return { plain: plain.toString('utf8'), reseal: keys.opening()[0]?.id !== id };
  } catch {
    return null;
  }
}
