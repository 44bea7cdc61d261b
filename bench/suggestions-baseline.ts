/**
 * The title-keyword classifier as it was before the OCR-tolerant one (core/cataloguing/classifier.ts at
 * commit 2dced20), kept only as the suggestions benchmark's baseline: exact keyword matching on the
 * title zone, no full-page text, no dates (the UI gave every document the registration date).
 * It reads the vocabulary as it is now (keywords added since count for it too).
 */
import type { Repos } from '../db/repos';
import type { PageOcrRepo } from '../db/repos/page-ocr';
import { linesOf } from '../workstation/cataloguing/suggest';
import { DOCUMENT_TYPES, type DocumentType } from '../core/vocabulary';
import type { CataloguePage } from '../core/cataloguing/rules';

/** One line of OCR text in a page's title zone, with its height in pixels when known. */
interface ZoneLine {
  readonly text: string;
  readonly height?: number;
}

interface ZonePage extends CataloguePage {
  /** The title zone's lines, or null when it has not been read (yet). */
  readonly lines: readonly ZoneLine[] | null;
}

interface SuggestedDocument {
  readonly typeCode: string;
  readonly title: string;
  readonly firstPage: number;
  readonly lastPage: number;
  /** 0..1: how sure the classifier is that a document of this type starts at firstPage. */
  readonly confidence: number;
  /** The vocabulary keyword that was recognised (null: no title recognised, typed as other). */
  readonly keyword: string | null;
}

/** Where the classifier stands on one page. */
interface PageVerdict {
  readonly seq: number;
  readonly startsDocument: boolean;
  readonly typeCode: string | null;
  readonly keyword: string | null;
  readonly line: string | null;
  readonly score: number;
}

const FALLBACK_TYPE = 'OTH';

/** A title is printed larger than body text: this much taller than the volume's typical line. */
const TITLE_HEIGHT_RATIO = 1.3;
/** Without heights, a title is a short line: body lines on an A4 page run to 30+ characters. */
const SHORT_LINE = 24;
/** Below this score a keyword hit is body text that happens to name a document. */
const START_THRESHOLD = 0.5;

/**
 * Folds what OCR and typists vary: width (NFKC: （ → (, Ａ → A), the bracket shapes OCR confuses with
 * parentheses, whitespace and the middle dot.
 */
function foldTitle(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[〈〔【［<]/gu, '(')
    .replace(/[〉〕】］>]/gu, ')')
    .replace(/[\s·•]+/gu, '')
    .toLowerCase();
}

interface Keyword {
  readonly folded: string;
  readonly original: string;
  readonly type: DocumentType;
}

/** Longest keywords first, so 公司章程 wins over 章程 and 股东会决议 over 决议-like short ones. */
const KEYWORDS: readonly Keyword[] = DOCUMENT_TYPES.flatMap((type) =>
  type.titleKeywords.map((k) => ({ folded: foldTitle(k), original: k, type })),
).sort((a, b) => b.folded.length - a.folded.length || a.type.order - b.type.order);

/** The typical body-text height: a low percentile, since a volume may hold nearly as many title lines as body lines. */
function bodyLineHeight(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.3)] ?? null;
}

/** The best keyword in a line: the longest one it contains, preferring types usual in this volume type. */
function bestKeyword(line: string, volumeType: string): Keyword | null {
  let best: Keyword | null = null;
  for (const k of KEYWORDS) {
    if (best !== null && k.folded.length < best.folded.length) break;
    if (!line.includes(k.folded)) continue;
    const usual = k.type.volumeTypes === undefined || k.type.volumeTypes.includes(volumeType);
    const bestUsual =
      best !== null && (best.type.volumeTypes === undefined || best.type.volumeTypes.includes(volumeType));
    if (best === null || (usual && !bestUsual)) best = k;
  }
  return best;
}

/** Judges each page: does a document start here, and of which type? */
function judgePages(pages: readonly ZonePage[], volumeType: string): PageVerdict[] {
  const bodyHeight = bodyLineHeight(
    pages.flatMap((p) =>
      (p.lines ?? []).map((l) => l.height).filter((h): h is number => h !== undefined && h > 0),
    ),
  );
  return pages.map((p) => {
    const none = { seq: p.seq, startsDocument: false, typeCode: null, keyword: null, line: null, score: 0 };
    if (p.isBlank || p.isSeparator || p.lines === null) return none;
    let top: PageVerdict = none;
    p.lines.forEach((l, index) => {
      const folded = foldTitle(l.text);
      if (folded === '') return;
      const k = bestKeyword(folded, volumeType);
      if (k === null) return;
      const large =
        bodyHeight !== null && l.height !== undefined ? l.height >= bodyHeight * TITLE_HEIGHT_RATIO : null;
      const short = folded.length <= SHORT_LINE;
      // How much of the line the keyword explains: a title is mostly its keyword (plus a company name).
      const share = k.folded.length / folded.length;
      let score =
        large === true ? 0.7 + 0.3 * share : large === false ? 0.15 * share : short ? 0.4 + 0.4 * share : 0.1;
      if (index > 2) score *= 0.8; // titles sit at the very top
      const usual = k.type.volumeTypes === undefined || k.type.volumeTypes.includes(volumeType);
      if (!usual) score *= 0.8;
      if (score > top.score) {
        top = {
          seq: p.seq,
          startsDocument: score >= START_THRESHOLD,
          typeCode: k.type.code,
          keyword: k.original,
          line: l.text.trim(),
          score,
        };
      }
    });
    return top;
  });
}

/**
 * Proposes the volume's documents from its title zones: a document starts at each page whose title
 * zone shows a vocabulary title keyword as a title (large, or a short line at the top), and runs until
 * the next one. Content pages before the first recognised title form an "other" document; blank pages
 * and separator sheets at a document's end stay outside it.
 */
export function suggestDocuments(pages: readonly ZonePage[], volumeType: string): SuggestedDocument[] {
  const sorted = [...pages].sort((a, b) => a.seq - b.seq);
  const verdicts = judgePages(sorted, volumeType);
  const docs: { start: PageVerdict; first: number; last: number }[] = [];
  sorted.forEach((p, i) => {
    const v = verdicts[i];
    if (v === undefined || p.isBlank || p.isSeparator) return;
    const current = docs.at(-1);
    if (v.startsDocument || current === undefined) docs.push({ start: v, first: p.seq, last: p.seq });
    else current.last = p.seq;
  });
  return docs.map(({ start, first, last }) => ({
    typeCode: start.startsDocument && start.typeCode !== null ? start.typeCode : FALLBACK_TYPE,
    title: start.startsDocument && start.line !== null ? start.line : '',
    firstPage: first,
    lastPage: last,
    confidence: Math.round(Math.min(1, start.score) * 100) / 100,
    keyword: start.startsDocument ? start.keyword : null,
  }));
}

/** The baseline's suggestions for a volume: title zones only, every date the registration date. */
export function baselineForVolume(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
): (SuggestedDocument & { docDate: string | null; dateSource: string })[] {
  const volume = repos.volumes.get(volumeId);
  const readings = new Map(ocr.listForVolume(volumeId, 'title').map((r) => [r.pageId, r]));
  const pages: ZonePage[] = repos.pages.list(volumeId).map((p) => {
    const reading = readings.get(p.id);
    return {
      seq: p.seq,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      lines: reading?.state === 'done' ? linesOf(reading) : null,
    };
  });
  return suggestDocuments(pages, volume.volumeType).map((d) => ({
    ...d,
    docDate: volume.registrationDate,
    dateSource: 'registration',
  }));
}
