import type { Issue } from '../../core/errors';
import type { ColorMode } from '../../core/scanning/driver';
import { text } from '../../core/text';

// Capture profiles per DA/T 31-2017: 300 dpi by default (OCR is planned), never under 200 dpi, colour
// for material with seals or red headers, grey for plain text, bilevel only where asked for.
// The automatic mode (自动) applies the colour rule page by page from what is on it: colour-content.ts.

export const DEFAULT_DPI = 300;
export const MIN_DPI = 200;
/** Width of every page thumbnail (made in capture, after a rotation, and on demand when missing). */
export const THUMB_WIDTH = 256;

export interface CaptureProfile {
  readonly mode: ColorMode;
  readonly dpi: number;
  /** Master image format: JPEG for colour and grey, CCITT G4 TIFF for bilevel. */
  readonly master: 'jpeg' | 'tiff-g4';
  readonly jpegQuality: number;
}

export function profileFor(mode: ColorMode, dpi = DEFAULT_DPI): CaptureProfile {
  return { mode, dpi, master: mode === 'lineart' ? 'tiff-g4' : 'jpeg', jpegQuality: 85 };
}

/** Warnings about a page's resolution (a page under the floor is kept, and carries the warning). */
export function resolutionIssues(dpi: number | null): Issue[] {
  if (dpi === null) {
    return [
      {
        code: 'capture.dpi-unknown',
        message: text(
          '图像未记录分辨率，按 300 dpi 处理',
          'The image records no resolution; treated as 300 dpi',
        ),
      },
    ];
  }
  if (dpi < MIN_DPI) {
    return [
      {
        code: 'capture.dpi-low',
        message: text(
          `分辨率 ${dpi} dpi 低于 DA/T 31 规定的 ${MIN_DPI} dpi，请重扫`,
          `${dpi} dpi is below the DA/T 31 floor of ${MIN_DPI} dpi; rescan the page`,
        ),
      },
    ];
  }
  return [];
}

/** Material whose seals or red headers DA/T 31 wants in colour. */
const RED_DOCUMENTS = ['营业执照', '股东会决议', '决定', '证明', '公章', '通知书'];

/** The mode to scan a document type in: colour when it usually carries seals or red headers. */
export function modeForDocument(title: string): ColorMode {
  return RED_DOCUMENTS.some((k) => title.includes(k)) ? 'color' : 'gray';
}
