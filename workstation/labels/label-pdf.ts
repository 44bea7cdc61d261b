import { PDFDocument, rgb } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { DomainError } from '../../core/errors';
import { encodeLabel } from '../../core/labels/label-codec';
import type { VolumeLabel } from '../../core/labels/label-codec';
import { text } from '../../core/text';
import { embedCjkFont, findCjkFont } from './cjk-font';
import type { CjkFontFile } from './cjk-font';
import { qrMatrix } from './qr-matrix';

/** What one printed label shows besides the code. */
export interface LabelItem {
  readonly label: VolumeLabel;
  /** Enterprise name, in Chinese. */
  readonly enterpriseName: string;
  /** A short description line, e.g. `设立登记 · 2024`. */
  readonly caption?: string;
}

/** A sheet layout, mm. Labels are placed left to right, top to bottom. */
export interface SheetLayout {
  readonly name: string;
  readonly description: string;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly columns: number;
  readonly rows: number;
  readonly labelWidth: number;
  readonly labelHeight: number;
  readonly left: number;
  readonly top: number;
  readonly columnGap: number;
  readonly rowGap: number;
}

const A4 = { pageWidth: 210, pageHeight: 297 } as const;

/** Common A4 sticker sheets (sizes of the widespread 24-, 14-, 21- and 40-up sheets) and thermal rolls. */
export const SHEET_LAYOUTS: Readonly<Record<string, SheetLayout>> = {
  'a4-3x8': {
    name: 'a4-3x8',
    description: 'A4 24 枚 70×37 mm',
    ...A4,
    columns: 3,
    rows: 8,
    labelWidth: 70,
    labelHeight: 37,
    left: 0,
    top: 0.5,
    columnGap: 0,
    rowGap: 0,
  },
  'a4-2x7': {
    name: 'a4-2x7',
    description: 'A4 14 枚 99.1×38.1 mm',
    ...A4,
    columns: 2,
    rows: 7,
    labelWidth: 99.1,
    labelHeight: 38.1,
    left: 4.65,
    top: 15.15,
    columnGap: 2.5,
    rowGap: 0,
  },
  'a4-3x7': {
    name: 'a4-3x7',
    description: 'A4 21 枚 63.5×38.1 mm',
    ...A4,
    columns: 3,
    rows: 7,
    labelWidth: 63.5,
    labelHeight: 38.1,
    left: 7.25,
    top: 15.15,
    columnGap: 2.5,
    rowGap: 0,
  },
  'a4-4x10': {
    name: 'a4-4x10',
    description: 'A4 40 枚 48.5×25.4 mm',
    ...A4,
    columns: 4,
    rows: 10,
    labelWidth: 48.5,
    labelHeight: 25.4,
    left: 8,
    top: 21.5,
    columnGap: 0,
    rowGap: 0,
  },
  'thermal-50x30': {
    name: 'thermal-50x30',
    description: '热敏标签 50×30 mm',
    pageWidth: 50,
    pageHeight: 30,
    columns: 1,
    rows: 1,
    labelWidth: 50,
    labelHeight: 30,
    left: 0,
    top: 0,
    columnGap: 0,
    rowGap: 0,
  },
  'thermal-60x40': {
    name: 'thermal-60x40',
    description: '热敏标签 60×40 mm',
    pageWidth: 60,
    pageHeight: 40,
    columns: 1,
    rows: 1,
    labelWidth: 60,
    labelHeight: 40,
    left: 0,
    top: 0,
    columnGap: 0,
    rowGap: 0,
  },
};

/** The layout names the CLI accepts: the sheets plus `cover` (one A4 cover/separator sheet per volume). */
export const LAYOUT_NAMES: readonly string[] = [...Object.keys(SHEET_LAYOUTS), 'cover'];

/** Smallest QR symbol we print (without quiet zone): 2 cm keeps ≥ 2.5 px a module at the detection dpi. */
export const MIN_QR_MM = 20;
const QUIET_MODULES = 2;
const PT_PER_MM = 72 / 25.4;
const pt = (mm: number) => mm * PT_PER_MM;
const INK = rgb(0, 0, 0);

