import { canonicalJson } from '../canonical-json';
import { formatBagInfo } from './bag-info';
import type { Catalogue } from './catalogue';
import { formatManifest, type ManifestEntry } from './manifest';
import { encodeUtf8 } from './utf8';

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
export const CATALOGUE_PATH = 'data/catalogue.json';

/** A file of a bag: tag files and catalogue.json carry their bytes; images name their blob. */
export interface BagFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** Bytes core produced (tag files, catalogue.json). */
  readonly bytes?: Uint8Array;
  /** The blob holding the bytes (images), to be copied by the I/O layer. */
  readonly blobSha256?: string;
}

export interface BagPlan {
  readonly payload: readonly BagFile[];
  /** bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt (in writing order: the tag manifest last). */
  readonly tags: readonly BagFile[];
  readonly payloadOxum: string;
}

export interface BagInputs {
  readonly catalogue: Catalogue;
  readonly baggingDate: string;
  /** Bag-Group-Identifier: the batch (or export run) the bag belongs to. */
  readonly group: string;
  /** SHA-256 hex of bytes; core computes no digests itself. */
  readonly sha256: (bytes: Uint8Array) => string;
}

/**
 * Plans the bag of one volume (RFC 8493): payload = the images under their deterministic names plus
 * catalogue.json (canonical JSON, so the same volume always gives the same bytes); tag files =
 * bagit.txt, bag-info.txt, manifest-sha256.txt and tagmanifest-sha256.txt.
 */
export function planBag(inputs: BagInputs): BagPlan {
  const { catalogue } = inputs;
  const images = new Map<string, BagFile>();
  for (const page of catalogue.pages) {
    images.set(page.file, { path: page.file, sha256: page.sha256, size: page.size, blobSha256: page.sha256 });
    for (const t of page.transforms) {
      if (t.resultFile !== null && t.resultSha256 !== null && t.resultSize !== null) {
        images.set(t.resultFile, {
          path: t.resultFile,
          sha256: t.resultSha256,
          size: t.resultSize,
          blobSha256: t.resultSha256,
        });
      }
    }
  }
  const catalogueBytes = encodeUtf8(`${canonicalJson(catalogue)}\n`);
  const payload: BagFile[] = [
    ...images.values(),
    {
      path: CATALOGUE_PATH,
      sha256: inputs.sha256(catalogueBytes),
      size: catalogueBytes.length,
      bytes: catalogueBytes,
    },
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  const externalIdentifier = catalogue.enterprise.uscc ?? catalogue.enterprise.regNo ?? '';
  const octets = payload.reduce((n, f) => n + f.size, 0);
  const payloadOxum = `${octets}.${payload.length}`;
  const file = (path: string, content: string): BagFile => {
    const bytes = encodeUtf8(content);
    return { path, sha256: inputs.sha256(bytes), size: bytes.length, bytes };
  };
  const bagit = file('bagit.txt', BAGIT_TXT);
  const info = file(
    'bag-info.txt',
    formatBagInfo([
      { label: 'Source-Organization', value: inputs.catalogue.volume.bureauCode },
      { label: 'External-Identifier', value: externalIdentifier },
      { label: 'Bag-Group-Identifier', value: inputs.group },
      { label: 'Internal-Sender-Identifier', value: inputs.catalogue.volume.archiveNo },
      { label: 'Payload-Oxum', value: payloadOxum },
      { label: 'Bagging-Date', value: inputs.baggingDate },
    ]),
  );
  const manifest = file(
    'manifest-sha256.txt',
    formatManifest(payload.map((f): ManifestEntry => ({ digest: f.sha256, path: f.path }))),
  );
  const tagmanifest = file(
    'tagmanifest-sha256.txt',
    formatManifest([bagit, info, manifest].map((f) => ({ digest: f.sha256, path: f.path }))),
  );
  return { payload, tags: [bagit, info, manifest, tagmanifest], payloadOxum };
}
