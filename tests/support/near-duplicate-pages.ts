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
  /**
   * Fill in only the name and the USCC of another enterprise (`renamed`), everything else as
   * `enterprise`: the nearest a sibling form can come to a rescan.
   */
  readonly renamed?: number;
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
  /** Colour behind the sheet (feeders: dark, cropped away; a flatbed lid: white, left in the master). */
  readonly backing?: string;
  /** The sheet fed upside down. */
  readonly turned?: boolean;
  /** A sticky note with a handwritten line stuck on the sheet (top right). */
  readonly note?: boolean;
}

/** Every sheet of the demo 设立 file (9 pages) for one enterprise. */
export function sheetsOf(enterprise: number): Sheet[] {
  return ESTABLISHMENT_FILE.flatMap(({ kind, pages }) =>
    Array.from({ length: pages }, (_, page) => ({ enterprise, kind, page })),
  );
}

/** A pale yellow note (grey ≈ 230 in a grey scan) with a handwritten line, in the sheet's millimetres. */
const NOTE =
  '<rect x="128" y="36" width="48" height="38" fill="#f6ec9c" stroke="#d8cc70" stroke-width="0.3"/>' +
  '<path d="M134 50 q6 -5 11 0 t11 0 t11 0 M134 62 q5 -4 10 0 t10 0" fill="none" stroke="#1f3a8a" stroke-width="0.7"/>';

/** Scans `sheet` once: the bytes a scanner would deliver (JPEG). */
export async function scanSheet(sheet: Sheet, settings: ScanSettings): Promise<Buffer> {
  const e = demoEnterprise(seededRandom(sheet.enterprise));
  const other = sheet.renamed === undefined ? e : demoEnterprise(seededRandom(sheet.renamed));
  const filled = { ...e, name: other.name, uscc: other.uscc };
  // The sheet's printed content is fixed by the enterprise and the page, not by the pass.
  const content = seededRandom(sheet.enterprise * 7919 + sheet.page * 31 + sheet.kind.length);
  const body = sheet.kind === 'blank' ? '' : sheetBody(sheet.kind, sheet.page, filled, content, '').body;
  const dpi = settings.dpi ?? 150;
  const page = await renderSheet(body + (settings.note === true ? NOTE : ''), {
    dpi,
    mode: settings.mode ?? 'gray',
    widthMm: 230,
    heightMm: 320,
    backing: settings.backing ?? '#1c1c1e',
    random: seededRandom(settings.pass * 104_729 + 17),
  });
  const { quality, gain, offset, turned } = settings;
  if (quality === undefined && gain === undefined && offset === undefined && turned !== true)
    return page.bytes;
  return sharp(page.bytes)
    .rotate(turned === true ? 180 : 0)
    .linear(gain ?? 1, offset ?? 0)
    .jpeg({ quality: quality ?? 88 })
    .toBuffer();
}
