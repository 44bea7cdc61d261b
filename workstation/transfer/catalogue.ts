import { CATALOGUE_FORMAT, pageFileName, transformFileName, type Catalogue } from '../../core/bagit';
import type { VolumeForBag } from '../../db/repos/transfers';
import type { EnterpriseCodes } from './enterprise-codes';

/** The catalogue.json of a volume: enterprise, volume, pages with transforms, documents and QA decisions. */
export function catalogueOf(v: VolumeForBag, codes: EnterpriseCodes = []): Catalogue {
  return {
    format: CATALOGUE_FORMAT,
    enterprise: codes.length > 0 ? { ...v.enterprise, codes: [...codes] } : v.enterprise,
    volume: {
      uid: v.volume.uid,
      archiveNo: v.volume.archiveNo,
      volumeType: v.volume.volumeType,
      year: v.volume.year,
      registrationDate: v.volume.registrationDate,
      bureauCode: v.volume.bureauCode,
      declaredPages: v.volume.declaredPages,
    },
    batch: v.batch,
    pages: v.pages.map((p) => ({
      seq: p.seq,
      file: pageFileName(p.seq, p.mediaType),
      sha256: p.sha256,
      size: p.size,
      mediaType: p.mediaType,
      width: p.width,
      height: p.height,
      dpiX: p.dpiX,
      dpiY: p.dpiY,
      colorMode: p.colorMode,
      side: p.side,
      blankScore: p.blankScore,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      labelFound: p.labelFound,
      capturedAt: p.capturedAt,
      transforms: p.transforms.map((t) => ({
        seq: t.seq,
        kind: t.kind,
        params: t.params,
        resultSha256: t.resultSha256,
        resultSize: t.resultSize,
        resultFile:
          t.resultSha256 !== null && t.resultMediaType !== null
            ? transformFileName(p.seq, t.seq, t.resultMediaType)
            : null,
      })),
    })),
    documents: v.documents.map((d) => ({ ...d })),
    qa: v.qa.map((q) => ({ ...q })),
  };
}
