import { DOCUMENT_TYPES, type DocumentType } from '../vocabulary';
import { documentDate } from './dates';
import { allowedEdits, approxFind, type ApproxMatch } from './fuzzy';
import type { CataloguePage } from './rules';

/** One line of OCR text, with its glyph height in pixels and its top as a share of the page when known. */
export interface ZoneLine {
  readonly text: string;
  readonly height?: number;
  /** 0 = the top edge of the page, 1 = the bottom (full-page readings). */
  readonly top?: number;
}

export interface ZonePage extends CataloguePage {
  /** The title zone's lines, or null when it has not been read (yet). */
  readonly lines: readonly ZoneLine[] | null;
  /** The full page's lines, top to bottom, when the page has been read whole. */
  readonly fullLines?: readonly ZoneLine[] | null;
}

/** Where a suggested date comes from: read on the document, or the volume's registration date (not read). */
export type DateSource = 'document' | 'registration' | 'none';
/** Where a suggested 责任者 comes from: read on the document, or the volume's registering bureau. */
export type ResponsibleSource = 'document' | 'volume';

export interface SuggestedDocument {
  readonly typeCode: string;
  readonly title: string;
  readonly firstPage: number;
  readonly lastPage: number;
  /** 0..1: how sure the classifier is that a document of this type starts at firstPage. */
  readonly confidence: number;
  /** The vocabulary keyword that was recognised (null: no title recognised, typed as other). */
  readonly keyword: string | null;
  /** YYYYMMDD: the date read on the document, else the registration date (see dateSource), else null. */
  readonly docDate: string | null;
  readonly dateSource: DateSource;
  /** The page the date was read on, and the text read. */
  readonly datePage: number | null;
  readonly dateText: string | null;
  /** The responsible party (责任者), when the document shows it; null otherwise. */
  readonly responsible: string | null;
  readonly responsibleSource: ResponsibleSource | null;
}

/** What the volume's register knows, to correct and complete what OCR read. */
export interface VolumeFacts {
  readonly volumeType: string;
  /** YYYYMMDD: the fallback date, and the latest a document date may plausibly be (plus a year). */
  readonly registrationDate?: string | null;
  /** Without a registration date: today (YYYYMMDD), so no future date is taken. */
  readonly today?: string | null;
  /** The enterprise's registered name: a title or text showing it is spelled as registered. */
  readonly enterpriseName?: string | null;
  /** The registering bureau's authority (e.g. 厦门市市场监督管理局): the issuer of its licences and notices. */
  readonly authority?: string | null;
}

/** Where the classifier stands on one page. */
export interface PageVerdict {
  readonly seq: number;
  readonly startsDocument: boolean;
  readonly typeCode: string | null;
  readonly keyword: string | null;
  readonly line: string | null;
  readonly score: number;
  /** The title as it should read: the line cleaned, the keyword spelled as in the vocabulary. */
  readonly title: string | null;
}

export const FALLBACK_TYPE = 'OTH';

/** A title is printed larger than body text: this much taller than the volume's typical line. */
const TITLE_HEIGHT_RATIO = 1.3;
/** Without heights, a title is a short line: body lines on an A4 page run to 30+ characters. */
const SHORT_LINE = 24;
/** Below this score a keyword hit is body text that happens to name a document. */
const START_THRESHOLD = 0.5;
/** Lines of a full-page reading this high up the page may be its title (a licence prints it a fifth down). */
const FULL_PAGE_TITLE_SHARE = 0.4;
/** A keyword read with an error counts only when it explains at least this share of its line. */
const FUZZY_MIN_SHARE = 0.5;

/**
 * Folds what OCR and typists vary: width (NFKC: （ → (, Ａ → A), the bracket shapes OCR confuses with
 * parentheses, whitespace and the middle dot.
 */
export function foldTitle(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[〈〔【［<]/gu, '(')
    .replace(/[〉〕】］>]/gu, ')')
    .replace(/[\s·•]+/gu, '')
    .toLowerCase();
}

