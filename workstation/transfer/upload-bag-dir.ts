import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SignedReceipt } from '../../core/bagit';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { listBagDir, validateBagDir } from './bag-dir';
import { StoreClient, sendBlobs, type StoreConnection } from './store-client';

/**
 * `dangan bag import <dir> --store <url>`: sends a bag folder to a remote store through the online
 * protocol (offer, upload what is missing, commit), so it is ingested exactly as an online transfer.
 */
export async function uploadBagDir(
  conn: StoreConnection,
  dir: string,
): Promise<{ receipt: unknown; created: boolean }> {
  const report = validateBagDir(dir);
  if (!report.valid || !report.catalogue) {
    throw new DomainError('store.bag-invalid', text(`包未通过校验：${dir}`, `The bag is not valid: ${dir}`), {
      errors: report.errors.map((e) => e.code),
    });
  }
  const files = listBagDir(dir)
    .filter((e) => e.kind === 'file')
    .map((e) => {
      const bytes = fs.readFileSync(path.join(dir, ...e.path.split('/')));
      return {
        path: e.path,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        bytes,
      };
    });
  const client = new StoreClient(conn);
  const transferId = await client.open(
    report.catalogue.volume.uid,
    files.map(({ bytes: _b, ...f }) => f),
  );
  const missing = new Set(await client.missing(transferId));
  const toSend = [...new Map(files.filter((f) => missing.has(f.sha256)).map((f) => [f.sha256, f])).values()];
  await sendBlobs(
    client,
    transferId,
    toSend.map((f) => ({ sha256: f.sha256, size: f.size, read: () => f.bytes })),
  );
  return client.commit(transferId);
}

export type { SignedReceipt };
