import type { Box, GreyImage } from '../capture/analysis';

/**
 * The ruled table of a registration form, found from its ink: long horizontal and vertical runs are the
 * ruling lines, and the rows between them hold a label cell (left) and a value cell (right). tesseract's
 * own page layout reads almost nothing inside such a table (the lines break its text blocks), so the
 * cells are found here and read one by one.
 */

export type { Box, GreyImage };

export interface TableRow {
  /** The label cell (between the table's left line and the first divider). */
  readonly label: Box;
  /** The value cell (from the divider to the table's right line). */
  readonly value: Box;
}

export interface FormTable {
  readonly rows: readonly TableRow[];
}

/** Ink darker than this (0–255) counts. */
const DARK = 140;
/** A ruling line spans at least this share of the page width (the demo and real forms: 80 %). */
const MIN_LINE_SHARE = 0.45;

/**
 * Dark-pixel mask with a small spread across the line's direction, so that a line drawn with a
 * residual skew (the capture deskews only from 0.2°) still reads as one long run.
 */
function longestRun(
  isDark: (i: number, j: number) => boolean,
  length: number,
  spread: number,
  across: number,
  index: number,
  gap: number,
): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = 0;
  let run = 0;
  let miss = 0;
  for (let i = 0; i < length; i++) {
    let dark = false;
    for (let d = -spread; d <= spread && !dark; d++) {
      const j = index + d;
      if (j >= 0 && j < across && isDark(i, j)) dark = true;
    }
    if (dark) {
      if (run === 0) start = i;
      run += miss + 1;
      miss = 0;
      if (run > best.length) best = { start, length: run };
    } else if (run > 0 && ++miss > gap) {
      run = 0;
      miss = 0;
    }
  }
  return best;
}

interface Line {
  /** Position across the line (y of a horizontal line, x of a vertical one). */
  readonly at: number;
  readonly start: number;
  readonly end: number;
}

/** Merges neighbouring rows of one line (a line is a few pixels thick) into one, at their middle. */
function merge(found: readonly Line[], within: number): Line[] {
  const out: Line[] = [];
  let group: Line[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const mid = group[Math.floor(group.length / 2)] ?? group[0];
    if (mid !== undefined)
      out.push({ ...mid, at: Math.round((group[0]?.at ?? 0) / 2 + (group.at(-1)?.at ?? 0) / 2) });
    group = [];
  };
  for (const l of found) {
    if (group.length > 0 && l.at - (group.at(-1)?.at ?? l.at) > within) flush();
    group.push(l);
  }
  flush();
  return out;
}

/** Runs of dark pixels along every row (or column) of the image at least `min` long. */
function lines(
  isDark: (i: number, j: number) => boolean,
  length: number,
  across: number,
  from: number,
  to: number,
  min: number,
  spread: number,
  gap: number,
): Line[] {
  const found: Line[] = [];
  for (let j = from; j < to; j++) {
    const run = longestRun(isDark, length, spread, across, j, gap);
    if (run.length >= min) found.push({ at: j, start: run.start, end: run.start + run.length });
  }
  return found;
}

/**
 * Finds the label/value table on a page image of `dpi` (a processed master, or a reduced copy of it).
 * Null when the page has no such table: at least three horizontal lines of the same extent (a page's
 * frame or a dark scan border is not a table) and three vertical lines between them.
 */
export function findFormTable(img: GreyImage, dpi: number): FormTable | null {
  const { data, width, height } = img;
  const px = (mm: number) => Math.max(1, Math.round((mm * dpi) / 25.4));
  const spread = Math.max(1, px(0.4));
  const gap = px(0.5);
  const edge = px(3);
  const darkH = (x: number, y: number) => (data[y * width + x] ?? 255) < DARK;
  const horizontal = merge(
    lines(darkH, width, height, 0, height, width * MIN_LINE_SHARE, spread, gap),
    px(1),
  ).filter((l) => l.start > edge && l.end < width - edge);
  // The table: the largest set of lines sharing their extent (ruled rows of one table).
  const near = (a: Line, b: Line) => Math.abs(a.start - b.start) <= px(3) && Math.abs(a.end - b.end) <= px(3);
  let rowsOf: Line[] = [];
  for (const l of horizontal) {
    const same = horizontal.filter((m) => near(l, m));
    if (same.length > rowsOf.length) rowsOf = same;
  }
  if (rowsOf.length < 3) return null;
  const top = rowsOf[0]?.at ?? 0;
  const bottom = rowsOf.at(-1)?.at ?? 0;
  const from = Math.min(...rowsOf.map((l) => l.start));
  const to = Math.max(...rowsOf.map((l) => l.end));
  const span = bottom - top;
  const darkV = (y: number, x: number) => (data[(top + y) * width + x] ?? 255) < DARK;
  const cols = merge(
    lines(
      darkV,
      span,
      width,
      Math.max(0, from - px(2)),
      Math.min(width, to + px(2)),
      span * 0.6,
      spread,
      gap,
    ),
    px(1),
  ).map((l) => l.at);
  if (cols.length < 3) return null;
  const left = cols[0] ?? 0;
  const divider = cols[1] ?? 0;
  const right = cols.at(-1) ?? 0;
  // Inside a cell: the ruling line and a little more left out, so that no stroke of it is read.
  const inset = px(0.8);
  const rows: TableRow[] = [];
  for (let i = 0; i + 1 < rowsOf.length; i++) {
    const y0 = (rowsOf[i]?.at ?? 0) + inset;
    const y1 = (rowsOf[i + 1]?.at ?? 0) - inset;
    if (y1 - y0 < px(4)) continue;
    rows.push({
      label: { left: left + inset, top: y0, width: divider - left - 2 * inset, height: y1 - y0 },
      value: { left: divider + inset, top: y0, width: right - divider - 2 * inset, height: y1 - y0 },
    });
  }
  return rows.length >= 2 ? { rows } : null;
}