/** Marks tesseract scatters through lines (quotes, rules, bars, stops) — never part of a title. */
const NOISE = /[“”"'‘’`_|~^*、。.,:;!?，：；！？…\-—=]/gu;

/** A line as titles are compared: folded, OCR's stray marks removed, as code points. */
function cleanChars(s: string): string[] {
  return Array.from(foldTitle(s).replace(NOISE, ''));
}

interface Keyword {
  readonly chars: readonly string[];
  readonly original: string;
  readonly type: DocumentType;
}

/** Longest keywords first, so 公司章程 wins over 章程 and 股东会决议 over 决议-like short ones. */
const KEYWORDS: readonly Keyword[] = DOCUMENT_TYPES.flatMap((type) =>
  type.titleKeywords.map((k) => ({ chars: cleanChars(k), original: k, type })),
).sort((a, b) => b.chars.length - a.chars.length || a.type.order - b.type.order);

/** The typical body-text height: a low percentile, since a volume may hold nearly as many title lines as body lines. */
function bodyLineHeight(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.3)] ?? null;
}

function isUsual(type: DocumentType, volumeType: string): boolean {
  return type.volumeTypes === undefined || type.volumeTypes.includes(volumeType);
}

interface KeywordHit {
  readonly keyword: Keyword;
  readonly match: ApproxMatch;
}

/**
 * The best keyword in a line, read through OCR errors: the one matching the most characters (its
 * length less the edits needed; short keywords must match exactly), preferring types usual in this
 * volume type.
 */
function bestKeyword(line: readonly string[], volumeType: string): KeywordHit | null {
  let best: KeywordHit | null = null;
  const worth = (h: KeywordHit) => h.keyword.chars.length - h.match.edits;
  for (const k of KEYWORDS) {
    if (best !== null && k.chars.length < worth(best)) break;
    const match = approxFind(k.chars, line, Math.min(allowedEdits(k.chars.length), k.chars.length - 1));
    if (match === null) continue;
    const hit = { keyword: k, match };
    if (
      best === null ||
      worth(hit) > worth(best) ||
      (worth(hit) === worth(best) &&
        (hit.match.edits < best.match.edits ||
          (hit.match.edits === best.match.edits &&
            isUsual(k.type, volumeType) &&
            !isUsual(best.keyword.type, volumeType))))
    ) {
      best = hit;
    }
  }
  return best;
}

/** The title as it should read: the cleaned line with the keyword spelled as in the vocabulary. */
function titleOf(line: readonly string[], hit: KeywordHit): string {
  const text =
    line.slice(0, hit.match.start).join('') + hit.keyword.original + line.slice(hit.match.end).join('');
  return text.replace(/\(/gu, '（').replace(/\)/gu, '）');
}

interface Candidate {
  readonly line: ZoneLine;
  /** Its rank from the top of its zone. */
  readonly index: number;
  readonly bodyHeight: number | null;
}

/**
 * The share of a line its keyword explains, the enterprise's name (where OCR shows it) left out: a
 * title is often the company's name followed by the document's.
 */
function explainedShare(line: readonly string[], hit: KeywordHit, name: readonly string[] | null): number {
  const named = name === null || name.length === 0 ? null : approxFind(name, line, allowedEdits(name.length));
  let counted = 0;
  line.forEach((_, i) => {
    const inKeyword = i >= hit.match.start && i < hit.match.end;
    const inName = named !== null && i >= named.start && i < named.end;
    if (inKeyword || !inName) counted++;
  });
  return Math.min(1, (hit.keyword.chars.length - hit.match.edits) / Math.max(1, counted));
}

/** Lines that may carry a page's title: its title zone, and the top of its full-page reading. */
function candidates(p: ZonePage, titleBody: number | null, fullBody: number | null): Candidate[] {
  const out: Candidate[] = (p.lines ?? []).map((line, index) => ({ line, index, bodyHeight: titleBody }));
  (p.fullLines ?? [])
    .filter((l) => l.top === undefined || l.top <= FULL_PAGE_TITLE_SHARE)
    .forEach((line, index) => out.push({ line, index, bodyHeight: fullBody }));
  return out;
}

function heightsOf(lines: readonly ZoneLine[]): number[] {
  return lines.map((l) => l.height).filter((h): h is number => h !== undefined && h > 0);
}

