import {
  DEFAULT_FORM_TYPES,
  runMachineChecks,
  type CodeHolder,
  type LabelDecoder,
  type FormReadingInput,
  type MachineCheck,
  type VerificationOptions,
} from '../../core/verification/machine-checks';
import type { Repos, Volume } from '../../db/repos';
import type { FormReadingsRepo } from '../../db/repos/form-readings';
import type { PageOcrRepo } from '../../db/repos/page-ocr';
import { suggestForVolume } from '../cataloguing/suggest';
import { currentImage } from '../ocr/page-image';
import { decodeVolumeLabel } from './label-decoder';
import type { NearDuplicateFinder, NearDuplicateResult } from './near-duplicates';

export interface MachineReport {
  readonly volume: Volume;
  readonly checks: readonly MachineCheck[];
  /** No check failed (warnings and skipped checks do not fail a volume; QA sees them). */
  readonly passed: boolean;
  /** Near-duplicate page pairs with their page numbers, when a finder was given. */
  readonly nearDuplicates?: NearDuplicateResult;
}

export type MachineCheckOptions = VerificationOptions & {
  decodeLabel?: LabelDecoder | null;
  /** Reads cached near-duplicate results (see `machineCheckVolumeWithImages` to compute them first). */
  nearDuplicates?: NearDuplicateFinder;
  /** What OCR read in the form cells of pages (workstation/ocr/form-service.ts); only readings of a
   * page's current image count. */
  forms?: FormReadingsRepo;
};

/**
 * Pages in no catalogued document that the catalogue suggestions (from the pages' OCR, as 著录标引
 * proposes them) put in a registration form: their form cells are checked before the type is set.
 */
function likelyForms(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
  documents: readonly { readonly firstPage: number; readonly lastPage: number }[],
  options: VerificationOptions,
): Set<number> {
  const formTypes = options.formTypes ?? DEFAULT_FORM_TYPES;
  const catalogued = (p: number) => documents.some((d) => p >= d.firstPage && p <= d.lastPage);
  const pages = new Set<number>();
  for (const d of suggestForVolume(repos, ocr, volumeId).documents) {
    if (!formTypes.includes(d.typeCode)) continue;
    for (let p = d.firstPage; p <= d.lastPage; p++) if (!catalogued(p)) pages.add(p);
  }
  return pages;
}

/**
 * Runs the machine checks of 图文校核 on a volume as stored: its pages and flags, its catalogue, its
 * enterprise and the OCR text of its pages (full page where read, else the title zone).
 * Labels are read with our codec (core/labels) unless `decodeLabel` says otherwise; `decodeLabel: null`
 * skips the label check.
 */
export function machineCheckVolume(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
  options: MachineCheckOptions = {},
): MachineReport {
  const volume = repos.volumes.get(volumeId);
  const enterprise = repos.enterprises.get(repos.enterprises.resolve(volume.enterpriseId));
  const own = repos.enterprises.get(volume.enterpriseId);
  const pages = repos.pages.list(volumeId);
  const ocrText = new Map<number, string>();
  for (const zone of ['title', 'full'] as const) {
    for (const r of ocr.listForVolume(volumeId, zone)) if (r.state === 'done') ocrText.set(r.seq, r.text);
  }
  const { decodeLabel = decodeVolumeLabel, nearDuplicates: finder, forms, ...rest } = options;
  const formReadings = new Map<number, FormReadingInput>();
  for (const r of forms?.listForVolume(volumeId) ?? []) {
    if (r.blobSha256 === currentImage(repos, repos.pages.get(r.pageId)))
      formReadings.set(r.seq, { layout: r.layout, codeReadings: r.codeReadings, nameText: r.nameText });
  }
  const nearDuplicates = finder?.find(volumeId);
  const documents = repos.documents.list(volumeId);
  const likelyFormPages =
    formReadings.size === 0 ? undefined : likelyForms(repos, ocr, volumeId, documents, rest);
  const codeHolder = (code: string): CodeHolder => {
    const holder = repos.enterprises.findByCode(code);
    if (holder === null) return { kind: 'none' };
    return holder.id === enterprise.id
      ? { kind: 'self' }
      : { kind: 'other', id: holder.id, name: holder.name };
  };
  const checks = runMachineChecks({
    volume,
    // The forms carry the code the enterprise had then: a 注册号-only record merged into a USCC record
    // still shows its 注册号, so its own codes count as well as the survivor's name.
    enterprise: { uscc: own.uscc ?? enterprise.uscc, regNo: own.regNo ?? enterprise.regNo, name: own.name },
    pages: pages.map((p) => ({
      seq: p.seq,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      dpiX: p.dpiX,
      dpiY: p.dpiY,
      sha256: p.blobSha256,
      labelFound: p.labelFound,
    })),
    documents,
    ocrText,
    formReadings,
    codeHolder,
    ...(likelyFormPages === undefined ? {} : { likelyFormPages }),
    ...(decodeLabel === null ? {} : { decodeLabel }),
    ...(nearDuplicates === undefined ? {} : { nearDuplicates }),
    options: rest,
  });
  return {
    volume,
    checks,
    passed: checks.every((c) => c.status !== 'fail'),
    ...(nearDuplicates === undefined ? {} : { nearDuplicates }),
  };
}

/**
 * The machine checks with the near-duplicate comparison brought up to date first: hashes and close
 * comparisons the cache lacks are computed from the stored images (lazily, here, not while capturing).
 */
export async function machineCheckVolumeWithImages(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
  finder: NearDuplicateFinder,
  options: Omit<MachineCheckOptions, 'nearDuplicates'> = {},
): Promise<MachineReport> {
  await finder.prepare(volumeId);
  return machineCheckVolume(repos, ocr, volumeId, { ...options, nearDuplicates: finder });
}
