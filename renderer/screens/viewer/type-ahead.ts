import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/** The keys of 图文校核 that act on the review, and so wait while a decision is being saved. */
export const TYPE_AHEAD_KEYS: ReadonlySet<string> = new Set([
  'j',
  'J',
  'k',
  'K',
  'ArrowDown',
  'ArrowUp',
  'ArrowLeft',
  'ArrowRight',
  'p',
  'P',
  'x',
  'X',
]);

/**
 * Type-ahead for a keyboard-first screen, as terminals and data-entry systems keep it: a key pressed
 * while the screen is busy (a decision being saved) is kept, and the keys are applied in the order they
 * were pressed once it is done, each against the state the one before left — P P P passes three items
 * however slow the machine. Dropping them instead would lose decisions without a word; blocking them
 * would make the operator watch the screen instead of the page. `pending` is how many wait, to show.
 *
 * `apply` is the screen's key handler (`keys.current` of useWorkspace): a kept key is given to it again
 * after the render that ends `busy`, so it sees that render's state.
 */
export function useTypeAhead(busy: boolean, apply: RefObject<(e: KeyboardEvent) => void>) {
  const queue = useRef<KeyboardEvent[]>([]);
  const [pending, setPending] = useState(0);
  /** The kept key being applied now: it is not kept again. */
  const replaying = useRef<KeyboardEvent | null>(null);

  /** Keeps a key for later (only its key and modifiers: it is replayed as a fresh, undispatched event). */
  const keep = useCallback((e: KeyboardEvent) => {
    e.preventDefault();
    const { key, ctrlKey, metaKey, altKey, shiftKey } = e;
    queue.current.push(new KeyboardEvent('keydown', { key, ctrlKey, metaKey, altKey, shiftKey }));
    setPending(queue.current.length);
  }, []);

  /** Forgets the waiting keys and answers how many there were (to say so). */
  const clear = useCallback(() => {
    const n = queue.current.length;
    queue.current = [];
    setPending(0);
    return n;
  }, []);

  useEffect(() => {
    if (busy) return;
    const next = queue.current.shift();
    if (next === undefined) return;
    setPending(queue.current.length);
    replaying.current = next;
    try {
      apply.current(next);
    } finally {
      replaying.current = null;
    }
  }, [busy, pending, apply]);

  /** Whether a key must wait: the screen is busy, or earlier keys still wait (their order is kept). */
  const mustWait = (e: KeyboardEvent) => e !== replaying.current && (busy || pending > 0);
  return { keep, clear, pending, mustWait };
}
