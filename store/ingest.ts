import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CATALOGUE_PATH,
  infoValue,
  validateBag,
  type BagEntry,
  type BagError,
  type SignedReceipt,
} from '../core/bagit';
import { DomainError } from '../core/errors';
import { text } from '../core/text';
import type { StoreClient } from '../db/store/store-repo';
import type { StoreData } from './store-data';

/** A file of a bag as the store holds it: its bag path and the blob with its bytes. */
export interface StagedFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export class BagRefused extends DomainError {
  constructor(readonly errors: readonly BagError[]) {
    super(
      'store.bag-invalid',
      text(
        `包未通过校验：${errors.map((e) => e.code).join('、')}`,
        `The bag is not valid: ${errors.map((e) => e.code).join(', ')}`,
      ),
      { errors: errors.map((e) => ({ code: e.code, file: e.file ?? null, message: e.message.en })) },
    );
  }
}

/** Blobs of `files` the store does not hold intact (missing, or not matching their name). */
export function missingBlobs(store: StoreData, files: readonly StagedFile[]): string[] {
  const missing = new Set<string>();
  for (const f of files) {
    // The blob file is the truth (written durably, named by its hash); rows are added at commit.
    if (store.blobs.size(f.sha256) !== f.size) missing.add(f.sha256);
  }
  return [...missing];
}

/**
 * The one ingest path, online and offline: every file is a blob already durably in the store. Each
 * blob is re-hashed (or was hashed by this process when it arrived, see PackAdopter.confirm), the bag
 * is validated from those bytes exactly as a folder would be, the catalogue
 * rules are checked, and the version is committed in one transaction with its signed receipt.
 */
export function ingestStaged(
  store: StoreData,
  client: StoreClient,
  files: readonly StagedFile[],
  via: 'online' | 'offline',
): { receipt: SignedReceipt; created: boolean } {
  for (const f of files) {
    // Re-hashed unless this store process hashed it itself (upload completion) and it is unchanged since.
    const v = store.packs.confirm(f.sha256);
    if (v.status !== 'ok' || v.size !== f.size) {
      throw new DomainError(
        'store.blob-missing',
        text(`文件 ${f.path} 尚未完整上传`, `${f.path} has not been uploaded intact`),
        { path: f.path, sha256: f.sha256, status: v.status },
      );
    }
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: BagEntry[] = [
    ...[...dirs].map((p): BagEntry => ({ path: p, kind: 'dir', size: 0 })),
    ...files.map((f): BagEntry => ({ path: f.path, kind: 'file', size: f.size })),
  ];
  const report = validateBag({
    entries,
    read: (p) => {
      const f = byPath.get(p);
      return f ? store.blobs.read(f.sha256) : undefined;
    },
    digest: (p, alg) => {
      const f = byPath.get(p);
      if (!f) return undefined;
      // sha256 was just re-hashed from the stored bytes; other algorithms are computed from them.
      return alg === 'sha256' ? f.sha256 : createHash(alg).update(store.blobs.read(f.sha256)).digest('hex');
    },
  });
  if (!report.valid || !report.catalogue) throw new BagRefused(report.errors);
  const catalogue = report.catalogue;
  const source = infoValue(report.info, 'Source-Organization');
  if (source !== catalogue.volume.bureauCode) {
    throw new DomainError(
      'store.source-mismatch',
      text(
        `bag-info 的 Source-Organization（${source ?? ''}）与案卷所属局（${catalogue.volume.bureauCode}）不符`,
        `Source-Organization (${source ?? ''}) is not the volume's bureau (${catalogue.volume.bureauCode})`,
      ),
    );
  }
  const manifest = byPath.get('manifest-sha256.txt');
  if (!manifest) throw new BagRefused([]);
  const tagFiles: Record<string, string> = {};
  for (const f of files)
    if (!f.path.startsWith('data/') || f.path === CATALOGUE_PATH) tagFiles[f.path] = f.sha256;
  return store.repo.commitVersion({
    client,
    via,
    catalogue,
    manifestSha256: manifest.sha256,
    payloadOxum: infoValue(report.info, 'Payload-Oxum') ?? '',
    bagInfo: report.info,
    tagFiles,
    blobs: new Map(files.map((f) => [f.sha256, f.size])),
    sign: (body) => store.key.sign(body),
  });
}

/**
 * Offline import of one bag folder (`dangan bag import`): validated as a folder first (precise errors,
 * nothing stored from a bad bag), then every file stored as a blob and ingested as the online path does.
 */
export function stageBagDir(store: StoreData, dir: string, listing: readonly BagEntry[]): StagedFile[] {
  const staged: StagedFile[] = [];
  for (const e of listing) {
    if (e.kind !== 'file') continue;
    const put = store.blobs.put(fs.readFileSync(path.join(dir, ...e.path.split('/'))));
    store.repo.addBlob(put.sha256, put.size);
    staged.push({ path: e.path, sha256: put.sha256, size: put.size });
  }
  return staged;
}
