import { z } from 'zod';
import { VolumeStateSchema } from './models';

/** Events the engine pushes to every connected UI (SSE in browser mode, IPC in Electron). */
export const EVENTS = {
  /** A volume was created or changed state. */
  'volume.changed': z.object({ volumeId: z.number().int(), state: VolumeStateSchema }),
  /** An enterprise's record changed (a USCC recorded): screens showing it or its volumes refetch. */
  'enterprise.changed': z.object({ enterpriseId: z.number().int() }),
  /** Pages arrived, moved or went away in a volume. */
  'pages.changed': z.object({ volumeId: z.number().int(), count: z.number().int() }),
  /** The engine (re)started: clients refetch what they show. */
  'engine.ready': z.object({ startedAt: z.string() }),
  /** A long 系统维护 task moved on: `done` of `total` steps, the current one named. */
  'maintenance.progress': z.object({
    task: z.enum(['checks', 'backup', 'maintain', 'audit', 'restore']),
    done: z.number().int(),
    total: z.number().int(),
    step: z.object({ zh: z.string(), en: z.string() }),
  }),
  /** An outbox entry changed: the transfer worker started, moved on, finished or failed it. */
  'outbox.changed': z.object({
    id: z.number().int(),
    volumeId: z.number().int(),
    state: z.enum(['queued', 'sending', 'committed', 'failed', 'cancelled']),
    bytesDone: z.number().int(),
    bytesTotal: z.number().int().nullable(),
  }),
  /** 扫描: a page of a scan run is durably stored (acknowledged). */
  'scan.page': z.object({
    scanId: z.string(),
    volumeId: z.number().int(),
    pageId: z.number().int(),
    seq: z.number().int(),
    pages: z.number().int(),
  }),
  /** 扫描: a run ended: ran out, was cancelled or stopped on a device error (category + Chinese text). */
  'scan.ended': z.object({
    scanId: z.string(),
    volumeId: z.number().int(),
    pages: z.number().int(),
    error: z
      .object({
        category: z.string(),
        message: z.object({ zh: z.string(), en: z.string() }),
        detail: z.string().nullable(),
      })
      .nullable(),
  }),
  /** 扫描: a page's processing (deskew, crop, thumbnail, flags) finished or failed for good. */
  'page.processed': z.object({
    volumeId: z.number().int(),
    pageId: z.number().int(),
    state: z.enum(['done', 'failed']),
  }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;
export type EngineEvent = {
  [E in EventName]: { readonly name: E; readonly payload: EventPayload<E> };
}[EventName];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}
