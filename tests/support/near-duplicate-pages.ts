import sharp from 'sharp';
import { regNoCheckDigit } from '../../core/codes';
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
  /** Printed before the USCC (2015): the form and the licence carry the 注册号 (`demoRegNo`) instead. */
  readonly oldCode?: boolean;
}

/**
 * A valid 15-digit 注册号 for a demo enterprise: its USCC's division, eight digits of its own and the
 * MOD 11,10 check digit (the demo scanner prints only USCCs).
 */
export function demoRegNo(enterprise: number): string {
  const e = demoEnterprise(seededRandom(enterprise));
  const r = seededRandom(enterprise * 104_723 + 11);
  const serial = Array.from({ length: 8 }, () => Math.floor(r.between(0, 10)) % 10).join('');
  const first14 = `${e.uscc.slice(2, 8)}${serial}`;
  return `${first14}${regNoCheckDigit(first14)}`;
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
  /** The sheet fed sideways: the image turned clockwise by this many degrees (180 is `turned`). */
  readonly rotate?: 90 | 180 | 270;
  /** A sticky note with a handwritten line stuck on the sheet: `true` the small one top right, or a
   * patch of its own (see `randomNote`). */
  readonly note?: boolean | Note;
}

/** A patch stuck on the sheet, in the sheet's millimetres (A4: 210 × 297). */
export interface Note {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Pale yellow (a sticky note, grey ≈ 230 in a grey scan) or white (a slip of paper). */
  readonly colour: 'yellow' | 'white';
  /** A handwritten line on it. */
  readonly writing: boolean;
}

/**
 * A note covering `share` of the sheet (aspect 0.7–1.4) at a place drawn from `seed`, anywhere on the
 * sheet (it may cover the title, a table or a signature).
 */
export function randomNote(seed: number, share: number, colour: Note['colour'], writing = false): Note {
  const r = seededRandom(seed * 7_877 + 3);
  const area = share * 210 * 297;
  const aspect = r.between(0.7, 1.4);
  const width = Math.min(200, Math.sqrt(area * aspect));
  const height = Math.min(287, area / width);
  return {
    x: r.between(5, 205 - width),
    y: r.between(5, 292 - height),
    width,
    height,
    colour,
    writing,
  };
}

function noteSvg(n: Note): string {
  const fill = n.colour === 'yellow' ? '#f6ec9c' : '#fdfdfb';
  const edge = n.colour === 'yellow' ? '#d8cc70' : '#e4e4e0';
  const rect = `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" fill="${fill}" stroke="${edge}" stroke-width="0.3"/>`;
  if (!n.writing) return rect;
  const [x, y, w] = [n.x + 6, n.y + n.height / 3, Math.max(10, n.width - 12)];
  const waves = Array.from({ length: Math.floor(w / 10) }, () => 't10 0').join(' ');
  return `${rect}<path d="M${x} ${y} q5 -4 10 0 ${waves}" fill="none" stroke="#1f3a8a" stroke-width="0.7"/>`;
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
  let body = sheet.kind === 'blank' ? '' : sheetBody(sheet.kind, sheet.page, filled, content, '').body;
  if (sheet.oldCode === true)
    body = body
      .replaceAll('统一社会信用代码', '注册号')
      .replaceAll(filled.uscc, demoRegNo(sheet.renamed ?? sheet.enterprise));
  const dpi = settings.dpi ?? 150;
  const { note } = settings;
  const patch = note === undefined || note === false ? '' : note === true ? NOTE : noteSvg(note);
  const page = await renderSheet(body + patch, {
    dpi,
    mode: settings.mode ?? 'gray',
    widthMm: 230,
    heightMm: 320,
    backing: settings.backing ?? '#1c1c1e',
    random: seededRandom(settings.pass * 104_729 + 17),
  });
  const { quality, gain, offset, turned, rotate } = settings;
  const angle = rotate ?? (turned === true ? 180 : 0);
  if (quality === undefined && gain === undefined && offset === undefined && angle === 0) return page.bytes;
  return sharp(page.bytes)
    .rotate(angle)
    .linear(gain ?? 1, offset ?? 0)
    .jpeg({ quality: quality ?? 88 })
    .toBuffer();
}
