import type { PageImageSize, PageImageView } from '../../../core/contracts/api-capture';
import type { EngineClient } from '../../api/client';

/** A loaded image, ready for an <img src>. */
export interface LoadedImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly exact: boolean;
}

/** Thumbnails asked for within this window go to the engine as one `pages.thumbnails` call. */
const BATCH_MS = 16;
const BATCH_MAX = 100;
/** Object URLs kept: every thumbnail of a 500-page volume, plus a few large images. */
const THUMB_CACHE = 1200;
const LARGE_CACHE = 6;

function toUrl(img: PageImageView): LoadedImage {
  const bin = atob(img.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return {
    url: URL.createObjectURL(new Blob([bytes], { type: img.mediaType })),
    width: img.width,
    height: img.height,
    exact: img.exact,
  };
}

/** A map that forgets its oldest entries (and revokes their object URLs) beyond `max`. */
class UrlCache {
  private readonly map = new Map<string, LoadedImage>();
  constructor(private readonly max: number) {}
  get(key: string): LoadedImage | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: LoadedImage): void {
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const [oldest, img] = this.map.entries().next().value ?? [];
      if (oldest === undefined || img === undefined) break;
      this.map.delete(oldest);
      URL.revokeObjectURL(img.url);
    }
  }
}

interface Waiting {
  readonly key: string;
  readonly resolve: (img: LoadedImage | null) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Page images from the engine. Thumbnails are gathered over a frame and fetched in batches of up to
 * 100 (a virtualized grid asks for the visible ones as it scrolls), cached as object URLs by page and
 * thumbnail digest, so a rotated page (new digest) is fetched again and an unchanged one never is.
 */
export class PageImageLoader {
  private readonly thumbs = new UrlCache(THUMB_CACHE);
  private readonly large = new UrlCache(LARGE_CACHE);
  private readonly inFlight = new Map<string, Promise<LoadedImage | null>>();
  private queue = new Map<number, Waiting[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: EngineClient) {}

  /** The cached thumbnail, synchronously (no flicker when a tile scrolls back into view). */
  cachedThumbnail(pageId: number, version: string | null): LoadedImage | undefined {
    return this.thumbs.get(`${pageId}:${version ?? ''}`);
  }

  /** A page's thumbnail; null while the page has none yet (not processed). */
  thumbnail(pageId: number, version: string | null): Promise<LoadedImage | null> {
    const key = `${pageId}:${version ?? ''}`;
    const hit = this.thumbs.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = new Promise<LoadedImage | null>((resolve, reject) => {
      const list = this.queue.get(pageId) ?? [];
      list.push({ key, resolve, reject });
      this.queue.set(pageId, list);
      this.timer ??= setTimeout(() => {
        this.flush();
      }, BATCH_MS);
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** A large image (view, master, original), one call each, a few kept. */
  image(pageId: number, size: Exclude<PageImageSize, 'thumb'>, version: string | null): Promise<LoadedImage> {
    const key = `${pageId}:${size}:${version ?? ''}`;
    const hit = this.large.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<LoadedImage>;
    const promise = this.client.call('pages.image', { pageId, size }).then((img) => {
      const loaded = toUrl(img);
      this.large.set(key, loaded);
      return loaded;
    });
    this.inFlight.set(
      key,
      promise.finally(() => this.inFlight.delete(key)),
    );
    return promise;
  }

  private flush(): void {
    this.timer = null;
    const all = [...this.queue.entries()];
    this.queue = new Map();
    for (let i = 0; i < all.length; i += BATCH_MAX) {
      const chunk = all.slice(i, i + BATCH_MAX);
      const pageIds = chunk.map(([id]) => id);
      this.client.call('pages.thumbnails', { pageIds }).then(
        (images) => {
          const byId = new Map(images.map((img) => [img.pageId, img]));
          for (const [id, waiting] of chunk) {
            const img = byId.get(id);
            const loaded = img ? toUrl(img) : null;
            for (const w of waiting) {
              if (loaded) this.thumbs.set(w.key, loaded);
              w.resolve(loaded);
            }
          }
        },
        (e: unknown) => {
          for (const [, waiting] of chunk) for (const w of waiting) w.reject(e);
        },
      );
    }
  }
}
