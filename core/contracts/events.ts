import { z } from 'zod';
import { VolumeStateSchema } from './models';

/** Events the engine pushes to every connected UI (SSE in browser mode, IPC in Electron). */
export const EVENTS = {
  /** A volume was created or changed state. */
  'volume.changed': z.object({ volumeId: z.number().int(), state: VolumeStateSchema }),
  /** Pages arrived, moved or went away in a volume. */
  'pages.changed': z.object({ volumeId: z.number().int(), count: z.number().int() }),
  /** The engine (re)started: clients refetch what they show. */
  'engine.ready': z.object({ startedAt: z.string() }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;
export type EngineEvent = {
  [E in EventName]: { readonly name: E; readonly payload: EventPayload<E> };
}[EventName];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}
