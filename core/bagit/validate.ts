import { bagError, isCompletenessFault, type BagError } from './bag-errors';
import { infoValue, parseBagInfo, parseOxum, type BagInfoField } from './bag-info';
import { BAGIT_TXT, CATALOGUE_PATH } from './build';
import { catalogueSchema, type Catalogue } from './catalogue';
import { manifestName, parseManifest, type BagAlgorithm, type ManifestEntry } from './manifest';
import { checkPath, isPortablePayloadPath } from './paths';
import { readTagText } from './tag-text';
import { decodeUtf8 } from './utf8';

/** One entry found under the bag root by the I/O layer (which reports symlinks, never follows them). */
export interface BagEntry {
  /** Relative to the bag root, `/`-separated. */
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
}

/** What the I/O layer saw: the entries, the bytes of small files it read, and digests it computed. */
export interface BagSnapshot {
  readonly entries: readonly BagEntry[];
  /** Bytes of a top-level tag file or of data/catalogue.json; undefined when not read. */
  readonly read: (path: string) => Uint8Array | undefined;
  /** Digest of a regular file in the given algorithm; undefined when not computed. */
  readonly digest: (path: string, alg: BagAlgorithm) => string | undefined;
}

export interface BagLimits {
  /** Largest payload file accepted (a scanned page is a few MB; 1 GiB is absurd). */
  readonly maxFileBytes: number;
  /** Largest tag file read into memory. */
  readonly maxTagFileBytes: number;
  readonly maxFiles: number;
}

export const DEFAULT_BAG_LIMITS: BagLimits = {
  maxFileBytes: 1024 ** 3,
  maxTagFileBytes: 64 * 1024 ** 2,
  maxFiles: 200_000,
};

export interface BagReport {
  /** All required parts present and every listed file found, every payload file listed. */
  readonly complete: boolean;
  /** Complete, and every digest verified (and, for our profile, the catalogue agrees with the manifest). */
  readonly valid: boolean;
  readonly errors: readonly BagError[];
  readonly info: readonly BagInfoField[];
  /** Payload manifest entries by algorithm. */
  readonly manifests: ReadonlyMap<BagAlgorithm, readonly ManifestEntry[]>;
  /** The parsed catalogue when the bag follows our profile and it parsed. */
  readonly catalogue: Catalogue | null;
}

export interface ValidateOptions {
  /** 'dangan' adds our profile's rules (bag-info fields, ASCII names, catalogue.json); 'rfc' is plain RFC 8493. */
  readonly profile?: 'dangan' | 'rfc';
  readonly limits?: BagLimits;
}

/** The files a validator needs the bytes of: top-level tag files and catalogue.json. */
export function filesToRead(entries: readonly BagEntry[]): string[] {
  return entries
    .filter((e) => e.kind === 'file' && (!e.path.includes('/') || e.path === CATALOGUE_PATH))
    .map((e) => e.path);
}

/** The algorithms whose digests the validator will ask for, from the manifest names present. */
export function algorithmsIn(entries: readonly BagEntry[]): BagAlgorithm[] {
  const algs = new Set<BagAlgorithm>();
  for (const e of entries) {
    if (e.path.includes('/')) continue;
    const m = manifestName(e.path);
    if (m?.supported) algs.add(m.supported);
  }
  return [...algs];
}