/** Judges each page: does a document start here, and of which type? */
export function judgePages(
  pages: readonly ZonePage[],
  volumeType: string,
  enterpriseName?: string | null,
): PageVerdict[] {
  const name = enterpriseName === undefined || enterpriseName === null ? null : cleanChars(enterpriseName);
  const titleBody = bodyLineHeight(pages.flatMap((p) => heightsOf(p.lines ?? [])));
  const fullBody = bodyLineHeight(pages.flatMap((p) => heightsOf(p.fullLines ?? [])));
  return pages.map((p) => {
    const none: PageVerdict = {
      seq: p.seq,
      startsDocument: false,
      typeCode: null,
      keyword: null,
      line: null,
      score: 0,
      title: null,
    };
    if (p.isBlank || p.isSeparator || (p.lines === null && (p.fullLines ?? null) === null)) return none;
    let top = none;
    for (const { line: l, index, bodyHeight } of candidates(p, titleBody, fullBody)) {
      const chars = cleanChars(l.text);
      if (chars.length === 0) continue;
      const hit = bestKeyword(chars, volumeType);
      if (hit === null) continue;
      const k = hit.keyword;
      const large =
        bodyHeight !== null && l.height !== undefined ? l.height >= bodyHeight * TITLE_HEIGHT_RATIO : null;
      const short = chars.length <= SHORT_LINE;
      // How much of the line the keyword explains: a title is its keyword, often after the company name.
      const share = explainedShare(chars, hit, name);
      // A misread keyword must be most of its line: 法定代表 in a chapter heading is not 指定代表.
      if (hit.match.edits > 0 && share < FUZZY_MIN_SHARE) continue;
      let score =
        large === true ? 0.7 + 0.3 * share : large === false ? 0.15 * share : short ? 0.4 + 0.4 * share : 0.1;
      score *= 1 - (0.5 * hit.match.edits) / k.chars.length; // a misread keyword is a little less sure
      if (index > 2) score *= 0.8; // titles sit at the very top
      if (/续|接上页/u.test(l.text)) score *= 0.3; // "(continued)": a running head, not a new document
      if (/^第[一二三四五六七八九十百\d]+[章条节]/u.test(chars.join(''))) score *= 0.3; // a chapter or article heading
      if (!isUsual(k.type, volumeType)) score *= 0.8;
      if (score > top.score) {
        top = {
          seq: p.seq,
          startsDocument: score >= START_THRESHOLD,
          typeCode: k.type.code,
          keyword: k.original,
          line: l.text.trim(),
          score,
          title: titleOf(chars, hit),
        };
      }
    }
    return top;
  });
}

/** Issued by a body: the 责任者 is the authority (licences, notices) or the enterprise's organ (resolutions). */
const ORGAN: Readonly<Record<string, string>> = { SHR: '股东会', BDR: '董事会' };
const ISSUED_BY_AUTHORITY = new Set(['LIC', 'NOT', 'NAM', 'PRE', 'MIG', 'PEN', 'TAX']);
const ISSUED_BY_REGISTRAR = new Set(['LIC', 'NOT']);
/** An authority's name: places (福建省, 厦门市思明区) then the office. */
const AUTHORITY =
  /(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|州|县|区)){1,3}(?:市场监督管理局|工商行政管理局|市场监管局|行政审批局|税务局)/u;
/** The label before an issuer's name on a licence or notice. */
const ISSUER_LABEL = /^.*?(?:登记机关|发证机关|签发机关|机关)[:：]?/u;

/** The issuing authority named in a document's lines, if one is readable. */
function authorityIn(lines: readonly string[]): string | null {
  for (const l of lines) {
    const m = AUTHORITY.exec(l.replace(/\s+/gu, '').replace(ISSUER_LABEL, ''));
    if (m !== null) return m[0];
  }
  return null;
}

