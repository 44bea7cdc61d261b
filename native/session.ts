import type { ScanErrorCategory, ScanEvent, ScannedPage, ScanSession } from '../core/scanning/driver';
import { SCAN_ERROR_MESSAGES } from '../core/scanning/driver';

/** What a driver's scan routine gets: a way to deliver events, and the cancel signal. */
export interface SessionControl {
  page(page: Omit<ScannedPage, 'type' | 'index'>): void;
  progress(fraction: number): void;
  /** Record why the run stopped early; the first reason wins, later ones are ignored. */
  fail(category: ScanErrorCategory, detail?: string): void;
  readonly signal: AbortSignal;
  readonly pages: number;
  /**
   * Resolves once the consumer has taken all but `keep` of the queued events, or the scan is cancelled.
   * A scanner cannot wait, but a source that reads files can: it awaits this to keep memory bounded.
   */
  caughtUp(keep?: number): Promise<void>;
}

/**
 * Turns a driver's push-style scan routine into a `ScanSession` with the event order the interface
 * promises (pages/progress, at most one error, exactly one `done`). The routine starts at once, so a
 * feeder is never held up by a slow consumer. Breaking out of the `for await` loop cancels the scan.
 */
export function createScanSession(run: (control: SessionControl) => Promise<void>): ScanSession {
  const queue: ScanEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: ScanEvent | undefined;
  let pages = 0;
  const abort = new AbortController();
  const waiting: { keep: number; resolve: () => void }[] = [];
  const release = () => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      const w = waiting[i];
      if (w && (queue.length <= w.keep || abort.signal.aborted || finished)) {
        waiting.splice(i, 1);
        w.resolve();
      }
    }
  };

  const push = (event: ScanEvent) => {
    queue.push(event);
    wake?.();
  };

  const control: SessionControl = {
    page(page) {
      if (finished) return;
      push({ ...page, type: 'page', index: pages });
      pages += 1;
    },
    progress(fraction) {
      if (finished) return;
      push({ type: 'progress', index: pages, fraction: Math.max(0, Math.min(1, fraction)) });
    },
    fail(category, detail) {
      if (failure !== undefined || finished) return;
      failure = {
        type: 'error',
        category,
        message: SCAN_ERROR_MESSAGES[category],
        ...(detail === undefined ? {} : { detail }),
      };
    },
    get signal() {
      return abort.signal;
    },
    get pages() {
      return pages;
    },
    caughtUp(keep = 0) {
      return new Promise<void>((resolve) => {
        waiting.push({ keep, resolve });
        release();
      });
    },
  };

  const finish = () => {
    if (abort.signal.aborted) control.fail('cancelled');
    if (failure !== undefined) push(failure);
    push({ type: 'done', pages });
    finished = true;
    wake?.();
  };

  // A routine that throws has a bug; the operator still gets an error and the pages so far.
  run(control).then(finish, (e: unknown) => {
    control.fail('unknown', e instanceof Error ? e.message : String(e));
    finish();
  });

  const cancel = () => {
    if (!finished && !abort.signal.aborted) abort.abort();
    release();
  };

  return {
    cancel,
    [Symbol.asyncIterator](): AsyncIterator<ScanEvent> {
      return {
        async next(): Promise<IteratorResult<ScanEvent>> {
          for (;;) {
            const event = queue.shift();
            release();
            if (event !== undefined) return { value: event, done: false };
            if (finished) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        return(): Promise<IteratorResult<ScanEvent>> {
          cancel();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}

/** Collects a whole session (tests, the CLI): every event in order. */
export async function collect(session: ScanSession): Promise<ScanEvent[]> {
  const events: ScanEvent[] = [];
  for await (const event of session) events.push(event);
  return events;
}
