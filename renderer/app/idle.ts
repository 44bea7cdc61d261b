import { useEffect, useRef } from 'react';

const ACTIVITY = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'] as const;

/**
 * Calls `onIdle` after `minutes` without keyboard or pointer activity (the engine also ends the session
 * on its side; this only makes the screen follow without waiting for the next call).
 */
export function useIdleTimeout(minutes: number | null, onIdle: () => void): void {
  const last = useRef(Date.now());
  const callback = useRef(onIdle);
  callback.current = onIdle;
  useEffect(() => {
    if (minutes === null) return;
    last.current = Date.now();
    const seen = () => {
      last.current = Date.now();
    };
    for (const e of ACTIVITY) window.addEventListener(e, seen, { passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last.current >= minutes * 60_000) callback.current();
    }, 5_000);
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, seen);
      clearInterval(timer);
    };
  }, [minutes]);
}