/** Draw the QR of `payload` with its top-left corner (of the quiet zone) at x, yTop (pt); returns the side. */
function drawQr(page: PDFPage, payload: string, x: number, yTop: number, symbolSide: number): number {
  const m = qrMatrix(payload);
  const module = symbolSide / m.size;
  const x0 = x + QUIET_MODULES * module;
  const y0 = yTop - QUIET_MODULES * module;
  // One rectangle per horizontal run of dark modules: fewer drawing operators, no hairline seams.
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.dark(r, c)) c++;
      page.drawRectangle({
        x: x0 + start * module,
        y: y0 - (r + 1) * module,
        width: (c - start) * module,
        height: module,
        color: INK,
      });
    }
  }
  return symbolSide + 2 * QUIET_MODULES * module;
}

/** Break `s` into at most `maxLines` lines that fit `width` at the largest size ≤ `size` (≥ `min`). */
function fitLines(
  font: PDFFont,
  s: string,
  width: number,
  size: number,
  min: number,
  maxLines: number,
): { lines: string[]; size: number } {
  const chars = Array.from(s);
  for (let sz = size; ; sz -= 0.5) {
    const lines: string[] = [];
    let line = '';
    for (const ch of chars) {
      if (line !== '' && font.widthOfTextAtSize(line + ch, sz) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    if (line !== '') lines.push(line);
    if (lines.length <= maxLines || sz - 0.5 < min) {
      if (lines.length <= maxLines) return { lines, size: sz };
      // Still too long at the smallest size: cut and mark the cut.
      const kept = lines.slice(0, maxLines);
      const last = kept[maxLines - 1] ?? '';
      kept[maxLines - 1] = `${Array.from(last).slice(0, -1).join('')}…`;
      return { lines: kept, size: sz };
    }
  }
}

function drawLabel(
  page: PDFPage,
  font: PDFFont,
  item: LabelItem,
  x: number,
  yTop: number,
  w: number,
  h: number,
): void {
  const pad = pt(1.5);
  const payload = encodeLabel(item.label);
  const modules = qrMatrix(payload).size;
  // The QR fills the label's height but leaves at least half the width to the text; never below 2 cm.
  const available = Math.min(h - 2 * pad, w * 0.45);
  const symbol = Math.max(pt(MIN_QR_MM), (available * modules) / (modules + 2 * QUIET_MODULES));
  const side = drawQr(page, payload, x + pad * 0.5, yTop - (h - available) / 2, symbol);
  const tx = x + pad * 0.5 + side + pt(0.5);
  const tw = x + w - pad - tx;
  let y = yTop - pad;
  const archive = fitLines(font, item.label.archiveNo, tw, 9, 5, 1);
  for (const l of archive.lines) {
    y -= archive.size;
    page.drawText(l, { x: tx, y, size: archive.size, font, color: INK });
    y -= archive.size * 0.25;
  }
  const name = fitLines(font, item.enterpriseName, tw, 8, 5, 3);
  for (const l of name.lines) {
    y -= name.size;
    page.drawText(l, { x: tx, y, size: name.size, font, color: INK });
    y -= name.size * 0.2;
  }
  const small = [item.caption, item.label.uscc].filter((s): s is string => s !== undefined && s !== '');
  for (const s of small) {
    const fit = fitLines(font, s, tw, 6, 4, 1);
    if (y - fit.size < yTop - h + pad * 0.5) break;
    y -= fit.size;
    page.drawText(fit.lines[0] ?? '', { x: tx, y, size: fit.size, font, color: INK });
    y -= fit.size * 0.2;
  }
}

export interface SheetOptions {
  readonly layout: string;
  /** Skip this many positions on the first sheet (a partly used sticker sheet). */
  readonly skip?: number;
  readonly font?: CjkFontFile;
}

function unknownLayout(name: string): DomainError {
  return new DomainError(
    'label.layout',
    text(
      `未知的标签版式“${name}”，可用：${LAYOUT_NAMES.join('、')}`,
      `Unknown label layout "${name}"; known: ${LAYOUT_NAMES.join(', ')}`,
    ),
    { layout: name },
  );
}

/** Label sheets as a PDF: one label per item, as many pages as needed. */
export async function labelSheetPdf(items: readonly LabelItem[], options: SheetOptions): Promise<Uint8Array> {
  if (options.layout === 'cover') return coverSheetPdf(items, options.font);
  const layout = SHEET_LAYOUTS[options.layout];
  if (!layout) throw unknownLayout(options.layout);
  if (items.length === 0)
    throw new DomainError('label.empty', text('没有要打印的标签', 'No labels to print'));
  for (const item of items) encodeLabel(item.label); // refuse bad fields before any work
  const doc = await PDFDocument.create();
  doc.setTitle(`档案标签 Volume labels (${layout.name})`);
  doc.setCreator('Dangan');
  const font = await embedCjkFont(doc, options.font ?? findCjkFont());
  const perPage = layout.columns * layout.rows;
  const skip = Math.max(0, Math.min(perPage - 1, options.skip ?? 0));
  let page: PDFPage | undefined;
  items.forEach((item, i) => {
    const slot = (i + skip) % perPage;
    if (page === undefined || slot === 0) page = doc.addPage([pt(layout.pageWidth), pt(layout.pageHeight)]);
    const col = slot % layout.columns;
    const row = Math.floor(slot / layout.columns);
    const x = pt(layout.left + col * (layout.labelWidth + layout.columnGap));
    const yTop = pt(layout.pageHeight - layout.top - row * (layout.labelHeight + layout.rowGap));
    drawLabel(page, font, item, x, yTop, pt(layout.labelWidth), pt(layout.labelHeight));
  });
  return doc.save();
}

const COVER_QR_MM = 60;

/**
 * One A4 cover/separator sheet per volume for batch scanning: a large QR, the 档号, the name and what to
 * do with the sheet. Put before the volume's first page; the reader recognises it and splits there.
 */
export async function coverSheetPdf(
  items: readonly LabelItem[],
  fontFile?: CjkFontFile,
): Promise<Uint8Array> {
  if (items.length === 0)
    throw new DomainError('label.empty', text('没有要打印的标签', 'No labels to print'));
  for (const item of items) encodeLabel(item.label);
  const doc = await PDFDocument.create();
  doc.setTitle('案卷分隔页 Volume separator sheets');
  doc.setCreator('Dangan');
  const font = await embedCjkFont(doc, fontFile ?? findCjkFont());
  const W = pt(210);
  const H = pt(297);
  const center = (s: string, y: number, size: number) => {
    page().drawText(s, { x: (W - font.widthOfTextAtSize(s, size)) / 2, y, size, font, color: INK });
  };
  let current: PDFPage | undefined;
  const page = (): PDFPage => {
    if (!current) throw new Error('no page');
    return current;
  };
  for (const item of items) {
    current = doc.addPage([W, H]);
    center('案卷分隔页', H - pt(30), 22);
    center('Volume separator sheet', H - pt(38), 11);
    const payload = encodeLabel(item.label);
    const modules = qrMatrix(payload).size;
    const quiet = (pt(COVER_QR_MM) / modules) * QUIET_MODULES;
    drawQr(current, payload, (W - pt(COVER_QR_MM)) / 2 - quiet, H - pt(55), pt(COVER_QR_MM));
    center(item.label.archiveNo, H - pt(135), 24);
    const name = fitLines(font, item.enterpriseName, pt(170), 18, 10, 2);
    name.lines.forEach((l, i) => {
      center(l, H - pt(150) - i * name.size * 1.3, name.size);
    });
    center(`统一社会信用代码 / USCC：${item.label.uscc}`, H - pt(172), 11);
    if (item.caption !== undefined && item.caption !== '') center(item.caption, H - pt(180), 11);
    const notes = [
      '使用说明 / Instructions',
      '1. 批量扫描时，将本页放在该案卷第一页之前，与案卷一同放入扫描仪。',
      "   Put this sheet in front of the volume's first page and scan them together.",
      '2. 系统识别本页二维码后，自动将其后的页面归入该案卷；本页不计入案卷页数。',
      '   The code assigns the following pages to this volume; this sheet is not counted.',
      '3. 请勿折叠、涂改或遮挡二维码；每个案卷使用自己的分隔页。',
      '   Do not fold, mark or cover the code; every volume has its own sheet.',
    ];
    notes.forEach((l, i) => {
      page().drawText(l, { x: pt(25), y: pt(70) - i * 15, size: i === 0 ? 12 : 10, font, color: INK });
    });
  }
  return doc.save();
}
