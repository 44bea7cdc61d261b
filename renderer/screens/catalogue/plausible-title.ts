/**
 * Is a line OCR read at the top of a page worth showing as a title? The titles of registration documents
 * are Chinese (公司设立登记申请书, 章程, 股东会决议, often after the company's name, now and then with a
 * Latin brand name or a year); what tesseract makes of table rules, stamps, stains and the scanner's edge
 * comes out as ASCII symbols, lone Latin letters and stroke-like characters (「二z—C>>B」). A line is shown
 * only when it reads like the former; anything doubtful is not shown at all.
 */

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z]/u;
const DIGIT = /[0-9０-９]/u;
/** Punctuation a title may hold: brackets around a place or a year, book-title marks, a colon, a list comma. */
const TITLE_PUNCTUATION = /[（）()《》〈〉「」、，,：:·]/u;
/** Characters tesseract reads out of rules, borders and specks: a title is not made mostly of them. */
const STROKES = new Set(Array.from('一二三丨丿乀乙亅十卜丶'));
/** At least this share of a title's letters are Chinese characters (digits — years, numbers — count for neither). */
const MIN_HAN_SHARE = 2 / 3;

/** The line as a title (spaces OCR put between Chinese characters removed), or null when it is not plausibly one. */
export function plausibleTitle(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const line = text
    .trim()
    .replace(/\s+/gu, ' ')
    .replace(/(?<=\p{Script=Han}) | (?=\p{Script=Han})/gu, '');
  const chars = Array.from(line.replace(/ /gu, ''));
  let han = 0;
  let strokes = 0;
  let counted = 0;
  for (const [i, c] of chars.entries()) {
    if (HAN.test(c)) {
      han++;
      counted++;
      if (STROKES.has(c)) strokes++;
    } else if (LATIN.test(c)) {
      // A brand name is a run of letters; a lone letter between Chinese characters is a misread speck.
      if (!LATIN.test(chars[i - 1] ?? '') && !LATIN.test(chars[i + 1] ?? '')) return null;
      counted++;
    } else if (!DIGIT.test(c) && !TITLE_PUNCTUATION.test(c)) {
      return null; // > | ~ _ = — and the like: never part of a document's title
    }
  }
  if (han < 2 || han < counted * MIN_HAN_SHARE || strokes * 2 > han) return null;
  return line;
}