/** The enterprise's registered name where OCR shows it (a misread character or two allowed), else the text as is. */
function spellName(text: string, name: string | null | undefined): { text: string; found: boolean } {
  if (name === null || name === undefined || name === '') return { text, found: false };
  const chars = Array.from(text);
  const m = approxFind(Array.from(name), chars, allowedEdits(name.length));
  if (m === null) return { text, found: false };
  return { text: chars.slice(0, m.start).join('') + name + chars.slice(m.end).join(''), found: true };
}

function linesOfPage(p: ZonePage): readonly ZoneLine[] {
  return p.fullLines ?? p.lines ?? [];
}

/** A year after `yyyymmdd`: document dates later than that are not this volume's. */
function yearAfter(yyyymmdd: string): string {
  return `${String(Number(yyyymmdd.slice(0, 4)) + 1)}${yyyymmdd.slice(4)}`;
}

/**
 * Proposes the volume's documents from its title zones (and full pages, once read): a document starts
 * at each page whose title zone shows a vocabulary title keyword as a title (large, or a short line at
 * the top), and runs until the next one. Content pages before the first recognised title form an
 * "other" document; blank pages and separator sheets at a document's end stay outside it. Each document
 * gets the date printed on it (else the registration date, flagged) and its 责任者 when readable.
 */
export function suggestDocuments(
  pages: readonly ZonePage[],
  facts: VolumeFacts | string,
): SuggestedDocument[] {
  const f: VolumeFacts = typeof facts === 'string' ? { volumeType: facts } : facts;
  const sorted = [...pages].sort((a, b) => a.seq - b.seq);
  const verdicts = judgePages(sorted, f.volumeType, f.enterpriseName);
  const docs: { start: PageVerdict; pages: ZonePage[] }[] = [];
  sorted.forEach((p, i) => {
    const v = verdicts[i];
    if (v === undefined || p.isBlank || p.isSeparator) return;
    const current = docs.at(-1);
    if (v.startsDocument || current === undefined) docs.push({ start: v, pages: [p] });
    else current.pages.push(p);
  });
  const registered = f.registrationDate ?? null;
  const notAfter = registered !== null ? yearAfter(registered) : (f.today ?? null);
  return docs.map(({ start, pages: own }) => {
    const typeCode = start.startsDocument && start.typeCode !== null ? start.typeCode : FALLBACK_TYPE;
    const title =
      start.startsDocument && start.title !== null ? spellName(start.title, f.enterpriseName).text : '';
    const found = documentDate(
      own.map((p) => linesOfPage(p)),
      { notAfter },
    );
    const text = own.flatMap((p) => linesOfPage(p).map((l) => l.text)).join('\n');
    return {
      typeCode,
      title,
      firstPage: own[0]?.seq ?? start.seq,
      lastPage: own.at(-1)?.seq ?? start.seq,
      confidence: Math.round(Math.min(1, start.score) * 100) / 100,
      keyword: start.startsDocument ? start.keyword : null,
      ...(found !== null
        ? {
            docDate: found.date,
            dateSource: 'document' as const,
            datePage: own[found.page]?.seq ?? null,
            dateText: found.text,
          }
        : {
            docDate: registered,
            dateSource: registered !== null ? ('registration' as const) : ('none' as const),
            datePage: null,
            dateText: null,
          }),
      ...responsibleOf(typeCode, text, f),
    };
  });
}

function responsibleOf(
  typeCode: string,
  text: string,
  f: VolumeFacts,
): { responsible: string | null; responsibleSource: ResponsibleSource | null } {
  const organ = ORGAN[typeCode];
  if (organ !== undefined) {
    const named = spellName(text.replace(/\s+/gu, ''), f.enterpriseName);
    const name = f.enterpriseName ?? null;
    return named.found && name !== null
      ? { responsible: `${name}${organ}`, responsibleSource: 'document' }
      : { responsible: null, responsibleSource: null };
  }
  if (ISSUED_BY_AUTHORITY.has(typeCode)) {
    const read = authorityIn(text.split('\n'));
    if (read !== null) return { responsible: read, responsibleSource: 'document' };
    const authority = f.authority ?? null;
    if (ISSUED_BY_REGISTRAR.has(typeCode) && authority !== null) {
      return { responsible: authority, responsibleSource: 'volume' };
    }
  }
  return { responsible: null, responsibleSource: null };
}
