import type { DocumentDraftView, SuggestedDocumentView } from '../../../core/contracts/api-cataloguing';

/**
 * Editing a volume's document list as the keyboard does it. Pure functions over the draft: the engine
 * validates every draft against core's rules (catalogue.validate), so these only keep the list sorted
 * and contiguous where the operator's intent is plain.
 */

export type Draft = readonly DocumentDraftView[];

/** The document (index) holding page `seq`, or -1. */
export function documentAt(draft: Draft, seq: number): number {
  return draft.findIndex((d) => d.firstPage <= seq && seq <= d.lastPage);
}

function blank(first: number, last: number, date: string | null): DocumentDraftView {
  return { typeCode: '', title: '', docDate: date, responsible: null, firstPage: first, lastPage: last };
}

/**
 * B: a document starts at page `seq`. Inside a document, splits it there (the new one runs to the old
 * end); on a page no document holds, the new one runs to the page before the next document (or the
 * last page). Returns the new draft and the new document's index.
 */
export function startAt(
  draft: Draft,
  seq: number,
  pageCount: number,
  defaultDate: string | null,
): { draft: DocumentDraftView[]; index: number } {
  const at = documentAt(draft, seq);
  const docs = [...draft];
  if (at >= 0) {
    const d = docs[at];
    if (d === undefined || d.firstPage === seq) return { draft: docs, index: at };
    docs.splice(at, 1, { ...d, lastPage: seq - 1 }, blank(seq, d.lastPage, defaultDate));
    return { draft: docs, index: at + 1 };
  }
  const next = docs.find((d) => d.firstPage > seq);
  const created = blank(seq, next === undefined ? pageCount : next.firstPage - 1, defaultDate);
  const sorted = [...docs, created].sort((a, b) => a.firstPage - b.firstPage);
  return { draft: sorted, index: sorted.indexOf(created) };
}

/** X: the document at `index` joins the one before it (its boundary is removed). */
export function mergeIntoPrevious(draft: Draft, index: number): DocumentDraftView[] {
  const docs = [...draft];
  const d = docs[index];
  const prev = docs[index - 1];
  if (d === undefined) return docs;
  if (prev === undefined) {
    docs.splice(index, 1);
    return docs;
  }
  docs.splice(index - 1, 2, { ...prev, lastPage: Math.max(prev.lastPage, d.lastPage) });
  return docs;
}

export function update(draft: Draft, index: number, patch: Partial<DocumentDraftView>): DocumentDraftView[] {
  return draft.map((d, i) => (i === index ? { ...d, ...patch } : d));
}

/** Is this suggestion already what the draft says (same start and type)? */
export function isAccepted(draft: Draft, s: SuggestedDocumentView): boolean {
  return draft.some((d) => d.firstPage === s.firstPage && d.typeCode === s.typeCode);
}

/**
 * Enter: takes one suggestion. A document starts at its first page with its type and title (what
 * the operator already typed there — date, 责任者 — is kept), and runs to the suggestion's end unless
 * another document starts earlier.
 */
export function acceptOne(
  draft: Draft,
  s: SuggestedDocumentView,
  pageCount: number,
  defaultDate: string | null,
): { draft: DocumentDraftView[]; index: number } {
  const started = startAt(draft, s.firstPage, pageCount, defaultDate);
  const docs = started.draft;
  const d = docs[started.index];
  if (d === undefined) return started;
  const next = docs[started.index + 1];
  const end =
    next === undefined
      ? Math.max(d.lastPage, s.lastPage)
      : Math.min(next.firstPage - 1, Math.max(d.lastPage, s.lastPage));
  docs[started.index] = {
    ...d,
    typeCode: s.typeCode,
    title: d.title.trim() === '' || d.typeCode !== s.typeCode ? s.title : d.title,
    // The date read off the document beats the registration date the new document started with; a
    // date the operator typed is kept.
    docDate: d.docDate !== null && d.docDate !== defaultDate ? d.docDate : (s.docDate ?? d.docDate),
    responsible: d.responsible ?? s.responsible ?? null,
    lastPage: end,
  };
  return { draft: docs, index: started.index };
}

/**
 * A: the suggested documents become the draft, with the dates and 责任者 read off the pages. A document
 * the operator already described at the same first page keeps its date and 责任者 (and its title when
 * the type is unchanged).
 */
export function acceptAll(
  draft: Draft,
  suggestions: readonly SuggestedDocumentView[],
  defaultDate: string | null,
): DocumentDraftView[] {
  return suggestions.map((s) => {
    const old = draft.find((d) => d.firstPage === s.firstPage);
    return {
      typeCode: s.typeCode,
      title:
        old !== undefined && old.typeCode === s.typeCode && old.title.trim() !== '' ? old.title : s.title,
      docDate: old?.docDate ?? s.docDate ?? defaultDate,
      responsible: old?.responsible ?? s.responsible ?? null,
      firstPage: s.firstPage,
      lastPage: s.lastPage,
    };
  });
}

/** The suggestion that starts at `seq`, else the one covering it. */
export function suggestionAt(
  suggestions: readonly SuggestedDocumentView[],
  seq: number,
): SuggestedDocumentView | undefined {
  return (
    suggestions.find((s) => s.firstPage === seq) ??
    suggestions.find((s) => s.firstPage <= seq && seq <= s.lastPage)
  );
}

export function sameDraft(a: Draft, b: Draft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
