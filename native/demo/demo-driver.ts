import QRCode from 'qrcode';
import { text } from '../../core/text';
import {
  SCAN_ERROR_MESSAGES,
  type Capabilities,
  type DeviceInfo,
  type ScanEvent,
  type ScanJob,
  type ScanSession,
  type ScannerDriver,
} from '../../core/scanning/driver';
import { DomainError } from '../../core/errors';
import { demoEnterprise, type DemoEnterprise } from './enterprise';
import { ESTABLISHMENT_FILE, sheetBody, type DemoSheetKind } from './documents';
import { seededRandom } from './random';
import { renderSheet } from './render';
import { INK, SANS, txt } from './svg';

export const DEMO_DEVICE_ID = 'demo';

export interface DemoOptions {
  /** Same seed, same pages (byte for byte). Default 1. */
  readonly seed?: number;
  /**
   * Text of a QR volume label to print on a cover sheet before the first file (the label codec in
   * core/labels makes it). No cover sheet when absent.
   */
  readonly coverLabel?: string;
  /** Put a Patch-T separator sheet between files (when a run holds more than one file). */
  readonly patchTBetweenFiles?: boolean;
}

const CAPABILITIES: Capabilities = {
  sources: ['feeder', 'duplex', 'flatbed'],
  resolutions: [150, 200, 240, 300, 400, 600],
  colorModes: ['color', 'gray', 'lineart'],
  maxWidthMm: 216,
  maxHeightMm: 356,
};

interface PlannedSheet {
  readonly kind: DemoSheetKind | 'cover';
  readonly page: number;
  readonly enterprise: DemoEnterprise;
}

function unknownDevice(id: string): DomainError {
  return new DomainError(
    'scan.device-unknown',
    text(`找不到扫描设备：${id}`, `No such scanning device: ${id}`),
    {
      id,
    },
  );
}

/**
 * The demo scanner: synthesizes the sheets of enterprise registration files (application form, articles,
 * shareholders' resolution, identity proof, premises proof, business licence) with seals, skew, grain and
 * blank backs. It needs no hardware, so it is the device offered when no other is found.
 */
export class DemoDriver implements ScannerDriver {
  readonly kind = 'demo' as const;

  constructor(private readonly options: DemoOptions = {}) {}

  discover(): Promise<DeviceInfo[]> {
    return Promise.resolve([
      {
        id: DEMO_DEVICE_ID,
        driver: 'demo',
        name: '演示扫描仪',
        displayName: text('演示扫描仪', 'Demo scanner'),
        vendor: 'Dangan',
        model: 'Demo',
        connection: '内置 built-in',
      },
    ]);
  }

  capabilities(deviceId: string): Promise<Capabilities> {
    if (deviceId !== DEMO_DEVICE_ID) return Promise.reject(unknownDevice(deviceId));
    return Promise.resolve(CAPABILITIES);
  }

  scan(deviceId: string, job: ScanJob): ScanSession {
    let cancelled = false;
    const events = this.events(deviceId, job, () => cancelled);
    return {
      cancel: () => {
        cancelled = true;
      },
      [Symbol.asyncIterator]: () => events,
    };
  }

