import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What this needs of Electron's safeStorage (main process only); tests pass a named fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, just a fixed built-in password. */
  getSelectedStorageBackend?(): string;
}

/** The installation key, sealed by the operating system, in the data folder. */
export const OS_KEY_FILE = 'secret.key.os';

/**
 * The key that seals saved secrets (workstation/transfer/secret-box.ts), kept sealed by the operating
 * system (DPAPI, Keychain, libsecret). Against a copy of the whole data folder: on another machine or
 * account the OS will not open this file. The engine gets the key over the utility process's port, never
 * through the environment (scanimage and OCR workers inherit that). Null when the OS offers no real
 * protection (no keyring on Linux): the engine then uses the data folder's 0600 key file.
 */
export function osInstallationKey(dataDir: string, safe: SafeStorageLike, now = new Date()): Buffer | null {
  if (!safe.isEncryptionAvailable() || safe.getSelectedStorageBackend?.() === 'basic_text') return null;
  const file = path.join(dataDir, OS_KEY_FILE);
  if (fs.existsSync(file)) {
    try {
      const key = Buffer.from(safe.decryptString(fs.readFileSync(file)), 'base64');
      if (key.length === 32) return key;
    } catch {
      // Sealed by another account or machine (a copied data folder): kept aside, a new key is made and
      // secrets sealed under the old one must be entered again (the engine says so).
    }
    fs.renameSync(file, `${file}.unreadable-${now.toISOString().replace(/[:.]/g, '-')}`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, safe.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
  return key;
}
