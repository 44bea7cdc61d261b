/**
 * Opening a screen at a record: the target travels in the address (`/catalogue?volume=7&page=81&doc=2`,
 * `/register?enterprise=8`), so a link, the browser's back button and a reload all land on the same
 * record. Screens read it once when they mount (App's `navigate` mounts the screen of a new path).
 */
export interface ScreenTarget {
  readonly volumeId: number | null;
  /** A page by its id (positions change when pages are moved; ids do not). */
  readonly pageId: number | null;
  /** A document by its position in the volume (第 N 件). */
  readonly documentSeq: number | null;
  readonly enterpriseId: number | null;
  /** A code to look up (one the registration roster has and this workstation does not). */
  readonly code: string | null;
}

const KEYS = {
  volumeId: 'volume',
  pageId: 'page',
  documentSeq: 'doc',
  enterpriseId: 'enterprise',
  code: 'code',
} as const;

/** The address of `path` opened at `target` (parts left out or null are not part of it). */
export function targetUrl(path: string, target: Partial<ScreenTarget>): string {
  const q = new URLSearchParams();
  for (const [field, key] of Object.entries(KEYS) as [keyof ScreenTarget, string][]) {
    const v = target[field];
    if (v !== null && v !== undefined) q.set(key, String(v));
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** What the current address asks the screen to open; anything malformed is ignored. */
export function targetFromUrl(search: string = window.location.search): ScreenTarget {
  const q = new URLSearchParams(search);
  const num = (key: string) => {
    const v = q.get(key);
    return v !== null && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : null;
  };
  const code = q.get(KEYS.code)?.trim() ?? '';
  return {
    volumeId: num(KEYS.volumeId),
    pageId: num(KEYS.pageId),
    documentSeq: num(KEYS.documentSeq),
    enterpriseId: num(KEYS.enterpriseId),
    code: code === '' ? null : code.slice(0, 64),
  };
}
