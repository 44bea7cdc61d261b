import { createHash } from 'node:crypto';
import { planBag, type BagPlan, type Catalogue } from '../../core/bagit';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { TransfersRepo } from '../../db/repos/transfers';
import { catalogueOf } from './catalogue';
import type { EnterpriseCodes } from './enterprise-codes';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * States from which a volume may leave the workstation: verified by QA, queued for upload, or already
 * transferred (sending it again is a harmless replay: the store answers with the same receipt).
 */
export const TRANSFERABLE_STATES: readonly string[] = ['verified', 'queued', 'transferred'];

export interface VolumeBag {
  readonly volumeId: number;
  readonly uid: string;
  readonly archiveNo: string;
  readonly catalogue: Catalogue;
  readonly plan: BagPlan;
  /** SHA-256 of manifest-sha256.txt: names the volume's content (same pages and catalogue → same digest). */
  readonly manifestSha256: string;
}

/** Bagging-Date is the calendar date where the workstation is (YYYY-MM-DD). */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function bagOfVolume(
  transfers: TransfersRepo,
  volumeId: number,
  options: { group: string; date: Date; codes?: EnterpriseCodes },
): VolumeBag {
  const v = transfers.volumeForBag(volumeId);
  if (!v) {
    throw new DomainError(
      'volume.not-found',
      text(`案卷不存在：${volumeId}`, `No such volume: ${volumeId}`),
      {
        volumeId,
      },
    );
  }
  if (!TRANSFERABLE_STATES.includes(v.volume.state)) {
    throw new DomainError(
      'transfer.not-ready',
      text(
        `案卷 ${v.volume.archiveNo} 尚未通过校核（状态 ${v.volume.state}），不能移交`,
        `Volume ${v.volume.archiveNo} is ${v.volume.state}; only verified or queued volumes can be transferred`,
      ),
      { volumeId, state: v.volume.state },
    );
  }
  const catalogue = catalogueOf(v, options.codes);
  const plan = planBag({ catalogue, baggingDate: localDate(options.date), group: options.group, sha256 });
  const manifest = plan.tags.find((t) => t.path === 'manifest-sha256.txt');
  if (!manifest) throw new Error('plan without manifest-sha256.txt');
  return {
    volumeId,
    uid: v.volume.uid,
    archiveNo: v.volume.archiveNo,
    catalogue,
    plan,
    manifestSha256: manifest.sha256,
  };
}

/** An ASCII folder name for a bag, from the 档号. */
export function bagFolderName(archiveNo: string): string {
  return archiveNo.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.]+/, '_');
}
