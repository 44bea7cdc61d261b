import { text, type Text } from '../text';

/**
 * Every way a bag can be refused, with a stable code. "Completeness" faults make a bag incomplete
 * (and so invalid); "validity" faults (digests) make a complete bag invalid.
 */
export const BAG_ERROR_CODES = [
  'bagit.declaration-missing',
  'bagit.declaration-malformed',
  'bagit.payload-dir-missing',
  'bagit.manifest-missing',
  'bagit.algorithm-unsupported',
  'bagit.manifest-line-malformed',
  'bagit.manifest-duplicate',
  'bagit.manifest-lists-itself',
  'bagit.manifest-outside-payload',
  'bagit.tagmanifest-lists-payload',
  'bagit.tagmanifest-incomplete',
  'bagit.path-unsafe',
  'bagit.path-not-portable',
  'bagit.path-case-collision',
  'bagit.symlink',
  'bagit.special-file',
  'bagit.payload-missing',
  'bagit.payload-unlisted',
  'bagit.tag-missing',
  'bagit.fetch-unsupported',
  'bagit.encoding',
  'bagit.bom',
  'bagit.line-ending',
  'bagit.info-malformed',
  'bagit.info-repeated',
  'bagit.info-missing',
  'bagit.oxum-malformed',
  'bagit.oxum-mismatch',
  'bagit.size-absurd',
  'bagit.catalogue-missing',
  'bagit.catalogue-invalid',
  'bagit.digest-mismatch',
  'bagit.tag-digest-mismatch',
] as const;

export type BagErrorCode = (typeof BAG_ERROR_CODES)[number];

/** Faults of the bytes (digests): the bag is complete but not valid. */
const VALIDITY_CODES: ReadonlySet<BagErrorCode> = new Set([
  'bagit.digest-mismatch',
  'bagit.tag-digest-mismatch',
  'bagit.catalogue-invalid',
]);

export interface BagError {
  readonly code: BagErrorCode;
  /** Bag-relative path the fault is about, when there is one. */
  readonly file?: string;
  readonly message: Text;
}

export function isCompletenessFault(code: BagErrorCode): boolean {
  return !VALIDITY_CODES.has(code);
}

export function bagError(code: BagErrorCode, zh: string, en: string, file?: string): BagError {
  return file === undefined ? { code, message: text(zh, en) } : { code, file, message: text(zh, en) };
}
