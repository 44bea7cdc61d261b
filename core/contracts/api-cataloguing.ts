import { z } from 'zod';
import { TextSchema } from './envelope';
import { endpoint, id, short, type Endpoint } from './endpoint';
import { IssueSchema, VolumeRowSchema } from './models';

/** One page as the cataloguing and verification screens list it. */
export const CataloguePageSchema = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  /** 页号: content pages are numbered 1..n; blank pages and separator sheets have none. */
  pageNo: z.number().int().nullable(),
  isBlank: z.boolean(),
  isSeparator: z.boolean(),
  /** Share of ink (the blank score), when the page has been processed. */
  blankScore: z.number().nullable(),
  /** Our QR label (or another code the pipeline recognised as a label) was found on the page. */
  hasLabel: z.boolean(),
  dpi: z.number().int().nullable(),
  /** The title zone's OCR state: read, failed for good, or not read yet. */
  titleOcr: z.enum(['done', 'failed', 'none']),
  /** The first title-zone line (what the page is headed), when read. */
  heading: z.string().nullable(),
});
export type CataloguePageView = z.infer<typeof CataloguePageSchema>;

const typeCode = z.string().trim().max(8);
/** A document as the operator describes it: a draft until saved (fields may still be missing). */
export const DocumentDraftSchema = z.strictObject({
  typeCode,
  title: z.string().max(500),
  /** YYYYMMDD. */
  docDate: z.string().max(8).nullable(),
  responsible: z.string().max(200).nullable(),
  firstPage: z.number().int().min(1).max(100_000),
  lastPage: z.number().int().min(1).max(100_000),
});
export type DocumentDraftView = z.infer<typeof DocumentDraftSchema>;

/** A finding of the cataloguing rules (core/cataloguing), naming the page and/or document it concerns. */
export const CatalogueIssueSchema = IssueSchema.extend({
  severity: z.enum(['error', 'warning']),
  page: z.number().int().optional(),
  document: z.number().int().optional(),
});
export type CatalogueIssueView = z.infer<typeof CatalogueIssueSchema>;

/** A QA problem on a volume that was sent back: what, where, why. */
export const QaProblemSchema = z.object({
  targetKind: z.enum(['page', 'document']),
  targetSeq: z.number().int(),
  reasonCode: z.string(),
  reason: TextSchema,
  note: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string(),
});
export type QaProblemView = z.infer<typeof QaProblemSchema>;

/** The last rejection of a volume by QA, shown to the operator who reworks it. */
export const RejectionSchema = z.object({
  reviewer: z.string().nullable(),
  finishedAt: z.string().nullable(),
  problems: z.array(QaProblemSchema),
});
export type RejectionView = z.infer<typeof RejectionSchema>;

export const CatalogueSchema = z.object({
  volume: VolumeRowSchema,
  pageCountReason: z.string().nullable(),
  pages: z.array(CataloguePageSchema),
  countedPages: z.number().int(),
  documents: z.array(DocumentDraftSchema),
  issues: z.array(CatalogueIssueSchema),
  /** The catalogue may be changed in this state (scanned, or rejected for rework). */
  editable: z.boolean(),
  /** Why QA sent the volume back, while it is rejected or being reworked. */
  rejection: RejectionSchema.nullable(),
});
export type CatalogueView = z.infer<typeof CatalogueSchema>;

export const SuggestedDocumentSchema = z.object({
  typeCode: z.string(),
  title: z.string(),
  firstPage: z.number().int(),
  lastPage: z.number().int(),
  /** 0..1: how sure the classifier is that a document of this type starts here. */
  confidence: z.number(),
  /** The vocabulary keyword recognised in the title (null: no title found, typed as other). */
  keyword: z.string().nullable(),
  /** YYYYMMDD: the date printed on the document, else the volume's registration date (see dateSource). */
  docDate: z.string().nullable().optional(),
  /**
   * `document`: read on the document (datePage, dateText say where); `registration`: nothing readable was
   * found, the volume's registration date stands in — show it as unconfirmed; `none`: neither.
   */
  dateSource: z.enum(['document', 'registration', 'none']).optional(),
  datePage: z.number().int().nullable().optional(),
  dateText: z.string().nullable().optional(),
  /** 责任者 when readable: `document` = read on it (spelled as registered); `volume` = the registering bureau. */
  responsible: z.string().nullable().optional(),
  responsibleSource: z.enum(['document', 'volume']).nullable().optional(),
});
export type SuggestedDocumentView = z.infer<typeof SuggestedDocumentSchema>;

