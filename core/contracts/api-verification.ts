import { z } from 'zod';
import {
  CatalogueIssueSchema,
  CataloguePageSchema,
  DocumentDraftSchema,
  QaProblemSchema,
  RejectionSchema,
} from './api-cataloguing';
import { TextSchema } from './envelope';
import { endpoint, id, type Endpoint } from './endpoint';
import { VolumeRowSchema } from './models';

export const MachineCheckSchema = z.object({
  id: z.string(),
  name: TextSchema,
  /** fail: the volume cannot pass; warning: look at it; skipped: could not be checked (an issue says why). */
  status: z.enum(['pass', 'fail', 'warning', 'skipped']),
  /** `proposedUscc`: a USCC a 注册号-only enterprise's page shows, to record in one action (enterprises.recordUscc). */
  issues: z.array(CatalogueIssueSchema.extend({ proposedUscc: z.string().optional() })),
  /** enterprise-codes: what OCR read in each form page's code and name cells, and whether they match. */
  readings: z
    .array(
      z.object({
        page: z.number().int(),
        layout: z.enum(['table', 'lines', 'none']),
        code: z.string().nullable(),
        codeMatches: z.boolean().nullable(),
        name: z.string().nullable(),
        nameMatches: z.boolean().nullable(),
      }),
    )
    .optional(),
});
export type MachineCheckView = z.infer<typeof MachineCheckSchema>;

export const QaDecisionSchema = z.object({
  targetKind: z.enum(['page', 'document']),
  targetSeq: z.number().int(),
  verdict: z.enum(['pass', 'problem']),
  reasonCode: z.string().nullable(),
  note: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string(),
});
export type QaDecisionView = z.infer<typeof QaDecisionSchema>;

export const ReviewSchema = z.object({
  reviewId: z.number().int(),
  volume: VolumeRowSchema,
  enterprise: z.object({ name: z.string(), uscc: z.string().nullable(), regNo: z.string().nullable() }),
  /** The sampling rule in force (DA/T 31 defaults: machine 100 %, manual ≥ 5 %, catalogue 100 %). */
  rule: z.object({
    machinePercent: z.number(),
    manualPagePercent: z.number(),
    cataloguePercent: z.number(),
    minPages: z.number().int(),
  }),
  pages: z.array(CataloguePageSchema),
  documents: z.array(DocumentDraftSchema),
  /** Every document (catalogue-to-image 100 %), then the sampled pages, each with its decision so far. */
  targets: z.array(
    z.object({
      kind: z.enum(['page', 'document']),
      seq: z.number().int(),
      decision: QaDecisionSchema.nullable(),
    }),
  ),
  machine: z.object({ passed: z.boolean(), checks: z.array(MachineCheckSchema) }),
  reasons: z.array(z.object({ code: z.string(), name: TextSchema })),
  /** Content pages whose full-page OCR has not finished (the code and name checks wait for it). */
  ocrPending: z.number().int(),
  /** Earlier rejections of this volume, newest first. */
  history: z.array(RejectionSchema),
});
export type ReviewView = z.infer<typeof ReviewSchema>;

export const OcrWordSchema = z.object({
  text: z.string(),
  line: z.number().int(),
  bbox: z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
  confidence: z.number(),
  /** The word is part of the enterprise's code or name as found on the page. */
  match: z.enum(['uscc', 'regno', 'name']).nullable(),
});
export type OcrWordView = z.infer<typeof OcrWordSchema>;

export const PageTextSchema = z.object({
  seq: z.number().int(),
  /** full page when read, else the title zone; none: not read yet. */
  zone: z.enum(['full', 'title', 'none']),
  state: z.enum(['done', 'failed', 'none']),
  text: z.string(),
  lines: z.array(z.object({ text: z.string(), words: z.array(OcrWordSchema) })),
  /** The word boxes' coordinate space (the image OCR read, scaled as it was read). */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** The share of the page's height that space covers, from the top (1 for a full page, ~0.22 for a title zone). */
  heightShare: z.number(),
  found: z.object({ uscc: z.boolean(), regNo: z.boolean(), name: z.boolean() }),
});
export type PageTextView = z.infer<typeof PageTextSchema>;

const target = z.strictObject({ kind: z.enum(['page', 'document']), seq: z.number().int().min(1) });

/** 图文校核: machine checks, the QA queue, review decisions. */
export const VERIFICATION_API = {
  /** Catalogued volumes waiting for QA that the caller did not scan or catalogue, oldest first. */
  'qa.queue': endpoint(
    ['qa'],
    z.strictObject({}),
    z.array(VolumeRowSchema.extend({ rejections: z.number().int() })),
  ),
  /**
   * Opens (or resumes) the review of a volume: machine-check report, the sample, the catalogue, the
   * decisions so far. `qa.own-work` when the caller scanned or catalogued it.
   */
  'qa.start': endpoint(['qa'], z.strictObject({ volumeId: id }), ReviewSchema),
  /** A page's OCR text with word boxes, the words of the enterprise's code and name marked. */
  'qa.pageText': endpoint(
    ['qa', 'operator'],
    z.strictObject({ volumeId: id, seq: z.number().int().min(1) }),
    PageTextSchema,
  ),
  /** Pass, or a problem with a reason from the list (+ note; `other` needs one). A new decision replaces the old. */
  'qa.decide': endpoint(
    ['qa'],
    z.strictObject({
      reviewId: id,
      target,
      pass: z.boolean(),
      reason: z.string().max(40).optional(),
      note: z.string().max(2000).optional(),
    }),
    ReviewSchema,
  ),
  /** All passed → verified; any problem → rejected back to the operator with the reasons. */
  'qa.finish': endpoint(
    ['qa'],
    z.strictObject({ reviewId: id }),
    z.object({
      outcome: z.enum(['verified', 'rejected']),
      problems: z.array(QaProblemSchema),
    }),
  ),
} as const satisfies Record<string, Endpoint>;
