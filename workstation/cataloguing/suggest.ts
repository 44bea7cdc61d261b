import { DEFAULT_PROVINCE, findBureau, type ProvinceConfig } from '../../core/bureaus';
import {
  suggestDocuments,
  type SuggestedDocument,
  type VolumeFacts,
  type ZoneLine,
  type ZonePage,
} from '../../core/cataloguing/classifier';
import type { Repos } from '../../db/repos';
import type { OcrWordBox, PageOcr, PageOcrRepo } from '../../db/repos/page-ocr';

export interface VolumeSuggestion {
  readonly documents: readonly SuggestedDocument[];
  /** Content pages whose title zone has not been read successfully (suggestions there are guesses). */
  readonly unreadPages: readonly number[];
  /** Content pages read whole (their dates and 责任者 come from the whole page). */
  readonly fullPages: number;
}

/**
 * The lines of a reading, rebuilt from its word boxes: text, the line's glyph height in pixels and, when
 * the page's height is given, its top as a share of it.
 */
export function linesOf(reading: PageOcr, pageHeight?: number | null): ZoneLine[] {
  if (reading.words.length === 0) {
    return reading.text
      .split('\n')
      .filter((t) => t.trim() !== '')
      .map((text) => ({ text }));
  }
  const byLine = new Map<number, OcrWordBox[]>();
  for (const w of reading.words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w]);
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, words]) => {
      const top = Math.min(...words.map((w) => w.bbox.y0));
      return {
        text: words.map((w) => w.text).join(''),
        height: medianHeight(words),
        ...(pageHeight !== undefined && pageHeight !== null && pageHeight > 0
          ? { top: Math.min(1, top / pageHeight) }
          : {}),
      };
    });
}

/** The typical glyph height of a line (a union of boxes would grow with every low comma and tall bracket). */
function medianHeight(words: readonly OcrWordBox[]): number {
  const hs = words.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  return hs[Math.floor(hs.length / 2)] ?? 0;
}

/** Today in China (UTC+8) as YYYYMMDD: no document of a volume is dated later. */
function todayCst(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/gu, '');
}

/** What the classifier reads of a volume: its pages' OCR lines and the register's facts. */
export interface VolumeReading {
  readonly pages: readonly ZonePage[];
  readonly facts: VolumeFacts;
  readonly unreadPages: readonly number[];
  readonly fullPages: number;
}

export function readVolume(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
  options: { readonly province?: ProvinceConfig; readonly now?: Date } = {},
): VolumeReading {
  const volume = repos.volumes.get(volumeId);
  const titles = new Map(ocr.listForVolume(volumeId, 'title').map((r) => [r.pageId, r]));
  const fulls = new Map(ocr.listForVolume(volumeId, 'full').map((r) => [r.pageId, r]));
  const unread: number[] = [];
  let fullPages = 0;
  const pages: ZonePage[] = repos.pages.list(volumeId).map((p) => {
    const reading = titles.get(p.id);
    const full = fulls.get(p.id);
    const content = !p.isBlank && !p.isSeparator;
    if (content && reading?.state !== 'done') unread.push(p.seq);
    if (content && full?.state === 'done') fullPages++;
    return {
      seq: p.seq,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      lines: reading?.state === 'done' ? linesOf(reading) : null,
      fullLines: full?.state === 'done' ? linesOf(full, p.height ?? fullHeight(full)) : null,
    };
  });
  const enterprise = repos.enterprises.get(volume.enterpriseId);
  const bureau = findBureau(options.province ?? DEFAULT_PROVINCE, volume.bureauCode);
  return {
    pages,
    facts: {
      volumeType: volume.volumeType,
      registrationDate: volume.registrationDate,
      today: todayCst(options.now ?? new Date()),
      enterpriseName: enterprise.name,
      authority: bureau?.authority ?? null,
    },
    unreadPages: unread,
    fullPages,
  };
}

/**
 * Document boundaries, types, titles, dates and 责任者 proposed from the OCR of a volume's pages: the
 * title zones, and the full pages once they have been read (titles a title zone cut off, the dates
 * printed lower down). The enterprise's registered name and the volume's bureau complete what OCR read.
 */
export function suggestForVolume(
  repos: Repos,
  ocr: PageOcrRepo,
  volumeId: number,
  options: { readonly province?: ProvinceConfig; readonly now?: Date } = {},
): VolumeSuggestion {
  const r = readVolume(repos, ocr, volumeId, options);
  return {
    documents: suggestDocuments(r.pages, r.facts),
    unreadPages: r.unreadPages,
    fullPages: r.fullPages,
  };
}

/** Without the page's size, the lowest word's bottom stands in for the page height. */
function fullHeight(reading: PageOcr): number | null {
  return reading.words.length === 0 ? null : Math.max(...reading.words.map((w) => w.bbox.y1));
}
