import type { Envelope } from './envelope';
import type { Channel, Input, Output } from './api';
import type { EngineEvent } from './events';

/**
 * What the Electron preload exposes as `window.dangan` (contextBridge). One generic call, so the
 * preload needs no runtime import: the main process checks the channel against the contract's
 * allow-list and validates the payload with zod.
 */
export interface Bridge {
  call<C extends Channel>(channel: C, input: Input<C>, session: string | null): Promise<Envelope<Output<C>>>;
  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

/** The IPC channel names main listens on (the only ones). */
export const IPC = { call: 'dangan:call', event: 'dangan:event' } as const;

/** HTTP paths in browser mode. */
export const HTTP = {
  api: '/api/',
  events: '/api/events',
  /** The header that carries the per-run engine token. */
  tokenHeader: 'authorization',
  /** The header that carries the user's session token. */
  sessionHeader: 'x-dangan-session',
} as const;
