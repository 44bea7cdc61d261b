import { z } from 'zod';

/** A bilingual message as it travels over the API (core/text.ts `Text`). */
export const TextSchema = z.object({ zh: z.string(), en: z.string() });

/** What every failed call returns: a stable dotted code and a message for people, Chinese first. */
export const ApiErrorSchema = z.object({
  code: z.string(),
  message: TextSchema,
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

/** The one response shape of every transport (HTTP, Electron IPC). */
export type Envelope<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ApiErrorBody };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);
