import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createWorker, OEM, PSM, type Block, type Worker } from 'tesseract.js';
import { credibleDpi } from './resolution';

/** A recognised word with its box in the image's pixels. */
export interface OcrWord {
  readonly text: string;
  readonly confidence: number;
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  /** Index of its line in `OcrResult.lines`. */
  readonly line: number;
}

/** A recognised line: its text and box (titles are told from body text by their height). */
export interface OcrLine {
  readonly text: string;
  readonly bbox: OcrWord['bbox'];
}

export interface OcrResult {
  readonly text: string;
  readonly confidence: number;
  readonly lines: readonly OcrLine[];
  readonly words: readonly OcrWord[];
}

/** How to read one image, when not as a page (tesseract's automatic layout, any character). */
export interface ReadParams {
  /**
   * Page segmentation: a single text line (a table cell), automatic layout, or one block of text —
   * tesseract's API default, which every read without params keeps.
   */
  readonly layout?: 'line' | 'block' | 'auto';
  /** Only these characters may be recognised (a code cell: digits and capitals). */
  readonly whitelist?: string;
  /** The image's resolution, when its header does not say it (see `recognize`). */
  readonly dpi?: number;
}

/** Anything that turns an image into text (the pool below; tests of the queue may pass their own). */
export interface Recognizer {
  /** `params` may be ignored by a recognizer that cannot honour them (it then reads as a page). */
  recognize(image: Buffer, params?: ReadParams): Promise<OcrResult>;
  readonly engine: string;
}

const PSM_OF = { line: PSM.SINGLE_LINE, block: PSM.SINGLE_BLOCK, auto: PSM.AUTO } as const;

const require = createRequire(import.meta.url);

/**
 * The Simplified Chinese data shipped by @tesseract.js-data/chi_sim (installed from the npm registry):
 * the 4.0.0 folder (legacy + LSTM), which read the USCC and the title lines exactly in the measurements
 * (research/dependencies.md §4). A local path — tesseract.js then reads the file and never a CDN.
 */
export function bundledLangPath(): string {
  const pkg = require.resolve('@tesseract.js-data/chi_sim/package.json');
  return path.join(path.dirname(pkg), '4.0.0');
}

export interface PoolOptions {
  /** Workers (one per core by default). */
  readonly size?: number;
  readonly langPath?: string;
}

/**
 * A pool of tesseract.js workers for chi_sim, fully offline: a local `langPath`, `cacheMethod: 'none'`
 * (nothing written to or read from a cache or the network) and gzip data. Jobs go to the next idle
 * worker. tesseract.js's own scheduler does that too, but its parameter changes reach one worker at an
 * unknown moment; here a read with its own parameters (a cell as one line, a code's whitelist) sets
 * them, reads and restores them on the worker it holds, so no other read sees them.
 */
export class TesseractPool implements Recognizer {
  readonly engine: string;
  private readonly idle: Worker[];
  private readonly waiting: ((w: Worker) => void)[] = [];

  private constructor(
    private readonly workers: readonly Worker[],
    readonly size: number,
  ) {
    this.engine = `tesseract.js@7 chi_sim 4.0.0 oem=lstm ×${size}`;
    this.idle = [...workers];
  }

  static async create(options: PoolOptions = {}): Promise<TesseractPool> {
    const size = Math.max(1, options.size ?? os.availableParallelism());
    const langPath = options.langPath ?? bundledLangPath();
    const started = await Promise.allSettled(
      Array.from({ length: size }, () =>
        createWorker('chi_sim', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' }),
      ),
    );
    const workers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason;
    }
    return new TesseractPool(workers, size);
  }

  /**
   * Reads one image. Its resolution (`params.dpi`, else the density in its header) is given to tesseract
   * on every read: a crop without one makes tesseract guess from a few characters — "Invalid resolution
   * 25 dpi. Using 70 instead." on small crops, and a wrong scale for its size-based decisions.
   */
  async recognize(image: Buffer, params: ReadParams = {}): Promise<OcrResult> {
    const dpi = credibleDpi(params.dpi) ?? (await headerDpi(image));
    const worker = await this.take();
    const special = params.layout !== undefined || params.whitelist !== undefined;
    try {
      // '0' is tesseract's own "not given" (it then estimates), so no read inherits the last one's.
      await worker.setParameters({
        user_defined_dpi: String(dpi ?? 0),
        ...(special
          ? {
              tessedit_pageseg_mode: PSM_OF[params.layout ?? 'block'],
              tessedit_char_whitelist: params.whitelist ?? '',
            }
          : {}),
      });
      const { data } = await worker.recognize(image, {}, { text: true, blocks: true });
      return toResult(data.text, data.confidence, data.blocks);
    } finally {
      if (special) {
        await worker
          .setParameters({ tessedit_pageseg_mode: PSM_OF.block, tessedit_char_whitelist: '' })
          .catch(() => undefined);
      }
      this.give(worker);
    }
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private take(): Promise<Worker> {
    const w = this.idle.pop();
    if (w !== undefined) return Promise.resolve(w);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(w: Worker): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(w);
    else this.idle.push(w);
  }
}

/** The density an image's header states, when credible (a PNG's pHYs, a TIFF's or JPEG's resolution). */
async function headerDpi(image: Buffer): Promise<number | null> {
  try {
    return credibleDpi((await sharp(image).metadata()).density);
  } catch {
    return null; // tesseract reports an unreadable image itself
  }
}

function toResult(text: string, confidence: number, blocks: Block[] | null): OcrResult {
  const lines: OcrLine[] = [];
  const words: OcrWord[] = [];
  for (const block of blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const index = lines.length;
        lines.push({ text: cleanOcrText(line.text), bbox: { ...line.bbox } });
        for (const w of line.words) {
          words.push({ text: w.text, confidence: round(w.confidence), bbox: { ...w.bbox }, line: index });
        }
      }
    }
  }
  return { text: cleanOcrText(text), confidence: round(confidence), lines, words };
}

const SPACE_BETWEEN_CJK =
  /(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])/gu;

/** tesseract separates Chinese characters by spaces: removes them (and trailing blanks) so text reads as printed. */
export function cleanOcrText(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(SPACE_BETWEEN_CJK, '').trim())
    .join('\n')
    .trim();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
