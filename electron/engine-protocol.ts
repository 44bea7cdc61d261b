import type { EngineEvent, Envelope } from '../core/contracts';

// Messages between the main process and the engine's utility process (structured clone over
// process.parentPort / UtilityProcess.postMessage).

export interface EngineRequest {
  readonly kind: 'call';
  readonly id: number;
  readonly channel: string;
  readonly payload: unknown;
  readonly session: string | null;
}

/** The main process's first message to a new engine process: the OS-kept key (base64), or null (electron/secret-key.ts). */
export interface EngineInit {
  readonly kind: 'init';
  readonly osKey: string | null;
}

export type EngineMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly envelope: Envelope<unknown> }
  | { readonly kind: 'event'; readonly event: EngineEvent }
  | { readonly kind: 'ready'; readonly startedAt: string }
  | { readonly kind: 'fatal'; readonly message: string };

export function isEngineMessage(m: unknown): m is EngineMessage {
  if (typeof m !== 'object' || m === null) return false;
  const kind = (m as { kind?: unknown }).kind;
  return kind === 'reply' || kind === 'event' || kind === 'ready' || kind === 'fatal';
}

/** Calls in flight when the engine dies get this answer; the UI keeps its place and may retry. */
export const ENGINE_RESTARTED: Envelope<unknown> = {
  ok: false,
  error: {
    code: 'engine.restarted',
    message: {
      zh: '工作站程序意外退出并已重启，操作未完成，请重试；已确认保存的数据不受影响',
      en: 'The workstation engine stopped and was restarted; the operation did not complete, try again. Saved data is unaffected.',
    },
  },
};

/** Restart delays after successive crashes: quick at first, then backing off, capped. */
export function restartDelayMs(crashesInARow: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, crashesInARow - 1));
}
