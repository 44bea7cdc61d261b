import fs from 'node:fs';
import path from 'node:path';
import { isDomainError, type DomainError } from '../../core/errors';
import { text, type Text } from '../../core/text';
import { sha256Hex } from '../../db/digest';
import { watchHotFolder, type HotFolder, type HotFolderOptions } from '../../native/folder/hot-folder';
import { readImageFile } from '../../native/folder/image-file';
import { listImageFiles } from '../../native/folder/list';
import type { Actor, Repos } from '../../db/repos';
import type { CapturePipeline } from './pipeline';
import { admitPages, checkScanTarget } from './scan';

/**
 * With it, imports keep the volume's lifecycle as scans do (`scan.ts`): a volume that cannot take pages
 * refuses every file, and the first file taken moves a registered volume to scanning, audited.
 */
export interface VolumeKeeping {
  readonly repos: Repos;
  readonly actor: Actor;
}

export type FileOutcome =
  | { readonly kind: 'taken'; readonly file: string; readonly pageIds: readonly number[] }
  | { readonly kind: 'skipped'; readonly file: string; readonly reason: Text }
  | { readonly kind: 'refused'; readonly file: string; readonly error: DomainError };

/**
 * Takes one file into a volume, exactly once: a file already taken (same path, size, mtime and digest)
 * or whose bytes this volume already holds is skipped; a bad file is refused with its reason and
 * nothing of it is stored; otherwise all its pages and the record of the file commit together.
 */
export async function importFile(
  pipeline: CapturePipeline,
  volumeId: number,
  file: string,
  keep?: VolumeKeeping,
): Promise<FileOutcome> {
  const abs = path.resolve(file);
  if (keep) {
    try {
      checkScanTarget(keep.repos, volumeId, keep.actor);
    } catch (e) {
      if (isDomainError(e)) return { kind: 'refused', file: abs, error: e };
      throw e;
    }
  }
  let before: fs.Stats;
  let bytes: Buffer;
  try {
    before = fs.statSync(abs);
    bytes = fs.readFileSync(abs);
  } catch (e) {
    return {
      kind: 'skipped',
      file: abs,
      reason: text(`无法读取：${String(e)}`, `cannot be read: ${String(e)}`),
    };
  }
  const after = fs.statSync(abs, { throwIfNoEntry: false });
  if (after?.size !== before.size || after.mtimeMs !== before.mtimeMs || bytes.length !== before.size) {
    return {
      kind: 'skipped',
      file: abs,
      reason: text('文件仍在写入，稍后再取', 'the file is still being written; it will be taken later'),
    };
  }
  const identity = {
    path: abs,
    size: before.size,
    mtimeMs: Math.trunc(before.mtimeMs),
    sha256: sha256Hex(bytes),
  };
  const taken = pipeline.capture.fileTakenBefore(identity);
  if (taken) {
    return {
      kind: 'skipped',
      file: abs,
      reason: text(`已于 ${taken.takenAt} 导入`, `already imported at ${taken.takenAt}`),
    };
  }
  const same = pipeline.capture.sameBytesIn(volumeId, identity.sha256);
  if (same) {
    return {
      kind: 'skipped',
      file: abs,
      reason: text(
        `与已导入的 ${path.basename(same.path)} 内容相同`,
        `same content as ${path.basename(same.path)}, imported before`,
      ),
    };
  }
  let image;
  try {
    image = await readImageFile(abs, bytes);
  } catch (e) {
    if (isDomainError(e)) return { kind: 'refused', file: abs, error: e };
    throw e;
  }
  const pages = pipeline.captureAll(
    volumeId,
    image.pages.map((p) => ({
      bytes: p.bytes,
      mediaType: p.mediaType,
      dpi: p.dpi ?? null,
      mode: p.mode,
      width: p.width,
      height: p.height,
    })),
    undefined,
    (committed) => {
      if (keep) admitPages(keep.repos, volumeId, keep.actor);
      pipeline.capture.recordFile({ ...identity, volumeId, pageIds: committed.map((p) => p.id) });
    },
  );
  return { kind: 'taken', file: abs, pageIds: pages.map((p) => p.id) };
}

/** Imports a folder's image files in natural name order; one bad file never stops the others. */
export async function importFolder(
  pipeline: CapturePipeline,
  volumeId: number,
  dir: string,
  onOutcome?: (o: FileOutcome) => void,
  keep?: VolumeKeeping,
): Promise<FileOutcome[]> {
  const out: FileOutcome[] = [];
  for (const file of listImageFiles(dir)) {
    const o = await importFile(pipeline, volumeId, file, keep);
    out.push(o);
    onOutcome?.(o);
  }
  return out;
}

/** Watches a hot folder and imports each file once it is complete, exactly once across restarts. */
export function watchImport(
  pipeline: CapturePipeline,
  volumeId: number,
  dir: string,
  onOutcome: (o: FileOutcome) => void,
  options: HotFolderOptions & { readonly keep?: VolumeKeeping } = {},
): HotFolder {
  return watchHotFolder(
    dir,
    async (file) => {
      onOutcome(await importFile(pipeline, volumeId, file, options.keep));
    },
    options,
  );
}
