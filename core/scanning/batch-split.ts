// Splitting a scanning batch into volumes: a page carrying our QR volume label, or a Patch-T sheet,
// starts the next volume. Separator pages stay in the batch (kept for the record) but belong to no
// document: they are listed apart from the content pages of their segment.

export interface SplitPage {
  readonly id: number;
  /** Payload of our volume label found on the page, if any. */
  readonly label: string | null;
  readonly patchT: boolean;
}

export interface BatchSegment {
  /** The label that opened this segment; null for pages before any label (or opened by Patch-T only). */
  readonly label: string | null;
  /** Label and Patch-T pages of this segment: kept, excluded from documents. */
  readonly separators: readonly number[];
  /** The content pages, in order. */
  readonly pages: readonly number[];
}

/** Segments of a batch, in scan order. Empty segments (two separators in a row) are dropped. */
export function splitBatch(pages: readonly SplitPage[]): BatchSegment[] {
  const out: { label: string | null; separators: number[]; pages: number[] }[] = [];
  let current: { label: string | null; separators: number[]; pages: number[] } | null = null;
  for (const p of pages) {
    if (p.label !== null || p.patchT) {
      // A label right after a Patch-T sheet names the segment the sheet opened.
      if (current && current.pages.length === 0) {
        current.separators.push(p.id);
        current.label ??= p.label;
        continue;
      }
      current = { label: p.label, separators: [p.id], pages: [] };
      out.push(current);
      continue;
    }
    if (!current) {
      current = { label: null, separators: [], pages: [] };
      out.push(current);
    }
    current.pages.push(p.id);
  }
  return out.filter((s) => s.pages.length > 0 || s.label !== null);
}
