import { z } from 'zod';

/** The catalogue that travels in `data/catalogue.json`: everything the store needs to rebuild the volume. */
export const CATALOGUE_FORMAT = 'dangan-catalogue/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const payloadPath = z.string().regex(/^data\/images\/[A-Za-z0-9._-]+$/);

export const catalogueTransformSchema = z.object({
  seq: z.number().int().min(1),
  kind: z.string().min(1).max(40),
  params: z.unknown(),
  resultSha256: sha256.nullable(),
  resultSize: z.number().int().min(0).nullable(),
  resultFile: payloadPath.nullable(),
});

export const cataloguePageSchema = z.object({
  seq: z.number().int().min(1),
  file: payloadPath,
  sha256,
  size: z.number().int().min(0),
  mediaType: z.string().min(1).max(100),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  dpiX: z.number().int().nullable(),
  dpiY: z.number().int().nullable(),
  colorMode: z.enum(['color', 'gray', 'bw']).nullable(),
  side: z.enum(['front', 'back']).nullable(),
  blankScore: z.number().nullable(),
  isBlank: z.boolean(),
  isSeparator: z.boolean(),
  labelFound: z.string().nullable(),
  capturedAt: z.string(),
  transforms: z.array(catalogueTransformSchema),
});

export const catalogueDocumentSchema = z.object({
  seq: z.number().int().min(1),
  typeCode: z.string().min(1).max(40),
  title: z.string().max(500),
  docDate: z
    .string()
    .regex(/^\d{8}$/)
    .nullable(),
  responsible: z.string().max(200).nullable(),
  firstPage: z.number().int().min(1),
  lastPage: z.number().int().min(1),
});

export const catalogueQaSchema = z.object({
  action: z.string().min(1).max(40),
  by: z.string().nullable(),
  at: z.string(),
  note: z.string().nullable(),
});

export const catalogueSchema = z.object({
  format: z.literal(CATALOGUE_FORMAT),
  enterprise: z.object({
    uscc: z.string().length(18).nullable(),
    regNo: z.string().length(15).nullable(),
    name: z.string().min(1).max(200),
    bureauCode: z.string().min(1).max(20),
    /**
     * Other codes of the same enterprise the workstation knows (code aliases, records merged with it,
     * e.g. an old 注册号 record merged into the USCC one): the store links them on commit. Absent when
     * there are none, so the catalogue of a volume without any keeps the same bytes.
     */
    codes: z
      .array(z.object({ kind: z.enum(['uscc', 'regno']), value: z.string().min(1).max(40) }))
      .max(200)
      .optional(),
  }),
  volume: z.object({
    uid: z.string().min(1).max(100),
    archiveNo: z.string().min(1).max(100),
    volumeType: z.string().min(1).max(20),
    year: z.number().int().min(1949).max(2100),
    registrationDate: z
      .string()
      .regex(/^\d{8}$/)
      .nullable(),
    bureauCode: z.string().min(1).max(20),
    declaredPages: z.number().int().min(0).nullable(),
  }),
  batch: z.string().max(100).nullable(),
  pages: z.array(cataloguePageSchema).max(100_000),
  documents: z.array(catalogueDocumentSchema).max(100_000),
  qa: z.array(catalogueQaSchema),
});

export type Catalogue = z.infer<typeof catalogueSchema>;
export type CataloguePage = z.infer<typeof cataloguePageSchema>;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
  'image/png': 'png',
  'image/jp2': 'jp2',
  'application/pdf': 'pdf',
};

/** Deterministic ASCII payload name of a page image: `data/images/p0001.jpg`. */
export function pageFileName(seq: number, mediaType: string): string {
  return `data/images/p${String(seq).padStart(4, '0')}.${EXTENSIONS[mediaType] ?? 'bin'}`;
}

/** Payload name of a transform's result: `data/images/p0001-t2.jpg`. */
export function transformFileName(pageSeq: number, transformSeq: number, mediaType: string): string {
  return `data/images/p${String(pageSeq).padStart(4, '0')}-t${transformSeq}.${EXTENSIONS[mediaType] ?? 'bin'}`;
}
