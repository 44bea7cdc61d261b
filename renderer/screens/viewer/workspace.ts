import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { EngineClient } from '../../api/client';

/**
 * A keyboard-driven workspace (著录标引, 图文校核): one window key handler — the screen assigns
 * `keys.current` on every render, so it always sees the latest state — the element the keyboard returns
 * to after a dialog or picker, and the shortcut list's open state.
 */
export function useWorkspace() {
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    const handler = (e: KeyboardEvent) => {
      keys.current(e);
    };
    window.addEventListener('keydown', handler);
    return () => {
      window.removeEventListener('keydown', handler);
    };
  }, []);

  const home = useRef<HTMLDivElement>(null);
  // At once (a dialog closed with flushSync has already let go of focus, so the next key, which the
  // browser may deliver before any timer, lands here) and again after the current render for a dialog
  // whose focus lock was still active.
  const toHome = useCallback(() => {
    home.current?.focus();
    setTimeout(() => {
      home.current?.focus();
    }, 0);
  }, []);

  const [help, setHelp] = useState(false);
  const showHelp = useCallback(() => {
    setHelp(true);
  }, []);
  const hideHelp = useCallback(() => {
    flushSync(() => {
      setHelp(false);
    });
    toHome();
  }, [toHome]);
  return { keys, home, toHome, help, showHelp, hideHelp };
}

/**
 * Thumbnail versions of a volume's pages (they change when a page is turned), from the 扫描 screen's page
 * list; without them the images still load, only uncached.
 */
export function useThumbKeys(client: EngineClient) {
  const [keys, setKeys] = useState<ReadonlyMap<number, string | null>>(new Map());
  const load = useCallback(
    (volumeId: number) => {
      client.call('pages.list', { volumeId }).then(
        (p) => {
          setKeys(new Map(p.pages.map((x) => [x.id, x.thumbKey])));
        },
        () => undefined,
      );
    },
    [client],
  );
  const of = useCallback((pageId: number) => keys.get(pageId) ?? null, [keys]);
  return { load, of };
}
