import sharp, { type Sharp } from 'sharp';
import type { OcrWordBox } from '../../db/repos/page-ocr';
import { findFormTable, type Box, type FormTable } from './form-table';
import { pageDpi } from './resolution';
import type { OcrResult, Recognizer } from './tesseract-pool';

/**
 * Reading a registration form's code and name where they are printed: in the ruled table of an
 * application form (label cell 统一社会信用代码 — 注册号 on forms before 2015 — / 名称, value cell beside
 * it), or on a line that starts with the label (a business licence). Each value is read alone as one line, the code once as printed
 * and once with only digits and capitals allowed; what the check makes of the readings is
 * core/verification's business.
 */

export type FormLayout = 'table' | 'lines' | 'none';

export interface FormRead {
  readonly layout: FormLayout;
  /** The label read beside the code (as a witness of where the code came from). */
  readonly codeLabel: string | null;
  /** Readings of the code's cell or line, one per pass. Empty: no code label found. */
  readonly codeReadings: readonly string[];
  readonly nameReadings: readonly string[];
}

/** No code label found (or not yet looked for in the page's lines). */
export const NO_FORM: FormRead = { layout: 'none', codeLabel: null, codeReadings: [], nameReadings: [] };

/** Letters and digits a code cell may hold (letters outside the USCC set are folded by the check). */
export const CODE_WHITELIST = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Table finding works on a copy at this resolution (ruling lines are still 2 px thick). */
const TABLE_DPI = 150;
/** Cells are read at this resolution at least (a 4 mm glyph is then ~45 px tall). */
const READ_DPI = 300;
/** White added around a crop: tesseract reads a line touching the image edge badly. */
const PAD = 16;

function chinese(s: string): string {
  return Array.from(s)
    .filter((c) => /[\u3400-\u9fff]/u.test(c))
    .join('');
}

/** The code's label: 统一社会信用代码, or 注册号 on forms before the USCC (2015). */
export function isCodeLabel(label: string): boolean {
  const c = chinese(label);
  return c.includes('代码') || c.includes('信用') || c.includes('注册号');
}

export function isNameLabel(label: string): boolean {
  const c = chinese(label);
  return /^(企业|公司|市场主体)?名称$/u.test(c) || (c.length <= 3 && c.startsWith('名') && c.endsWith('称'));
}

interface Page {
  readonly grey: Sharp;
  readonly width: number;
  readonly height: number;
  readonly dpi: number;
}

async function open(bytes: Buffer): Promise<Page> {
  const img = sharp(bytes, { failOn: 'error' });
  const meta = await img.metadata();
  return { grey: img.greyscale(), width: meta.width, height: meta.height, dpi: pageDpi(meta) };
}

