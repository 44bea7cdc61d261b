import { bagError, type BagError } from './bag-errors';

export const SUPPORTED_ALGORITHMS = ['sha256', 'sha512'] as const;
export type BagAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];
const HEX_LENGTH: Record<BagAlgorithm, number> = { sha256: 64, sha512: 128 };

/** `manifest-sha256.txt` → { kind: 'payload', alg: 'sha256' }; null when the name is not a manifest's. */
export function manifestName(
  name: string,
): { kind: 'payload' | 'tag'; alg: string; supported: BagAlgorithm | null } | null {
  const m = /^(tag)?manifest-([A-Za-z0-9]+)\.txt$/.exec(name);
  if (!m) return null;
  const alg = (m[2] ?? '').toLowerCase();
  const supported = (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg) ? (alg as BagAlgorithm) : null;
  return { kind: m[1] ? 'tag' : 'payload', alg, supported };
}

/** RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded. */
export function encodeManifestPath(p: string): string {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function decodeManifestPath(p: string): string {
  return p.replace(/%(0D|0A|25)/gi, (_, h: string) =>
    h.toUpperCase() === '0D' ? '\r' : h.toUpperCase() === '0A' ? '\n' : '%',
  );
}

export interface ManifestEntry {
  readonly digest: string;
  readonly path: string;
}

/** Manifest text: one `<hex digest> <path>` line per file, sorted by path for determinism. */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.digest}  ${encodeManifestPath(e.path)}\n`)
    .join('');
}

/**
 * Parses manifest lines (already split, line endings removed). Malformed lines and duplicate paths are
 * reported; digests are normalised to lower case (the RFC allows either case).
 */
export function parseManifest(
  file: string,
  alg: BagAlgorithm,
  lines: readonly string[],
): { entries: ManifestEntry[]; errors: BagError[] } {
  const entries: ManifestEntry[] = [];
  const errors: BagError[] = [];
  const seen = new Set<string>();
  const hexLength = HEX_LENGTH[alg];
  lines.forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9A-Fa-f]+)[ \t]+(\S.*)$/.exec(line);
    if (!m || (m[1] ?? '').length !== hexLength) {
      errors.push(
        bagError(
          'bagit.manifest-line-malformed',
          `${file} 第 ${i + 1} 行格式错误（应为“${hexLength} 位十六进制摘要 空格 路径”）`,
          `${file} line ${i + 1} is malformed (expected "<${hexLength} hex digits> <path>")`,
          file,
        ),
      );
      return;
    }
    const p = decodeManifestPath(m[2] ?? '');
    if (seen.has(p)) {
      errors.push(
        bagError('bagit.manifest-duplicate', `${file} 重复列出 ${p}`, `${file} lists ${p} more than once`, p),
      );
      return;
    }
    seen.add(p);
    entries.push({ digest: (m[1] ?? '').toLowerCase(), path: p });
  });
  return { entries, errors };
}
