import sharp from 'sharp';
import { ESTABLISHMENT_FILE, sheetBody, type DemoSheetKind } from '../../native/demo/documents';
import { demoEnterprise } from '../../native/demo/enterprise';
import { seededRandom } from '../../native/demo/random';
import { renderSheet } from '../../native/demo/render';

/**
 * Sheets of the demo scanner scanned more than once, for the near-duplicate check: a sheet is an
 * enterprise's page of one form; a scan of it is the demo renderer's placement, skew, grain and noise
 * (seeded), optionally re-encoded at another JPEG quality and brightness, as a second pass through a
 * scanner or another machine's settings would give.
 */
export interface Sheet {
  /** Seeds the enterprise whose data fills the form: two sheets of one kind and page with different
   * enterprises are template siblings. */
  readonly enterprise: number;
  readonly kind: DemoSheetKind | 'blank';
  readonly page: number;
}

export interface ScanSettings {
  /** Seeds placement, skew and noise: another seed is another pass through the scanner. */
  readonly pass: number;
  readonly dpi?: number;
  readonly mode?: 'gray' | 'color';
  /** Re-encode at this JPEG quality (the renderer's own is 88). */
  readonly quality?: number;
  /** Multiply, then add, every level (a lamp ageing, another brightness setting). */
  readonly gain?: number;
  readonly offset?: number;
}

/** Every sheet of the demo 设立 file (9 pages) for one enterprise. */
export function sheetsOf(enterprise: number): Sheet[] {
  return ESTABLISHMENT_FILE.flatMap(({ kind, pages }) =>
    Array.from({ length: pages }, (_, page) => ({ enterprise, kind, page })),
  );
}

/** Scans `sheet` once: the bytes a scanner would deliver (JPEG). */
export async function scanSheet(sheet: Sheet, settings: ScanSettings): Promise<Buffer> {
  const e = demoEnterprise(seededRandom(sheet.enterprise));
  // The sheet's printed content is fixed by the enterprise and the page, not by the pass.
  const content = seededRandom(sheet.enterprise * 7919 + sheet.page * 31 + sheet.kind.length);
  const body = sheet.kind === 'blank' ? '' : sheetBody(sheet.kind, sheet.page, e, content, '').body;
  const dpi = settings.dpi ?? 150;
  const page = await renderSheet(body, {
    dpi,
    mode: settings.mode ?? 'gray',
    widthMm: 230,
    heightMm: 320,
    backing: '#1c1c1e',
    random: seededRandom(settings.pass * 104_729 + 17),
  });
  if (settings.quality === undefined && settings.gain === undefined && settings.offset === undefined) {
    return page.bytes;
  }
  return sharp(page.bytes)
    .linear(settings.gain ?? 1, settings.offset ?? 0)
    .jpeg({ quality: settings.quality ?? 88 })
    .toBuffer();
}