/** A box of the page as a padded greyscale PNG, scaled up to READ_DPI when the page is coarser. */
async function crop(page: Page, box: Box): Promise<Buffer> {
  const left = Math.max(0, Math.round(box.left));
  const top = Math.max(0, Math.round(box.top));
  const width = Math.min(page.width - left, Math.round(box.width));
  const height = Math.min(page.height - top, Math.round(box.height));
  if (width < 4 || height < 4) throw new Error('form cell outside the page');
  let img = page.grey.clone().extract({ left, top, width, height });
  if (page.dpi < READ_DPI)
    img = sharp(await img.png().toBuffer()).resize({ width: Math.round((width * READ_DPI) / page.dpi) });
  // The crop says its resolution: without it tesseract guesses one from a few characters (often 25 dpi).
  return img
    .withDensity(Math.max(page.dpi, READ_DPI))
    .extend({ top: PAD, bottom: PAD, left: PAD, right: PAD, background: '#ffffff' })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

const joined = (r: OcrResult) => r.text.replace(/\s+/gu, ' ').trim();

async function readCode(recognizer: Recognizer, image: Buffer): Promise<string[]> {
  const plain = await recognizer.recognize(image, { layout: 'line' });
  const strict = await recognizer.recognize(image, { layout: 'line', whitelist: CODE_WHITELIST });
  return [joined(plain), joined(strict)];
}

async function findTable(page: Page): Promise<FormTable | null> {
  const k = Math.min(1, TABLE_DPI / page.dpi);
  const small = await page.grey
    .clone()
    .resize({ width: Math.max(1, Math.round(page.width * k)) })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const table = findFormTable(
    { data: small.data, width: small.info.width, height: small.info.height },
    page.dpi * k,
  );
  if (table === null) return null;
  const up = (b: Box): Box => ({
    left: b.left / k,
    top: b.top / k,
    width: b.width / k,
    height: b.height / k,
  });
  return { rows: table.rows.map((r) => ({ label: up(r.label), value: up(r.value) })) };
}

/** The label column read in one go, its lines given to the rows they sit in. */
async function readLabels(page: Page, table: FormTable, recognizer: Recognizer): Promise<string[]> {
  const first = table.rows[0]?.label;
  const last = table.rows.at(-1)?.label;
  if (first === undefined || last === undefined) return [];
  const column: Box = {
    left: first.left,
    top: first.top,
    width: first.width,
    height: last.top + last.height - first.top,
  };
  const image = await crop(page, column);
  const scale = page.dpi < READ_DPI ? READ_DPI / page.dpi : 1;
  const result = await recognizer.recognize(image, { layout: 'block' });
  const labels = table.rows.map(() => '');
  for (const line of result.lines) {
    const mid = ((line.bbox.y0 + line.bbox.y1) / 2 - PAD) / scale + first.top;
    const row = table.rows.findIndex((r) => mid >= r.label.top && mid < r.label.top + r.label.height);
    if (row >= 0) labels[row] = `${labels[row] ?? ''}${line.text}`;
  }
  return labels;
}

/** Reads the form table of a page (processed master bytes); null when the page has none. */
export async function readFormTable(bytes: Buffer, recognizer: Recognizer): Promise<FormRead | null> {
  const page = await open(bytes);
  const table = await findTable(page);
  if (table === null) return null;
  const labels = await readLabels(page, table, recognizer);
  if (!labels.some(isCodeLabel)) {
    // The column read as a block drops a short label now and then (注册号: three glyphs in a wide cell);
    // a label left empty is read again alone as one line.
    for (const [i, row] of table.rows.entries()) {
      if (chinese(labels[i] ?? '') !== '') continue;
      labels[i] = joined(await recognizer.recognize(await crop(page, row.label), { layout: 'line' }));
      if (isCodeLabel(labels[i] ?? '')) break;
    }
  }
  const codeRow = labels.findIndex(isCodeLabel);
  const nameRow = labels.findIndex(isNameLabel);
  const codeCell = table.rows[codeRow]?.value;
  const nameCell = table.rows[nameRow]?.value;
  const codeReadings = codeCell === undefined ? [] : await readCode(recognizer, await crop(page, codeCell));
  const nameReadings =
    nameCell === undefined
      ? []
      : [joined(await recognizer.recognize(await crop(page, nameCell), { layout: 'line' }))];
  return { layout: 'table', codeLabel: labels[codeRow] ?? null, codeReadings, nameReadings };
}

interface LabelledLine {
  readonly label: string;
  /** The rest of the line after the label, in the page's pixels. */
  readonly band: Box;
}

/**
 * Lines of a page's full OCR reading that start with a label: the band after the label's last character
 * to the end of the line, a little taller than the words (the re-read sees whole glyphs).
 */
function lineAfter(
  words: readonly OcrWordBox[],
  matches: (label: string) => boolean,
  last: string,
): LabelledLine | null {
  const byLine = new Map<number, OcrWordBox[]>();
  for (const w of words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
  for (const line of byLine.values()) {
    const text = line.map((w) => w.text).join('');
    if (!matches(text.slice(0, 12))) continue;
    const at = line.findIndex((w) => w.text.includes(last));
    const end = line[at];
    if (end === undefined || at === line.length - 1) continue;
    const rest = line.slice(at + 1);
    const top = Math.min(...rest.map((w) => w.bbox.y0));
    const bottom = Math.max(...rest.map((w) => w.bbox.y1));
    const h = bottom - top;
    const right = Math.max(...rest.map((w) => w.bbox.x1));
    return {
      label: line
        .slice(0, at + 1)
        .map((w) => w.text)
        .join(''),
      band: { left: end.bbox.x1 + 2, top: top - h * 0.3, width: right - end.bbox.x1 + h, height: h * 1.6 },
    };
  }
  return null;
}

/**
 * A page without a form table (a business licence): the code line and the name line are found in the
 * page's full OCR reading (`words`, in the master's pixels) and their values read again alone.
 */
export async function readFormLines(
  bytes: Buffer,
  words: readonly OcrWordBox[],
  recognizer: Recognizer,
): Promise<FormRead> {
  const code =
    lineAfter(words, (t) => chinese(t).includes('信用代码'), '码') ??
    lineAfter(words, (t) => chinese(t).startsWith('注册号'), '号');
  if (code === null) return NO_FORM;
  const page = await open(bytes);
  const codeReadings = await readCode(recognizer, await crop(page, code.band));
  const name = lineAfter(words, (t) => chinese(t).startsWith('名称'), '称');
  const nameReadings =
    name === null
      ? []
      : [joined(await recognizer.recognize(await crop(page, name.band), { layout: 'line' }))];
  return { layout: 'lines', codeLabel: code.label, codeReadings, nameReadings };
}
