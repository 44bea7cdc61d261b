import type { FindingTarget, FindingView } from '../../../core/contracts/api-maintenance';
import { targetUrl } from '../../app/targets';

export interface Place {
  readonly path: string;
  readonly zh: string;
  readonly en: string;
}

export const SCAN: Place = { path: '/scan', zh: '扫描', en: 'Scanning' };
export const CATALOGUE: Place = { path: '/catalogue', zh: '著录标引', en: 'Cataloguing' };
export const REGISTER: Place = { path: '/register', zh: '企业/案卷登记', en: 'Registration' };

/**
 * Volume findings whose fix is done where pages are scanned: rescanning a missing, damaged or low-dpi
 * image, a page carrying another volume's label, a duplicate image, pages out of sequence, an empty
 * volume. The rest (the catalogue's fields, documents, uncatalogued pages, the page count) are fixed
 * in 著录标引.
 */
const SCAN_KINDS = [
  'image-missing.',
  'image-wrong.',
  'image-redundant.duplicate-in-volume',
  'page-error.seq-gap',
  'redundant-data.',
];

/** Where a volume finding is fixed. */
export function volumePlace(kind: string): Place {
  return SCAN_KINDS.some((k) => kind.startsWith(k)) ? SCAN : CATALOGUE;
}

/** The screen and address a finding's record opens at; a stored image is shown here instead (null). */
export function findingLink(f: FindingView): { place: Place; url: string } | null {
  return targetLink(f.target, f.kind);
}

export function targetLink(target: FindingTarget | null, kind: string): { place: Place; url: string } | null {
  switch (target?.kind) {
    case 'volume': {
      const place = volumePlace(kind);
      return {
        place,
        url: targetUrl(place.path, {
          volumeId: target.volumeId,
          pageId: target.pageId,
          documentSeq: target.documentSeq,
        }),
      };
    }
    case 'enterprise':
      return {
        place: REGISTER,
        url: targetUrl(REGISTER.path, { enterpriseId: target.enterpriseId, code: target.code }),
      };
    case 'code':
      return { place: REGISTER, url: targetUrl(REGISTER.path, { code: target.code }) };
    default:
      return null;
  }
}
