import { z } from 'zod';
import documentTypesJson from '../resources/vocabulary/document-types.json';
import volumeTypesJson from '../resources/vocabulary/volume-types.json';
import { DomainError } from './errors';
import { text } from './text';

/**
 * The controlled vocabularies of the archive: volume (案卷) types — one per registration event — and
 * the document (文件) types found inside volumes. The data lives in resources/vocabulary/*.json so that
 * a deployment can review it without reading code; it is validated when this module loads.
 */

/** A registration event, the type of a 案卷. `code` appears in the 档号 and must never change. */
export interface VolumeType {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  /** Other names seen on folders and in old catalogues (开业 for 设立, …). */
  readonly aliases: readonly string[];
  /** The volume that opens an enterprise's file (data checks: "no opening volume", "two opening volumes"). */
  readonly isOpening: boolean;
  /** The volume that closes it (data check: "two cancellation volumes"). 吊销 is not one: a revoked
   * enterprise still exists until it is 注销ed. */
  readonly isCancellation: boolean;
}

/** A kind of document inside a volume. `code` is stored with each catalogued document. */
export interface DocumentType {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  /**
   * Words and phrases printed in such a document's title zone, as printed (full-width parentheses).
   * Unique across all types, so a classifier that prefers the longest matching keyword is deterministic.
   */
  readonly titleKeywords: readonly string[];
  /** Volume types this document typically appears in; absent = any. */
  readonly volumeTypes?: readonly string[];
  /** Typical position within a volume (ascending). */
  readonly order: number;
}

const nonEmpty = z.string().trim().min(1);

const VolumeTypeSchema = z.strictObject({
  code: z.string().regex(/^[A-Z]{2}$/, 'code must be 2 uppercase letters'),
  name: nonEmpty,
  nameEn: nonEmpty,
  aliases: z.array(nonEmpty),
  isOpening: z.boolean(),
  isCancellation: z.boolean(),
});

const VolumeTypesSchema = z
  .array(VolumeTypeSchema)
  .min(1)
  .superRefine((types, ctx) => {
    const codes = new Set<string>();
    const names = new Map<string, string>();
    types.forEach((t, i) => {
      if (codes.has(t.code))
        ctx.addIssue({ code: 'custom', message: `duplicate code ${t.code}`, path: [i, 'code'] });
      codes.add(t.code);
      if (t.isOpening && t.isCancellation) {
        ctx.addIssue({ code: 'custom', message: 'cannot both open and cancel', path: [i] });
      }
      for (const n of [t.name, t.nameEn, ...t.aliases]) {
        const key = foldName(n);
        const owner = names.get(key);
        if (owner !== undefined && owner !== t.code) {
          ctx.addIssue({ code: 'custom', message: `name "${n}" already names ${owner}`, path: [i] });
        }
        names.set(key, t.code);
      }
    });
  });

const DocumentTypeSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9]{1,7}$/, 'code must be 2–8 uppercase ASCII letters or digits'),
  name: nonEmpty,
  nameEn: nonEmpty,
  titleKeywords: z.array(nonEmpty).min(1),
  volumeTypes: z.array(z.string()).min(1).optional(),
  order: z.int().nonnegative(),
});

function documentTypesSchema(volumeCodes: ReadonlySet<string>) {
  return z
    .array(DocumentTypeSchema)
    .min(1)
    .superRefine((types, ctx) => {
      const codes = new Set<string>();
      const keywords = new Map<string, string>();
      types.forEach((t, i) => {
        if (codes.has(t.code)) {
          ctx.addIssue({ code: 'custom', message: `duplicate code ${t.code}`, path: [i, 'code'] });
        }
        codes.add(t.code);
        t.titleKeywords.forEach((k, j) => {
          const key = k.normalize('NFC');
          const owner = keywords.get(key);
          if (owner !== undefined) {
            ctx.addIssue({
              code: 'custom',
              message: `keyword "${k}" already belongs to ${owner}`,
              path: [i, 'titleKeywords', j],
            });
          }
          keywords.set(key, t.code);
        });
        t.volumeTypes?.forEach((v, j) => {
          if (!volumeCodes.has(v)) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown volume type ${v}`,
              path: [i, 'volumeTypes', j],
            });
          }
        });
      });
    });
}

function invalid(what: string, error: z.ZodError): DomainError {
  const where = error.issues
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return new DomainError(
    'config.invalid',
    text(`词表配置无效（${what}）：${where}`, `Invalid vocabulary (${what}): ${where}`),
    { issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  );
}

/** Validate a volume-type list (the shape of resources/vocabulary/volume-types.json). */
export function loadVolumeTypes(json: unknown): readonly VolumeType[] {
  const r = VolumeTypesSchema.safeParse(json);
  if (!r.success) throw invalid('volume-types', r.error);
  return deepFreeze(r.data);
}

/** Validate a document-type list against the volume types it refers to. */
export function loadDocumentTypes(
  json: unknown,
  volumeTypes: readonly VolumeType[],
): readonly DocumentType[] {
  const r = documentTypesSchema(new Set(volumeTypes.map((v) => v.code))).safeParse(json);
  if (!r.success) throw invalid('document-types', r.error);
  // Rebuilt by hand: with exactOptionalPropertyTypes an absent volumeTypes must stay absent.
  const types = r.data.map(
    ({ volumeTypes, ...rest }): DocumentType => (volumeTypes === undefined ? rest : { ...rest, volumeTypes }),
  );
  return deepFreeze(types);
}

export const VOLUME_TYPES: readonly VolumeType[] = loadVolumeTypes(volumeTypesJson);
export const DOCUMENT_TYPES: readonly DocumentType[] = loadDocumentTypes(documentTypesJson, VOLUME_TYPES);

const volumeByCode = new Map(VOLUME_TYPES.map((t) => [t.code, t]));
const documentByCode = new Map(DOCUMENT_TYPES.map((t) => [t.code, t]));
const volumeByName = new Map<string, VolumeType>();
for (const t of VOLUME_TYPES)
  for (const n of [t.name, t.nameEn, ...t.aliases]) volumeByName.set(foldName(n), t);

export function volumeTypeByCode(code: string): VolumeType | undefined {
  return volumeByCode.get(code);
}

export function documentTypeByCode(code: string): DocumentType | undefined {
  return documentByCode.get(code);
}

/**
 * Look a volume type up by its Chinese name, an alias or its English name, as written on a folder:
 * whitespace, parenthesis width and a trailing 卷 / 登记 / 登记卷 do not matter
 * (`设立（开业）登记卷` → SL, `开业` → SL, `change` → BG).
 */
export function volumeTypeByName(name: string): VolumeType | undefined {
  let key = foldName(name);
  for (const suffix of ['', '卷', '登记']) {
    if (suffix !== '' && key.endsWith(suffix)) key = key.slice(0, -suffix.length);
    const found = volumeByName.get(key);
    if (found) return found;
  }
  return undefined;
}

/** Document types that typically appear in volumes of this type, in their typical order. */
export function documentTypesForVolumeType(volumeTypeCode: string): readonly DocumentType[] {
  return DOCUMENT_TYPES.filter(
    (d) => d.volumeTypes === undefined || d.volumeTypes.includes(volumeTypeCode),
  ).sort((a, b) => a.order - b.order);
}

function foldName(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, '').replaceAll('（', '(').replaceAll('）', ')').toLowerCase();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
