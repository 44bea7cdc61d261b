import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReceiptBody, SignedReceipt } from '../core/bagit';
import { canonicalJson } from '../core/canonical-json';
import { mkdirDurably, writeFileDurably } from '../db/durable-file';

export interface ReceiptKey {
  readonly keyId: string;
  /** SPKI DER, base64: what a workstation configures as a trusted store key. */
  readonly publicKey: string;
  sign(body: Omit<ReceiptBody, 'keyId'>): SignedReceipt;
}

/**
 * The store's Ed25519 receipt-signing key, created on first start in `<data>/keys/receipt-key.pem`
 * (mode 0600). Its id is the first 16 hex digits of the SHA-256 of the public key.
 */
export function loadReceiptKey(dataDir: string): ReceiptKey {
  const file = path.join(dataDir, 'keys', 'receipt-key.pem');
  let privateKey: KeyObject;
  if (fs.existsSync(file)) privateKey = createPrivateKey(fs.readFileSync(file));
  else {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    mkdirDurably(path.dirname(file));
    writeFileDurably(file, Buffer.from(privateKey.export({ format: 'pem', type: 'pkcs8' })));
    fs.chmodSync(file, 0o600);
  }
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const keyId = createHash('sha256').update(der).digest('hex').slice(0, 16);
  return {
    keyId,
    publicKey: der.toString('base64'),
    sign(partial) {
      const body: ReceiptBody = { ...partial, keyId };
      const signature = sign(null, Buffer.from(canonicalJson(body)), privateKey).toString('base64');
      return { body, signature };
    },
  };
}
