import fs from 'node:fs';
import path from 'node:path';

/** Unfinished uploads are kept this long (tus `Upload-Expires`), then refused and removed. */
export const DEFAULT_UPLOAD_EXPIRY_MS = 7 * 24 * 3600 * 1000;

export interface SweepOutcome {
  /** Upload ids whose files were removed. */
  readonly removed: string[];
  /** Upload ids left in place (younger than the expiry). */
  readonly kept: number;
}

/** When an upload began: its tus info file's creation date, else the newest mtime of its files. */
function startedAt(dir: string, id: string, names: readonly string[]): number {
  const info = names.includes(`${id}.json`) ? path.join(dir, `${id}.json`) : null;
  if (info) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(info, 'utf8'));
      const created =
        typeof parsed === 'object' && parsed !== null && 'creation_date' in parsed
          ? Date.parse(String(parsed.creation_date))
          : Number.NaN;
      if (Number.isFinite(created)) return created;
    } catch {
      // A torn or foreign info file: judged by its age on disk below.
    }
  }
  return Math.max(...names.map((n) => fs.statSync(path.join(dir, n)).mtimeMs));
}

/**
 * Removes what uploads left behind once it is older than `maxAgeMs`: unfinished uploads (a workstation
 * that never came back; the store answers 410 for them already, and the client starts afresh), finished
 * ones whose adoption a crash interrupted (the commit finds their blobs missing and they are sent again),
 * uploads begun by older clients under keys no client resumes any more, and a data file or info file
 * without its partner. @tus/file-store's own deleteExpired only removes unfinished uploads that still
 * have both files, so it would leave the other three kinds to fill the disk.
 */
export function sweepUploads(dir: string, maxAgeMs: number, now = Date.now()): SweepOutcome {
  const byId = new Map<string, string[]>();
  for (const name of fs.readdirSync(dir)) {
    const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
    byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  const removed: string[] = [];
  let kept = 0;
  for (const [id, names] of byId) {
    let began: number;
    try {
      began = startedAt(dir, id, names);
    } catch {
      continue; // removed meanwhile (the upload finished and was adopted)
    }
    if (now - began <= maxAgeMs) {
      kept++;
      continue;
    }
    for (const name of names) fs.rmSync(path.join(dir, name), { force: true, recursive: true });
    removed.push(id);
  }
  return { removed, kept };
}
