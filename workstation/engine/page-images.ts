import sharp from 'sharp';
import type { PageImageSize, PageImageView } from '../../core/contracts/api-capture';
import { DomainError } from '../../core/errors';
import { text } from '../../core/text';
import { BlobStoreError, type BlobStore } from '../../db/blob-store';
import type { CaptureRepo } from '../../db/repos/capture';
import type { PagesRepo } from '../../db/repos/pages';
import { THUMB_WIDTH } from '../capture/profiles';

/** Largest image sent as it is stored; bigger ones are scaled for display (base64 adds a third). */
export const EXACT_CAP_BYTES = 12 * 1024 * 1024;
/** The longest side of a `view` image: sharp on a screen, a fraction of a 300 dpi master's bytes. */
export const VIEW_MAX_PX = 2000;
const SHOWABLE: ReadonlySet<string> = new Set(['jpeg', 'png']);

interface Rendition {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly exact: boolean;
}

/**
 * Page images for the UI, carried inside the JSON answer as base64 (one contract for HTTP and IPC).
 * Stored bytes go out as they are when a browser can show them and they are under the cap; TIFF (the
 * line-art masters, SANE's originals) and oversized images are converted. Conversions are kept in a
 * small memory cache keyed by digest and size, so paging back and forth in the viewer costs nothing.
 */
export class PageImages {
  private readonly cache = new Map<string, Rendition>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly pages: PagesRepo,
    private readonly capture: CaptureRepo,
    private readonly cacheEntries = 24,
  ) {}

  /** The thumbnail, or null while the page waits for processing (it then has none yet). */
  async thumbnail(pageId: number): Promise<PageImageView | null> {
    return this.explained(pageId, () => this.findThumbnail(pageId));
  }

  private async findThumbnail(pageId: number): Promise<PageImageView | null> {
    const proc = this.capture.processing(pageId);
    if (proc?.thumbSha256) {
      const stored = await this.exact(proc.thumbSha256);
      if (stored) return this.view(pageId, 'thumb', proc.thumbSha256, stored);
    }
    // Processing failed, or the page predates the pipeline: make one from the best image there is.
    if (proc?.state === 'pending') return null;
    const sha = proc?.masterSha256 ?? this.pages.get(pageId).blobSha256;
    return this.view(pageId, 'thumb', sha, await this.scaled(sha, THUMB_WIDTH, 'thumb'));
  }

  async image(pageId: number, size: PageImageSize): Promise<PageImageView> {
    return this.explained(pageId, () => this.render(pageId, size));
  }

  private async render(pageId: number, size: PageImageSize): Promise<PageImageView> {
    if (size === 'thumb') {
      const t = await this.thumbnail(pageId);
      if (t) return t;
      // Not processed yet: a small copy of the original stands in.
      const sha = this.pages.get(pageId).blobSha256;
      return this.view(pageId, 'thumb', sha, await this.scaled(sha, THUMB_WIDTH, 'thumb'));
    }
    const page = this.pages.get(pageId);
    const master = this.capture.processing(pageId)?.masterSha256 ?? page.blobSha256;
    const sha = size === 'original' ? page.blobSha256 : master;
    if (size === 'view') return this.view(pageId, size, sha, await this.scaled(sha, VIEW_MAX_PX, 'view'));
    return this.view(pageId, size, sha, (await this.exact(sha)) ?? (await this.scaled(sha, null, size)));
  }

  /**
   * A page whose image file is gone, damaged or undecodable is what the data checks send a technician
   * to look at: it gets an error that says so (and which page), not an internal failure.
   */
  private async explained<T>(pageId: number, make: () => Promise<T>): Promise<T> {
    try {
      return await make();
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const seq = this.pages.get(pageId).seq;
      if (e instanceof BlobStoreError) {
        throw new DomainError(
          'page.image-missing',
          text(
            `第 ${seq} 页的图像文件丢失或已损坏（${e.message}），请在“系统维护”中运行检错，或重扫此页`,
            `The image file of page ${seq} is missing or damaged (${e.message}); run the data checks in 系统维护 or rescan the page`,
          ),
          { pageId },
        );
      }
      throw new DomainError(
        'page.image-unreadable',
        text(
          `第 ${seq} 页的图像无法解码，请重扫此页`,
          `The image of page ${seq} cannot be decoded; rescan the page`,
        ),
        { pageId, cause: e instanceof Error ? e.message : String(e) },
      );
    }
  }

  private view(pageId: number, size: PageImageSize, sha256: string, r: Rendition): PageImageView {
    return {
      pageId,
      size,
      mediaType: r.mediaType,
      base64: r.bytes.toString('base64'),
      width: r.width,
      height: r.height,
      sha256,
      exact: r.exact,
    };
  }

  /**
   * The stored bytes themselves when a browser shows them and they are under the cap; null otherwise.
   * Not cached: reading a blob file is cheap, only conversions cost.
   */
  private async exact(sha: string): Promise<Rendition | null> {
    const bytes = this.blobs.read(sha);
    if (bytes.length > EXACT_CAP_BYTES) return null;
    const meta = await sharp(bytes).metadata();
    if (!SHOWABLE.has(meta.format)) return null;
    return {
      bytes,
      mediaType: meta.format === 'png' ? 'image/png' : 'image/jpeg',
      width: meta.width,
      height: meta.height,
      exact: true,
    };
  }

  /** A display copy: JPEG, or PNG for 1-bit images (smaller and crisp); `maxPx` bounds the longer side. */
  private async scaled(sha: string, maxPx: number | null, tag: string): Promise<Rendition> {
    return this.remember(`${sha}:${tag}`, async () => {
      const input = this.blobs.read(sha);
      const meta = await sharp(input).metadata();
      let img = sharp(input).rotate(); // EXIF orientation, as a browser would show it
      if (maxPx !== null)
        img = img.resize({ width: maxPx, height: maxPx, fit: 'inside', withoutEnlargement: true });
      else if (input.length > EXACT_CAP_BYTES) img = img.resize({ width: 3000, height: 3000, fit: 'inside' });
      const bilevel = meta.bitsPerSample === 1;
      const { data, info } = bilevel
        ? await img.png({ colours: 2 }).toBuffer({ resolveWithObject: true })
        : await img.jpeg({ quality: maxPx === THUMB_WIDTH ? 80 : 88 }).toBuffer({ resolveWithObject: true });
      return {
        bytes: data,
        mediaType: bilevel ? 'image/png' : 'image/jpeg',
        width: info.width,
        height: info.height,
        exact: false,
      };
    });
  }

  private async remember(key: string, make: () => Promise<Rendition>): Promise<Rendition> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit;
    }
    const made = await make();
    this.cache.set(key, made);
    while (this.cache.size > this.cacheEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return made;
  }
}
