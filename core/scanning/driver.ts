import { text, type Text } from '../text';

// The one interface every scanner driver implements (SANE, eSCL, folder import, demo; TWAIN later, in a
// helper process). Pure types and data: the drivers themselves live in native/.

export type DriverKind = 'sane' | 'escl' | 'twain' | 'folder' | 'demo';
// The lists below are the one source of these names: the types here and the API contract's zod enums
// (core/contracts/api-capture.ts) are derived from them.
export const SCAN_SOURCES = ['flatbed', 'feeder', 'duplex'] as const;
export type ScanSource = (typeof SCAN_SOURCES)[number];
export const COLOR_MODES = ['color', 'gray', 'lineart'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];
/**
 * What the operator picks: a device mode, or `auto` (自动): the device scans in colour and each page's
 * master is kept in colour only when the page carries colour (seals, red headers), else grey. Drivers
 * only ever see `ColorMode`; `auto` is the pipeline's.
 */
export const SCAN_MODES = ['auto', ...COLOR_MODES] as const;
export type ScanMode = (typeof SCAN_MODES)[number];

export function isScanMode(v: unknown): v is ScanMode {
  return SCAN_MODES.some((m) => m === v);
}

/** The mode the device is asked for. */
export function deviceMode(mode: ScanMode): ColorMode {
  return mode === 'auto' ? 'color' : mode;
}

export interface DeviceInfo {
  /** Stable id across runs, prefixed by the driver: `demo`, `sane:test:0`, `escl:http://…`. */
  readonly id: string;
  readonly driver: DriverKind;
  /** As the device reports it (SANE, eSCL, a folder's name): shown as it is in every locale. */
  readonly name: string;
  /** A name of our own (the demo scanner) in both locales: shown per locale instead of `name`. */
  readonly displayName?: Text;
  readonly vendor?: string;
  readonly model?: string;
  /** How it is reached, for display: `USB`, `192.168.1.20`, a folder path. */
  readonly connection?: string;
}

export interface Capabilities {
  readonly sources: readonly ScanSource[];
  readonly resolutions: readonly number[];
  readonly colorModes: readonly ColorMode[];
  /** Largest scan area in millimetres. */
  readonly maxWidthMm: number;
  readonly maxHeightMm: number;
  /**
   * When the device takes any resolution in a range (SANE `1..1200dpi (in steps of 1)`, eSCL
   * XResolutionRange), the range itself; `resolutions` then lists the usual values inside it.
   */
  readonly resolutionRange?: { readonly min: number; readonly max: number; readonly step: number };
}

export interface ScanJob {
  readonly source: ScanSource;
  readonly dpi: number;
  readonly mode: ColorMode;
  /** Scan area in millimetres; A4 (210 × 297) when absent. */
  readonly widthMm?: number;
  readonly heightMm?: number;
  /** Stop after this many pages (the demo scanner's paper stack; a limit for feeders). */
  readonly maxPages?: number;
  /**
   * The enterprise whose file is being scanned. Real scanners ignore it; the demo scanner prints it on
   * the first file it delivers, as the paper an operator feeds belongs to the volume they registered.
   */
  readonly subject?: { readonly name: string; readonly uscc: string | null };
}

export type ImageMediaType =
  | 'image/jpeg'
  | 'image/png'
  | 'image/tiff'
  | 'image/x-portable-anymap'
  | 'application/pdf';

export interface ScannedPage {
  readonly type: 'page';
  /** 0-based position in this scan run, in arrival order. */
  readonly index: number;
  readonly side?: 'front' | 'back';
  readonly bytes: Uint8Array;
  readonly mediaType: ImageMediaType;
  readonly dpi: number;
  readonly mode: ColorMode;
  readonly width?: number;
  readonly height?: number;
  /** Where a page read from a file came from (folder driver): `name.tif` or `name.tif#2` for page 2. */
  readonly origin?: string;
}

export type ScanErrorCategory =
  | 'no-paper'
  | 'paper-jam'
  | 'cover-open'
  | 'double-feed'
  | 'device-busy'
  | 'device-gone'
  | 'cancelled'
  | 'invalid-option'
  | 'access-denied'
  | 'io'
  | 'unknown';

export type ScanEvent =
  | ScannedPage
  | { readonly type: 'progress'; readonly index: number; readonly fraction: number }
  | {
      readonly type: 'error';
      readonly category: ScanErrorCategory;
      readonly message: Text;
      /** What the device or driver said, verbatim, for the log. */
      readonly detail?: string;
    }
  | { readonly type: 'done'; readonly pages: number };

/**
 * A running scan: its events as an async stream, and a way to stop it.
 * Order: pages and progress as they come; at most one `error` (the reason the run stopped early,
 * `cancelled` after `cancel()`); always exactly one `done` last, counting the pages delivered.
 * Pages delivered before an error are good pages and are kept.
 */
export interface ScanSession extends AsyncIterable<ScanEvent> {
  cancel(): void;
}

export interface ScannerDriver {
  readonly kind: DriverKind;
  discover(): Promise<DeviceInfo[]>;
  capabilities(deviceId: string): Promise<Capabilities>;
  scan(deviceId: string, job: ScanJob): ScanSession;
}

/** What the operator is told for each error category: what happened and what to do. */
export const SCAN_ERROR_MESSAGES: Readonly<Record<ScanErrorCategory, Text>> = {
  'no-paper': text(
    '进纸器中没有纸张。请放入文件后继续。',
    'The feeder is empty. Load the documents and continue.',
  ),
  'paper-jam': text(
    '卡纸。请打开扫描仪取出纸张，检查是否损坏，然后重扫该页。',
    'Paper jam. Open the scanner, remove the sheet, check it for damage and rescan that page.',
  ),
  'cover-open': text(
    '扫描仪盖板未关闭。请合上盖板后继续。',
    'The scanner cover is open. Close it and continue.',
  ),
  'double-feed': text(
    '检测到重张进纸。请取出这几页，分开后重扫。',
    'Double feed detected. Take these sheets out, separate them and rescan.',
  ),
  'device-busy': text(
    '扫描仪正被其他程序使用。请关闭其他扫描程序后重试。',
    'The scanner is in use by another program. Close it and try again.',
  ),
  'device-gone': text(
    '与扫描仪的连接已断开。请检查电源和数据线，然后重试；已扫描的页面均已保存。',
    'The scanner is no longer connected. Check its power and cable and try again; pages already scanned are saved.',
  ),
  cancelled: text('扫描已取消；已扫描的页面均已保存。', 'Scan cancelled; pages already scanned are saved.'),
  'invalid-option': text(
    '扫描仪不支持所选设置（分辨率、颜色或纸张来源）。请更换设置。',
    'The scanner does not support the chosen settings (resolution, colour or source). Choose others.',
  ),
  'access-denied': text(
    '没有使用该扫描仪的权限（设备权限或密码）。请联系运维人员。',
    'No permission to use this scanner (device permissions or password). Contact a technician.',
  ),
  io: text(
    '读取扫描仪数据出错。请重试；如反复出现，请重启扫描仪。',
    'Error reading from the scanner. Try again; if it recurs, restart the scanner.',
  ),
  unknown: text(
    '扫描仪报告了未知错误。请重试，并将详细信息告知运维人员。',
    'The scanner reported an unknown error. Try again and pass the details to a technician.',
  ),
};
