import type { CatalogueIssueView } from '../../../core/contracts/api-cataloguing';

const UNCATALOGUED = 'catalogue.page-uncatalogued';

/** 1,2,3,5,7,8 → "1–3、5、7–8" (zh) / "1–3, 5, 7–8" (en). */
export function pageRanges(pages: readonly number[], separator: string): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] ?? 0;
    let last = first;
    while (sorted[i + 1] === last + 1) last = sorted[++i] ?? last;
    parts.push(first === last ? String(first) : `${first}–${last}`);
    i++;
  }
  return parts.join(separator);
}

/**
 * The rule findings as a person reads them: the engine reports each page outside every document on its
 * own (the page strip marks each), but a list of ten such lines before any document exists says one
 * thing — these pages are not catalogued yet — so they become one line with page ranges, where the first
 * of them stood, pointing at the first page.
 */
export function groupIssues(issues: readonly CatalogueIssueView[]): CatalogueIssueView[] {
  const loose = issues.filter((x) => x.code === UNCATALOGUED && x.page !== undefined);
  if (loose.length < 2) return [...issues];
  const pages = loose.map((x) => x.page ?? 0);
  const zh = pageRanges(pages, '、');
  const en = pageRanges(pages, ', ');
  const grouped: CatalogueIssueView = {
    code: UNCATALOGUED,
    severity: 'error',
    page: Math.min(...pages),
    message: {
      zh: `第 ${zh} 页（共 ${pages.length} 页）不属于任何一件`,
      en: `Pages ${en} (${pages.length}) belong to no document`,
    },
  };
  const first = issues.indexOf(loose[0] as CatalogueIssueView);
  const rest = issues.filter((x) => !loose.includes(x));
  return [...rest.slice(0, first), grouped, ...rest.slice(first)];
}