export const SuggestionsSchema = z.object({
  documents: z.array(SuggestedDocumentSchema),
  ocr: z.object({
    /** Content pages whose title zone has been read. */
    read: z.number().int(),
    failed: z.number().int(),
    /** Content pages not read yet (their suggestions are guesses until they are). */
    unread: z.array(z.number().int()),
    /** The engine is reading title zones now: ask again shortly. */
    running: z.boolean(),
    /** Content pages read whole: dates and 责任者 printed below the title zone are found once they are. */
    fullRead: z.number().int().optional(),
  }),
});
export type SuggestionsView = z.infer<typeof SuggestionsSchema>;

const volumeId = id;
const reason = z.string().trim().max(500);

/** 著录标引: documents of a volume, suggestions, saving the catalogue. */
export const CATALOGUING_API = {
  /** A volume's pages (with flags and 页号), documents and the rule findings, plus QA's reasons after a rejection. */
  'catalogue.get': endpoint('signed-in', z.strictObject({ volumeId }), CatalogueSchema),
  /**
   * Boundaries, types and titles proposed from the title-zone OCR. With `read`, pages not yet read are
   * queued for OCR (title zones first) and the answer says so (`ocr.running`): poll until it is false.
   */
  'catalogue.suggest': endpoint(
    ['operator'],
    z.strictObject({ volumeId, read: z.boolean().optional() }),
    SuggestionsSchema,
  ),
  /** The findings of the rules for a draft, nothing saved (the screen shows them live). */
  'catalogue.validate': endpoint(
    ['operator'],
    z.strictObject({
      volumeId,
      documents: z.array(DocumentDraftSchema).max(5000),
      pageCountReason: reason.nullable().optional(),
    }),
    z.array(CatalogueIssueSchema),
  ),
  /**
   * Saves the documents (and the page-count reason when given) in one transaction, half-done work too:
   * the rule findings come back in `issues`. Only what cannot be stored is refused (documents.* codes:
   * ranges outside the volume, out of order or overlapping, an unreal date).
   */
  'catalogue.save': endpoint(
    ['operator'],
    z.strictObject({
      volumeId,
      documents: z.array(DocumentDraftSchema).max(5000),
      pageCountReason: reason.nullable().optional(),
    }),
    CatalogueSchema,
  ),
  /** Why the counted pages differ from the declared count (empty: no reason). */
  'catalogue.pageCountReason': endpoint(['operator'], z.strictObject({ volumeId, reason }), CatalogueSchema),
  /**
   * Saves and moves the volume to catalogued (scanned → catalogued, or rejected → catalogued after
   * rework) through the lifecycle; queues the full-page OCR that verification reads. Every rule must
   * pass: errors refuse it whole (`catalogue.invalid`: the message counts them, details.issues lists each).
   */
  'catalogue.finish': endpoint(
    ['operator'],
    z.strictObject({
      volumeId,
      documents: z.array(DocumentDraftSchema).max(5000),
      pageCountReason: reason.nullable().optional(),
    }),
    CatalogueSchema,
  ),
  /** Document types for the type picker, those usual in this volume's type first. */
  'catalogue.types': endpoint(
    'signed-in',
    z.strictObject({ volumeType: short(8) }),
    z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        nameEn: z.string(),
        usual: z.boolean(),
        responsibleRequired: z.boolean(),
      }),
    ),
  ),
} as const satisfies Record<string, Endpoint>;
