import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/support/temp-dir';
import { OS_KEY_FILE, osInstallationKey, type SafeStorageLike } from './secret-key';

/**
 * A fake of Electron's safeStorage (it exists only in a running Electron main process): "seals" by
 * XOR with its account's byte, so a file sealed by one fake account does not open in another.
 */
function fakeSafeStorage(account: number, backend = 'gnome_libsecret'): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ account));
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.concat([Buffer.from('FAKE'), xor(Buffer.from(plain))]),
    decryptString: (sealed) => {
      const text = xor(sealed.subarray(4)).toString();
      if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) throw new Error('Error while decrypting the ciphertext');
      return text;
    },
  };
}

describe('the installation key kept by the operating system (Electron safeStorage)', () => {
  it('is created once, sealed on disk (0600, not the key itself), and the same on the next start', () => {
    const dir = tempDir();
    const safe = fakeSafeStorage(0x5a);
    const key = osInstallationKey(dir, safe);
    expect(key?.length).toBe(32);
    const file = path.join(dir, OS_KEY_FILE);
    const onDisk = fs.readFileSync(file);
    expect(onDisk.toString()).not.toContain(key?.toString('base64'));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(osInstallationKey(dir, safe)).toEqual(key);
  });

  it('a data folder copied to another account gets a new key; the unreadable one is kept aside', () => {
    const dir = tempDir();
    const first = osInstallationKey(dir, fakeSafeStorage(0x5a));
    const other = osInstallationKey(dir, fakeSafeStorage(0x33));
    expect(other).not.toBeNull();
    expect(other).not.toEqual(first);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(`${OS_KEY_FILE}.unreadable-`))).toHaveLength(1);
  });

  it('without a real keyring (Linux basic_text) or without encryption, the engine keeps the key file instead', () => {
    const dir = tempDir();
    expect(osInstallationKey(dir, fakeSafeStorage(0x5a, 'basic_text'))).toBeNull();
    expect(
      osInstallationKey(dir, { ...fakeSafeStorage(0x5a), isEncryptionAvailable: () => false }),
    ).toBeNull();
    expect(fs.existsSync(path.join(dir, OS_KEY_FILE))).toBe(false);
  });
});