/** Validates a bag against RFC 8493 (and our profile), telling complete from valid. */
export function validateBag(snapshot: BagSnapshot, options: ValidateOptions = {}): BagReport {
  const profile = options.profile ?? 'dangan';
  const limits = options.limits ?? DEFAULT_BAG_LIMITS;
  const errors: BagError[] = [];
  const files = new Map<string, BagEntry>();
  const lower = new Map<string, string>();

  if (snapshot.entries.length > limits.maxFiles) {
    errors.push(
      bagError(
        'bagit.size-absurd',
        `包内文件数 ${snapshot.entries.length} 超过上限 ${limits.maxFiles}`,
        `the bag holds ${snapshot.entries.length} entries, more than ${limits.maxFiles}`,
      ),
    );
  }
  let hasData = false;
  for (const e of snapshot.entries) {
    const unsafe = checkPath(e.path, 'bag');
    if (unsafe) {
      errors.push(unsafe);
      continue;
    }
    if (e.path === 'data' && e.kind === 'dir') hasData = true;
    if (e.kind === 'symlink') {
      errors.push(
        bagError(
          'bagit.symlink',
          `包内不允许符号链接：${e.path}`,
          `symbolic links are not allowed: ${e.path}`,
          e.path,
        ),
      );
      continue;
    }
    if (e.kind === 'other') {
      errors.push(
        bagError(
          'bagit.special-file',
          `包内有特殊文件：${e.path}`,
          `not a regular file or folder: ${e.path}`,
          e.path,
        ),
      );
      continue;
    }
    const folded = e.path.normalize('NFC').toLowerCase();
    const other = lower.get(folded);
    if (other !== undefined) {
      errors.push(
        bagError(
          'bagit.path-case-collision',
          `${e.path} 与 ${other} 仅大小写或 Unicode 形式不同`,
          `${e.path} and ${other} differ only by case or Unicode normalisation`,
          e.path,
        ),
      );
    }
    lower.set(folded, e.path);
    if (e.kind !== 'file') continue;
    files.set(e.path, e);
    if (e.size > limits.maxFileBytes || e.size < 0 || !Number.isSafeInteger(e.size)) {
      errors.push(
        bagError(
          'bagit.size-absurd',
          `${e.path} 大小 ${e.size} 字节不合理`,
          `${e.path} has an absurd size (${e.size} bytes)`,
          e.path,
        ),
      );
    }
  }

  const readText = (path: string): string[] | null => {
    const entry = files.get(path);
    if (!entry) return null;
    if (entry.size > limits.maxTagFileBytes) {
      errors.push(
        bagError('bagit.size-absurd', `标签文件 ${path} 过大`, `tag file ${path} is absurdly large`, path),
      );
      return null;
    }
    const bytes = snapshot.read(path);
    if (!bytes) return null;
    const t = readTagText(path, bytes);
    errors.push(...t.errors);
    return t.lines;
  };

  // bagit.txt: exactly the two lines of RFC 8493 §2.1.1.
  if (!files.has('bagit.txt')) {
    errors.push(bagError('bagit.declaration-missing', '缺少 bagit.txt', 'bagit.txt is missing', 'bagit.txt'));
  } else {
    const lines = readText('bagit.txt');
    const expected = BAGIT_TXT.trimEnd().split('\n');
    if (lines && (lines.length !== 2 || lines[0] !== expected[0] || lines[1] !== expected[1])) {
      errors.push(
        bagError(
          'bagit.declaration-malformed',
          'bagit.txt 应恰为两行：BagIt-Version: 1.0 与 Tag-File-Character-Encoding: UTF-8',
          'bagit.txt must be exactly "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8"',
          'bagit.txt',
        ),
      );
    }
  }
  if (!hasData) {
    errors.push(
      bagError('bagit.payload-dir-missing', '缺少 data/ 目录', 'the data/ payload folder is missing', 'data'),
    );
  }
  if (files.has('fetch.txt')) {
    errors.push(
      bagError(
        'bagit.fetch-unsupported',
        '不接受需要下载（fetch.txt）的包',
        'bags that need fetching (fetch.txt) are not accepted',
        'fetch.txt',
      ),
    );
  }

  // Manifests.
  const payloadFiles = [...files.keys()].filter((p) => p.startsWith('data/'));
  const manifests = new Map<BagAlgorithm, ManifestEntry[]>();
  const tagManifests: { file: string; alg: BagAlgorithm; entries: ManifestEntry[] }[] = [];
  const topFiles = [...files.keys()].filter((p) => !p.includes('/')).sort();
  for (const file of topFiles) {
    const m = manifestName(file);
    if (!m) continue;
    if (!m.supported) {
      errors.push(
        bagError(
          'bagit.algorithm-unsupported',
          `不支持的摘要算法 ${m.alg}（仅 sha256、sha512）`,
          `unsupported digest algorithm ${m.alg} (only sha256 and sha512)`,
          file,
        ),
      );
      continue;
    }
    const lines = readText(file);
    if (!lines) continue;
    const parsed = parseManifest(file, m.supported, lines);
    errors.push(...parsed.errors);
    const entries: ManifestEntry[] = [];
    for (const entry of parsed.entries) {
      const unsafe = checkPath(entry.path, file);
      if (unsafe) {
        errors.push(unsafe);
        continue;
      }
      if (manifestName(entry.path)?.kind === 'tag' || (m.kind === 'payload' && entry.path === file)) {
        errors.push(
          bagError(
            'bagit.manifest-lists-itself',
            `${file} 列出了清单文件 ${entry.path}`,
            `${file} lists the manifest ${entry.path}`,
            entry.path,
          ),
        );
        continue;
      }
      if (m.kind === 'payload' && !entry.path.startsWith('data/')) {
        errors.push(
          bagError(
            'bagit.manifest-outside-payload',
            `${file} 列出了 data/ 之外的文件 ${entry.path}`,
            `${file} lists ${entry.path}, outside data/`,
            entry.path,
          ),
        );
        continue;
      }
      if (m.kind === 'tag' && entry.path.startsWith('data/')) {
        errors.push(
          bagError(
            'bagit.tagmanifest-lists-payload',
            `${file} 列出了内容文件 ${entry.path}`,
            `${file} lists the payload file ${entry.path}`,
            entry.path,
          ),
        );
        continue;
      }
      if (!files.has(entry.path)) {
        errors.push(
          m.kind === 'payload'
            ? bagError(
                'bagit.payload-missing',
                `清单列出的文件不存在：${entry.path}`,
                `listed in ${file} but missing: ${entry.path}`,
                entry.path,
              )
            : bagError(
                'bagit.tag-missing',
                `标签清单列出的文件不存在：${entry.path}`,
                `listed in ${file} but missing: ${entry.path}`,
                entry.path,
              ),
        );
      }
      entries.push(entry);
    }
    if (m.kind === 'payload') {
      manifests.set(m.supported, entries);
      const listed = new Set(entries.map((e) => e.path));
      for (const p of payloadFiles) {
        if (!listed.has(p)) {
          errors.push(
            bagError('bagit.payload-unlisted', `文件未列入 ${file}：${p}`, `not listed in ${file}: ${p}`, p),
          );
        }
      }
    } else {
      tagManifests.push({ file, alg: m.supported, entries });
    }
  }
  // A manifest that exists but could not be read is reported as such, not as missing.
  if (!topFiles.some((f) => manifestName(f)?.kind === 'payload')) {
    errors.push(
      bagError(
        'bagit.manifest-missing',
        '缺少内容清单（manifest-sha256.txt 或 manifest-sha512.txt）',
        'no payload manifest (manifest-sha256.txt or manifest-sha512.txt)',
      ),
    );
  }
  for (const tm of tagManifests) {
    const listed = new Set(tm.entries.map((e) => e.path));
    for (const alg of manifests.keys()) {
      const name = `manifest-${alg}.txt`;
      if (!listed.has(name)) {
        errors.push(
          bagError(
            'bagit.tagmanifest-incomplete',
            `${tm.file} 未列出 ${name}`,
            `${tm.file} does not list ${name}`,
            tm.file,
          ),
        );
      }
    }
  }

  // bag-info.txt and Payload-Oxum.
  let info: BagInfoField[] = [];
  const infoLines = readText('bag-info.txt');
  if (infoLines) {
    const parsed = parseBagInfo('bag-info.txt', infoLines);
    info = parsed.fields;
    errors.push(
      ...(profile === 'dangan'
        ? parsed.errors
        : parsed.errors.filter((e) => e.code !== 'bagit.info-missing')),
    );
    const oxum = infoValue(info, 'Payload-Oxum');
    if (oxum !== undefined) {
      const parsedOxum = parseOxum(oxum);
      const octets = payloadFiles.reduce((n, p) => n + (files.get(p)?.size ?? 0), 0);
      if (!parsedOxum) {
        errors.push(
          bagError(
            'bagit.oxum-malformed',
            `Payload-Oxum 格式错误：${oxum}`,
            `Payload-Oxum is malformed: ${oxum}`,
            'bag-info.txt',
          ),
        );
      } else if (parsedOxum.octets !== octets || parsedOxum.files !== payloadFiles.length) {
        errors.push(
          bagError(
            'bagit.oxum-mismatch',
            `Payload-Oxum 为 ${oxum}，实际为 ${octets}.${payloadFiles.length}`,
            `Payload-Oxum says ${oxum}, the payload is ${octets}.${payloadFiles.length}`,
            'bag-info.txt',
          ),
        );
      }
    }
  } else if (profile === 'dangan' && !files.has('bag-info.txt')) {
    errors.push(
      bagError('bagit.info-missing', '缺少 bag-info.txt', 'bag-info.txt is missing', 'bag-info.txt'),
    );
  }

  // Our profile: ASCII payload names and a catalogue that agrees with the manifest.
  let catalogue: Catalogue | null = null;
  if (profile === 'dangan') {
    for (const p of payloadFiles) {
      if (!isPortablePayloadPath(p)) {
        errors.push(
          bagError(
            'bagit.path-not-portable',
            `文件名应为 ASCII 字母、数字、. _ -：${p}`,
            `payload names must be ASCII letters, digits, . _ -: ${p}`,
            p,
          ),
        );
      }
    }
    if (!files.has(CATALOGUE_PATH)) {
      errors.push(
        bagError(
          'bagit.catalogue-missing',
          '缺少 data/catalogue.json',
          'data/catalogue.json is missing',
          CATALOGUE_PATH,
        ),
      );
    } else {
      catalogue = checkCatalogue(snapshot, manifests, errors);
    }
  }

  // Digests: only of files present; a missing file is already a completeness fault.
  for (const [alg, entries] of manifests) {
    for (const e of entries) {
      if (!files.has(e.path)) continue;
      const actual = snapshot.digest(e.path, alg);
      if (actual !== e.digest) {
        errors.push(
          bagError(
            'bagit.digest-mismatch',
            `${e.path} 的 ${alg} 摘要不符`,
            `${e.path}: ${alg} digest does not match manifest-${alg}.txt`,
            e.path,
          ),
        );
      }
    }
  }
  for (const tm of tagManifests) {
    for (const e of tm.entries) {
      if (!files.has(e.path)) continue;
      if (snapshot.digest(e.path, tm.alg) !== e.digest) {
        errors.push(
          bagError(
            'bagit.tag-digest-mismatch',
            `标签文件 ${e.path} 的 ${tm.alg} 摘要不符`,
            `tag file ${e.path}: ${tm.alg} digest does not match ${tm.file}`,
            e.path,
          ),
        );
      }
    }
  }

  const complete = !errors.some((e) => isCompletenessFault(e.code));
  return { complete, valid: errors.length === 0, errors, info, manifests, catalogue };
}

