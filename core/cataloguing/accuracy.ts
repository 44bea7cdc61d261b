/** A document range with its type: the truth of a demo volume, or a suggestion. */
export interface TypedRange {
  readonly typeCode: string;
  readonly firstPage: number;
  readonly lastPage: number;
}

export interface SuggestionAccuracy {
  /** Documents in the truth. */
  readonly documents: number;
  /** Share of true document starts that were proposed. */
  readonly boundaryRecall: number;
  /** Share of proposed starts that are true starts. */
  readonly boundaryPrecision: number;
  /** Share of true documents proposed exactly: same first and last page, same type. */
  readonly documentsExact: number;
  /** Share of catalogued pages whose proposed document has the right type. */
  readonly pageTypeAccuracy: number;
}

/** How well suggestions match the truth (pages outside every true document are not scored). */
export function scoreSuggestions(
  truth: readonly TypedRange[],
  suggested: readonly TypedRange[],
): SuggestionAccuracy {
  const trueStarts = new Set(truth.map((d) => d.firstPage));
  const proposedStarts = new Set(suggested.map((d) => d.firstPage));
  const hits = [...proposedStarts].filter((s) => trueStarts.has(s)).length;
  const exact = truth.filter((t) =>
    suggested.some(
      (s) => s.firstPage === t.firstPage && s.lastPage === t.lastPage && s.typeCode === t.typeCode,
    ),
  ).length;
  let pages = 0;
  let rightType = 0;
  for (const t of truth) {
    for (let p = t.firstPage; p <= t.lastPage; p++) {
      pages++;
      const s = suggested.find((d) => d.firstPage <= p && p <= d.lastPage);
      if (s?.typeCode === t.typeCode) rightType++;
    }
  }
  const share = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    documents: truth.length,
    boundaryRecall: share(hits, trueStarts.size),
    boundaryPrecision: share(hits, proposedStarts.size),
    documentsExact: share(exact, truth.length),
    pageTypeAccuracy: share(rightType, pages),
  };
}

/** Pools several volumes' scores, weighting each by its documents (pages for the page share). */
export function poolAccuracy(scores: readonly SuggestionAccuracy[]): SuggestionAccuracy {
  const n = scores.reduce((s, x) => s + x.documents, 0);
  const avg = (f: (x: SuggestionAccuracy) => number) =>
    n === 0 ? 1 : scores.reduce((s, x) => s + f(x) * x.documents, 0) / n;
  return {
    documents: n,
    boundaryRecall: avg((x) => x.boundaryRecall),
    boundaryPrecision: avg((x) => x.boundaryPrecision),
    documentsExact: avg((x) => x.documentsExact),
    pageTypeAccuracy: avg((x) => x.pageTypeAccuracy),
  };
}
