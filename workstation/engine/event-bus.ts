import type { EngineEvent, EventName, EventPayload } from '../../core/contracts';

type Listener = (event: EngineEvent) => void;

/** In-process fan-out of engine events to the transports (SSE clients, the Electron main process). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const event = { name, payload } as EngineEvent;
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A broken transport must not stop the others or the write that raised the event.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get size(): number {
    return this.listeners.size;
  }
}
