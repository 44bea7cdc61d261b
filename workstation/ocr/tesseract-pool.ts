import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createScheduler, createWorker, OEM, type Block, type Scheduler } from 'tesseract.js';

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

/** Anything that turns an image into text (the pool below; tests of the queue may pass their own). */
export interface Recognizer {
  recognize(image: Buffer): Promise<OcrResult>;
  readonly engine: string;
}

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
 * (nothing written to or read from a cache or the network) and gzip data. Work is spread by
 * tesseract.js's own scheduler, which hands each job to the next idle worker.
 */
export class TesseractPool implements Recognizer {
  readonly engine: string;

  private constructor(
    private readonly scheduler: Scheduler,
    readonly size: number,
  ) {
    this.engine = `tesseract.js@7 chi_sim 4.0.0 oem=lstm ×${size}`;
  }

  static async create(options: PoolOptions = {}): Promise<TesseractPool> {
    const size = Math.max(1, options.size ?? os.availableParallelism());
    const langPath = options.langPath ?? bundledLangPath();
    const scheduler = createScheduler();
    try {
      const workers = await Promise.all(
        Array.from({ length: size }, () =>
          createWorker('chi_sim', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' }),
        ),
      );
      for (const w of workers) scheduler.addWorker(w);
    } catch (e) {
      await scheduler.terminate();
      throw e;
    }
    return new TesseractPool(scheduler, size);
  }

  async recognize(image: Buffer): Promise<OcrResult> {
    const { data } = await this.scheduler.addJob('recognize', image, {}, { text: true, blocks: true });
    return toResult(data.text, data.confidence, data.blocks);
  }

  async terminate(): Promise<void> {
    await this.scheduler.terminate();
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
