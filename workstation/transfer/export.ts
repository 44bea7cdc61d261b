import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../core/canonical-json';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { BlobStore } from '../../db/blob-store';
import { mkdirDurably, writeFileDurably } from '../../db/durable-file';
import type { Repos } from '../../db/repos';
import type { TransfersRepo } from '../../db/repos/transfers';
import { validateBagDir, writeBagDir } from './bag-dir';
import { enterpriseCodes } from './enterprise-codes';
import { bagFolderName, bagOfVolume } from './volume-bag';

export const BATCH_MANIFEST = 'batch-manifest.json';

export interface ExportedBag {
  readonly dir: string;
  readonly volumeUid: string;
  readonly archiveNo: string;
  readonly manifestSha256: string;
  readonly payloadOxum: string;
  /** false when an identical bag was already there (a repeated export). */
  readonly written: boolean;
}

export interface ExportResult {
  readonly batch: string;
  readonly to: string;
  readonly bags: readonly ExportedBag[];
}

/**
 * `dangan bag export`: one bag per volume under `to`, then `batch-manifest.json` (written last, so a
 * folder with a batch manifest holds every bag it names). Each bag is checked by the validator after
 * writing; the volumes wait as exported-awaiting-receipt until the store's receipt file is imported.
 */
export function exportVolumes(
  deps: { transfers: TransfersRepo; blobs: BlobStore; now: () => Date; repos?: Repos },
  volumeIds: readonly number[],
  to: string,
  batch: string = `export-${deps
    .now()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}`,
): ExportResult {
  mkdirDurably(path.resolve(to));
  const bags: ExportedBag[] = [];
  for (const volumeId of volumeIds) {
    // With the repos at hand, the enterprise's other codes travel too (see enterpriseCodes).
    const bag = bagOfVolume(deps.transfers, volumeId, {
      group: batch,
      date: deps.now(),
      ...(deps.repos ? { codes: enterpriseCodes(deps.repos, volumeId) } : {}),
    });
    const dir = path.join(path.resolve(to), bagFolderName(bag.archiveNo));
    let written = false;
    if (fs.existsSync(dir)) {
      const existing = fs.existsSync(path.join(dir, 'manifest-sha256.txt'))
        ? fs.readFileSync(path.join(dir, 'manifest-sha256.txt'))
        : null;
      const same =
        existing !== null &&
        existing.equals(
          Buffer.from(bag.plan.tags.find((t) => t.path === 'manifest-sha256.txt')?.bytes ?? []),
        );
      if (!same) {
        throw new DomainError(
          'transfer.export-exists',
          text(`目标目录已有内容不同的包：${dir}`, `A different bag already exists at ${dir}`),
          { dir },
        );
      }
    } else {
      writeBagDir(dir, bag.plan, (sha) => deps.blobs.read(sha));
      written = true;
    }
    const report = validateBagDir(dir);
    if (!report.valid) {
      throw new DomainError(
        'transfer.export-invalid',
        text(`写出的包未通过校验：${dir}`, `The bag written to ${dir} does not validate`),
        { dir, errors: report.errors.map((e) => e.code) },
      );
    }
    if (written || deps.transfers.exports({ volumeId, state: 'awaiting-receipt' }).length === 0) {
      deps.transfers.recordExport(volumeId, dir, batch, bag.manifestSha256);
    }
    bags.push({
      dir: path.basename(dir),
      volumeUid: bag.uid,
      archiveNo: bag.archiveNo,
      manifestSha256: bag.manifestSha256,
      payloadOxum: bag.plan.payloadOxum,
      written,
    });
  }
  const manifest = {
    format: 'dangan-batch/1',
    batch,
    createdAt: deps.now().toISOString(),
    bags: bags.map(({ written: _w, ...b }) => b),
  };
  writeFileDurably(path.join(path.resolve(to), BATCH_MANIFEST), Buffer.from(`${canonicalJson(manifest)}\n`));
  return { batch, to: path.resolve(to), bags };
}
