import {
  suggestDocuments,
  type SuggestedDocument,
  type ZoneLine,
  type ZonePage,
} from '../../core/cataloguing/classifier';
import type { Repos } from '../../db/repos';
import type { OcrWordBox, PageOcr, PageOcrRepo } from '../../db/repos/page-ocr';

export interface VolumeSuggestion {
  readonly documents: readonly SuggestedDocument[];
  /** Content pages whose title zone has not been read successfully (suggestions there are guesses). */
  readonly unreadPages: readonly number[];
}

/** The lines of a reading, rebuilt from its word boxes: text and the line's glyph height in pixels. */
export function linesOf(reading: PageOcr): ZoneLine[] {
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
    .map(([, words]) => ({
      text: words.map((w) => w.text).join(''),
      height: medianHeight(words),
    }));
}

/** The typical glyph height of a line (a union of boxes would grow with every low comma and tall bracket). */
function medianHeight(words: readonly OcrWordBox[]): number {
  const hs = words.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  return hs[Math.floor(hs.length / 2)] ?? 0;
}

/** Document boundaries and types proposed from the title-zone OCR of a volume's pages. */
export function suggestForVolume(repos: Repos, ocr: PageOcrRepo, volumeId: number): VolumeSuggestion {
  const volume = repos.volumes.get(volumeId);
  const readings = new Map(ocr.listForVolume(volumeId, 'title').map((r) => [r.pageId, r]));
  const unread: number[] = [];
  const pages: ZonePage[] = repos.pages.list(volumeId).map((p) => {
    const reading = readings.get(p.id);
    const content = !p.isBlank && !p.isSeparator;
    if (content && reading?.state !== 'done') unread.push(p.seq);
    return {
      seq: p.seq,
      isBlank: p.isBlank,
      isSeparator: p.isSeparator,
      lines: reading?.state === 'done' ? linesOf(reading) : null,
    };
  });
  return { documents: suggestDocuments(pages, volume.volumeType), unreadPages: unread };
}