function checkCatalogue(
  snapshot: BagSnapshot,
  manifests: ReadonlyMap<BagAlgorithm, readonly ManifestEntry[]>,
  errors: BagError[],
): Catalogue | null {
  const invalid = (zh: string, en: string) =>
    errors.push(bagError('bagit.catalogue-invalid', zh, en, CATALOGUE_PATH));
  const bytes = snapshot.read(CATALOGUE_PATH);
  if (!bytes) return null;
  const s = decodeUtf8(bytes);
  let json: unknown;
  try {
    if (s === null) throw new Error('not UTF-8');
    json = JSON.parse(s);
  } catch {
    invalid('catalogue.json 不是有效的 UTF-8 JSON', 'catalogue.json is not valid UTF-8 JSON');
    return null;
  }
  const parsed = catalogueSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    invalid(
      `catalogue.json 不符合格式：${first?.path.join('.') ?? ''} ${first?.message ?? ''}`,
      `catalogue.json does not fit the format: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`,
    );
    return null;
  }
  const sha = manifests.get('sha256');
  if (sha) {
    const byPath = new Map(sha.map((e) => [e.path, e.digest]));
    for (const page of parsed.data.pages) {
      if (byPath.get(page.file) !== page.sha256) {
        invalid(
          `第 ${page.seq} 页：目录中的摘要与清单不符（${page.file}）`,
          `page ${page.seq}: the catalogue's digest disagrees with the manifest (${page.file})`,
        );
      }
    }
  }
  return parsed.data;
}
