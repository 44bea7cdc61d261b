import { z } from 'zod';

/** The store's signed receipt for one committed version of a volume (the workstation checks it). */
export const receiptBodySchema = z.object({
  format: z.literal('dangan-receipt/1'),
  receiptId: z.string().min(1).max(100),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  volumeUid: z.string().min(1).max(100),
  archiveNo: z.string().min(1).max(100),
  bureauCode: z.string().min(1).max(20),
  version: z.number().int().min(1),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  payloadOxum: z.string().regex(/^\d+\.\d+$/),
  pages: z.number().int().min(0),
  committedAt: z.string(),
  auditHash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const signedReceiptSchema = z.object({
  body: receiptBodySchema,
  /** Ed25519 signature of the canonical JSON of `body`, base64. */
  signature: z.string().min(1).max(200),
});

export type ReceiptBody = z.infer<typeof receiptBodySchema>;
export type SignedReceipt = z.infer<typeof signedReceiptSchema>;

/** The file `dangan bag import` writes for the workstation: one receipt per imported bag. */
export const receiptFileSchema = z.object({
  format: z.literal('dangan-receipts/1'),
  receipts: z.array(signedReceiptSchema),
});
export type ReceiptFile = z.infer<typeof receiptFileSchema>;
