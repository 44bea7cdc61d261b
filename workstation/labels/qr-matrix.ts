import QRCode from 'qrcode';
import { LABEL_ERROR_CORRECTION } from '../../core/labels/label-codec';

/** The modules of a QR symbol: `dark(row, col)` for 0 ≤ row, col < size (quiet zone not included). */
export interface QrMatrix {
  readonly size: number;
  readonly version: number;
  dark(row: number, col: number): boolean;
}

/**
 * The QR symbol for a label payload at our error-correction level. The qrcode package picks the
 * smallest version and, for our payloads, alphanumeric mode.
 */
export function qrMatrix(payload: string): QrMatrix {
  const code = QRCode.create(payload, { errorCorrectionLevel: LABEL_ERROR_CORRECTION });
  const { size } = code.modules;
  return { size, version: code.version, dark: (row, col) => code.modules.get(row, col) !== 0 };
}

/**
 * Greyscale pixels (0 black, 255 white) of a QR symbol with `quiet` modules of white around it,
 * `pxPerModule` pixels a module: for screens and test pages. Printing uses vector squares instead.
 */
export function qrPixels(
  payload: string,
  pxPerModule: number,
  quiet = 4,
): { width: number; height: number; data: Uint8Array } {
  const m = qrMatrix(payload);
  const width = (m.size + 2 * quiet) * pxPerModule;
  const data = new Uint8Array(width * width).fill(255);
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (!m.dark(r, c)) continue;
      for (let y = 0; y < pxPerModule; y++) {
        const row = ((r + quiet) * pxPerModule + y) * width + (c + quiet) * pxPerModule;
        data.fill(0, row, row + pxPerModule);
      }
    }
  }
  return { width, height: width, data };
}
