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

/** A document of a demo volume as printed: what a perfect suggestion would say. */
export interface TruthDocument extends TypedRange {
  readonly title: string;
  /** The date printed on the document (YYYYMMDD), or null when none is printed. */
  readonly docDate: string | null;
  /** The responsible party a cataloguer would enter, or null when it is not scored. */
  readonly responsible: string | null;
}

/** What is scored of a suggestion (fields a classifier without dates or 责任者 leaves out). */
export interface ScoredSuggestion extends TypedRange {
  readonly title: string;
  readonly docDate?: string | null | undefined;
  /** Where the date came from: a date read on the document, or a fallback. */
  readonly dateSource?: string | undefined;
  readonly responsible?: string | null | undefined;
}

/** Counts for the documents of one type. */
export interface TypeTally {
  readonly documents: number;
  /** Its first page was proposed as a document start. */
  readonly found: number;
  /** …with the right type. */
  readonly typed: number;
  /** Same first and last page and type. */
  readonly exact: number;
  /** The proposed title folds to the printed one. */
  readonly titled: number;
  /** The right date: the printed one, or — when none is printed — a date flagged as not read. */
  readonly dated: number;
  /** Documents whose responsible party is scored, and those proposed right. */
  readonly responsibleScored: number;
  readonly responsibleRight: number;
}

export interface CatalogueScore {
  readonly byType: Readonly<Record<string, TypeTally>>;
  readonly trueStarts: number;
  readonly proposedStarts: number;
  readonly correctStarts: number;
  readonly pages: number;
  readonly pagesRightType: number;
}

const EMPTY_TALLY: TypeTally = {
  documents: 0,
  found: 0,
  typed: 0,
  exact: 0,
  titled: 0,
  dated: 0,
  responsibleScored: 0,
  responsibleRight: 0,
};

function addTallies(a: TypeTally, b: TypeTally): TypeTally {
  const out: Record<string, number> = {};
  for (const k of Object.keys(EMPTY_TALLY) as (keyof TypeTally)[]) out[k] = a[k] + b[k];
  return out as unknown as TypeTally;
}

/**
 * Scores one volume's suggestions against its truth, per document type. `fold` makes titles and
 * responsible parties comparable (the classifier's title fold).
 */
export function scoreCatalogue(
  truth: readonly TruthDocument[],
  suggested: readonly ScoredSuggestion[],
  fold: (s: string) => string,
): CatalogueScore {
  const byType: Record<string, TypeTally> = {};
  const trueStarts = new Set(truth.map((d) => d.firstPage));
  const proposed = new Set(suggested.map((d) => d.firstPage));
  for (const t of truth) {
    const s = suggested.find((d) => d.firstPage === t.firstPage);
    const typed = s?.typeCode === t.typeCode;
    const dated =
      s !== undefined && (t.docDate === null ? s.dateSource !== 'document' : s.docDate === t.docDate);
    const one: TypeTally = {
      documents: 1,
      found: s === undefined ? 0 : 1,
      typed: typed ? 1 : 0,
      exact: typed && s.lastPage === t.lastPage ? 1 : 0,
      titled: s !== undefined && fold(s.title) === fold(t.title) ? 1 : 0,
      dated: dated ? 1 : 0,
      responsibleScored: t.responsible === null ? 0 : 1,
      responsibleRight:
        t.responsible !== null &&
        typeof s?.responsible === 'string' &&
        fold(s.responsible) === fold(t.responsible)
          ? 1
          : 0,
    };
    byType[t.typeCode] = addTallies(byType[t.typeCode] ?? EMPTY_TALLY, one);
  }
  let pages = 0;
  let pagesRightType = 0;
  for (const t of truth) {
    for (let p = t.firstPage; p <= t.lastPage; p++) {
      pages++;
      if (suggested.find((d) => d.firstPage <= p && p <= d.lastPage)?.typeCode === t.typeCode)
        pagesRightType++;
    }
  }
  return {
    byType,
    trueStarts: trueStarts.size,
    proposedStarts: proposed.size,
    correctStarts: [...proposed].filter((p) => trueStarts.has(p)).length,
    pages,
    pagesRightType,
  };
}

/** Adds up the scores of several volumes. */
export function addScores(scores: readonly CatalogueScore[]): CatalogueScore {
  const byType: Record<string, TypeTally> = {};
  for (const s of scores) {
    for (const [code, t] of Object.entries(s.byType))
      byType[code] = addTallies(byType[code] ?? EMPTY_TALLY, t);
  }
  const sum = (f: (s: CatalogueScore) => number) => scores.reduce((n, s) => n + f(s), 0);
  return {
    byType,
    trueStarts: sum((s) => s.trueStarts),
    proposedStarts: sum((s) => s.proposedStarts),
    correctStarts: sum((s) => s.correctStarts),
    pages: sum((s) => s.pages),
    pagesRightType: sum((s) => s.pagesRightType),
  };
}

export interface ScoreSummary {
  readonly documents: number;
  readonly boundary_precision: number;
  readonly boundary_recall: number;
  readonly boundary_f1: number;
  /** Share of documents proposed at their first page with the right type. */
  readonly type_accuracy: number;
  /** Share of documents proposed exactly (range and type). */
  readonly exact: number;
  readonly page_type_accuracy: number;
  readonly title_accuracy: number;
  readonly date_accuracy: number;
  /** Over the documents whose 责任者 is scored. */
  readonly responsible_accuracy: number;
}

/** The headline shares of a score (rounded to 3 places). */
export function summarize(score: CatalogueScore): ScoreSummary {
  const all = Object.values(score.byType).reduce(addTallies, EMPTY_TALLY);
  const r = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
  const precision = r(score.correctStarts, score.proposedStarts);
  const recall = r(score.correctStarts, score.trueStarts);
  return {
    documents: all.documents,
    boundary_precision: precision,
    boundary_recall: recall,
    boundary_f1:
      precision + recall === 0
        ? 0
        : Math.round(((2 * precision * recall) / (precision + recall)) * 1000) / 1000,
    type_accuracy: r(all.typed, all.documents),
    exact: r(all.exact, all.documents),
    page_type_accuracy: r(score.pagesRightType, score.pages),
    title_accuracy: r(all.titled, all.documents),
    date_accuracy: r(all.dated, all.documents),
    responsible_accuracy: r(all.responsibleRight, all.responsibleScored),
  };
}
