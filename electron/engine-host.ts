import type { EngineEvent, Envelope } from '../core/contracts';
import {
  ENGINE_RESTARTED,
  isEngineMessage,
  restartDelayMs,
  type EngineInit,
  type EngineRequest,
} from './engine-protocol';

/** What the host needs of a child process; Electron's UtilityProcess has this shape (tests use a fake). */
export interface EngineChild {
  postMessage(message: EngineRequest | EngineInit): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

export interface EngineHostOptions {
  spawn: () => EngineChild;
  onEvent: (event: EngineEvent) => void;
  log?: (line: string) => void;
  setTimer?: (f: () => void, ms: number) => unknown;
}

/**
 * Keeps the engine's utility process running: forwards calls and matches replies, passes events on,
 * and when the process dies answers the calls in flight with `engine.restarted` and starts a new one
 * (backing off if it keeps dying). The renderer keeps its state; `engine.ready` tells it to refetch.
 */
export class EngineHost {
  private child: EngineChild | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (e: Envelope<unknown>) => void>();
  private crashes = 0;
  private stopped = false;

  constructor(private readonly options: EngineHostOptions) {}

  start(): void {
    this.stopped = false;
    this.launch();
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill();
    this.child = null;
  }

  call(channel: string, payload: unknown, session: string | null): Promise<Envelope<unknown>> {
    const child = this.child;
    if (child === null) return Promise.resolve(ENGINE_RESTARTED);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      child.postMessage({ kind: 'call', id, channel, payload, session });
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private launch(): void {
    const child = this.options.spawn();
    this.child = child;
    child.on('message', (m) => {
      if (!isEngineMessage(m)) return;
      if (m.kind === 'reply') {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m.envelope);
      } else if (m.kind === 'event') {
        this.options.onEvent(m.event);
      } else if (m.kind === 'ready') {
        this.crashes = 0;
        this.options.onEvent({ name: 'engine.ready', payload: { startedAt: m.startedAt } });
      } else {
        this.options.log?.(`engine: ${m.message}`);
      }
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = null;
      for (const resolve of this.pending.values()) resolve(ENGINE_RESTARTED);
      this.pending.clear();
      if (this.stopped) return;
      this.crashes++;
      const delay = restartDelayMs(this.crashes);
      this.options.log?.(`engine exited with ${code}; restarting in ${delay} ms`);
      (this.options.setTimer ?? setTimeout)(() => {
        if (!this.stopped) this.launch();
      }, delay);
    });
  }
}