  private async *events(
    deviceId: string,
    job: ScanJob,
    isCancelled: () => boolean,
  ): AsyncGenerator<ScanEvent> {
    if (deviceId !== DEMO_DEVICE_ID) {
      yield {
        type: 'error',
        category: 'device-gone',
        message: SCAN_ERROR_MESSAGES['device-gone'],
        detail: deviceId,
      };
      yield { type: 'done', pages: 0 };
      return;
    }
    if (!CAPABILITIES.resolutions.includes(job.dpi) && (job.dpi < 75 || job.dpi > 600)) {
      yield {
        type: 'error',
        category: 'invalid-option',
        message: SCAN_ERROR_MESSAGES['invalid-option'],
        detail: `dpi ${job.dpi}`,
      };
      yield { type: 'done', pages: 0 };
      return;
    }
    const seed = this.options.seed ?? 1;
    const duplex = job.source === 'duplex';
    // A flatbed holds one sheet; a feeder holds one file unless told how many pages to deliver.
    const defaultPages = job.source === 'flatbed' ? 1 : sheetsOfFile().length * (duplex ? 2 : 1);
    const limit = job.maxPages ?? defaultPages;
    const sheets = this.plan(seed, job.subject);
    let index = 0;
    for (const sheet of sheets) {
      for (const side of duplex ? (['front', 'back'] as const) : (['front'] as const)) {
        if (index >= limit) {
          yield { type: 'done', pages: index };
          return;
        }
        if (isCancelled()) {
          yield { type: 'error', category: 'cancelled', message: SCAN_ERROR_MESSAGES.cancelled };
          yield { type: 'done', pages: index };
          return;
        }
        const random = seededRandom((seed * 1_000_003 + index * 7919) >>> 0);
        const body = side === 'back' ? blankBack() : await this.sheetSvg(sheet, random);
        const page = await renderSheet(body, {
          dpi: job.dpi,
          mode: job.mode,
          widthMm: job.widthMm ?? 210,
          heightMm: job.heightMm ?? 297,
          backing: job.source === 'flatbed' ? '#f4f4f2' : '#1c1c1e',
          random,
        });
        yield {
          type: 'page',
          index,
          ...(duplex ? { side } : {}),
          bytes: page.bytes,
          mediaType: page.mediaType,
          dpi: job.dpi,
          mode: job.mode,
          width: page.width,
          height: page.height,
        };
        index++;
        yield { type: 'progress', index, fraction: Math.min(1, index / limit) };
      }
    }
  }

  /**
   * An endless stack of files, each for a new enterprise; optional cover sheet and Patch-T between files.
   * The first file is the job's subject's when it names one (its name and code; the rest made up).
   */
  private *plan(seed: number, subject: ScanJob['subject']): Generator<PlannedSheet> {
    const random = seededRandom(seed);
    let first = true;
    for (;;) {
      const made = demoEnterprise(random);
      const enterprise =
        first && subject
          ? { ...made, name: subject.name, ...(subject.uscc !== null ? { uscc: subject.uscc } : {}) }
          : made;
      if (first && this.options.coverLabel !== undefined) yield { kind: 'cover', page: 0, enterprise };
      if (!first && this.options.patchTBetweenFiles) yield { kind: 'patch-t', page: 0, enterprise };
      first = false;
      for (const { kind, page } of sheetsOfFile()) yield { kind, page, enterprise };
    }
  }

  private async sheetSvg(sheet: PlannedSheet, random: ReturnType<typeof seededRandom>): Promise<string> {
    if (sheet.kind === 'cover') return coverSheet(this.options.coverLabel ?? '', sheet.enterprise);
    const qr =
      sheet.kind === 'licence'
        ? await qrSvg(`http://www.gsxt.gov.cn/index.html?uniscid=${sheet.enterprise.uscc}`, 26)
        : '';
    return sheetBody(sheet.kind, sheet.page, sheet.enterprise, random, qr).body;
  }
}

export function sheetsOfFile(): { kind: DemoSheetKind; page: number }[] {
  return ESTABLISHMENT_FILE.flatMap(({ kind, pages }) =>
    Array.from({ length: pages }, (_, page) => ({ kind, page })),
  );
}

/** The back of a one-sided sheet: nothing printed, just paper (grain and noise come from the renderer). */
function blankBack(): string {
  return '';
}

/** A QR code as SVG of `sizeMm`, to place with a translate. */
async function qrSvg(payload: string, sizeMm: number): Promise<string> {
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const viewBox = /viewBox="([^"]+)"/.exec(svg)?.[1] ?? '0 0 1 1';
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg x="0" y="0" width="${sizeMm}" height="${sizeMm}" viewBox="${viewBox}" shape-rendering="crispEdges">${inner}</svg>`;
}

function coverSheet(label: string, e: DemoEnterprise): Promise<string> {
  return qrSvg(label, 34).then(
    (qr) =>
      `<g transform="translate(160 16)">${qr}</g>` +
      txt(105, 120, '企业登记档案', { size: 10, anchor: 'middle', weight: 'bold', spacing: 2 }) +
      txt(105, 140, e.name, { size: 6, anchor: 'middle', family: SANS }) +
      txt(105, 152, `统一社会信用代码 ${e.uscc}`, { size: 4.4, anchor: 'middle', family: SANS, fill: INK }) +
      txt(105, 56, '卷皮（条码标签页）', { size: 4, anchor: 'middle', family: SANS }),
  );
}
