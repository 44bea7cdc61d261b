/**
 * Similarity of short Chinese strings (enterprise names, titles) that tolerates a wrong, missing or
 * extra character — typing slips and OCR errors — where an exact or substring match would fail.
 */

/** Folds what does not distinguish two names: width of ASCII and parentheses, whitespace, case. */
export function foldForMatch(s: string): string {
  return s
    .normalize('NFKC') // full-width ASCII and parentheses → half-width
    .replace(/[\s\u3000]+/gu, '')
    .toLowerCase();
}

/** Overlapping character pairs (a one-character string gives itself). */
export function bigrams(s: string): string[] {
  const chars = Array.from(foldForMatch(s));
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  return out;
}

/** Sørensen–Dice coefficient over character pairs (multiset): 1 for equal folded strings, 0 for nothing shared. */
export function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length === 0 && y.length === 0) return 1;
  if (x.length === 0 || y.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const g of y) counts.set(g, (counts.get(g) ?? 0) + 1);
  let shared = 0;
  for (const g of x) {
    const n = counts.get(g) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(g, n - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

/**
 * How much of `needle` appears in `haystack`: the share of the needle's character pairs found there.
 * Used to find a name inside a page of OCR text, where Dice would be diluted by the rest of the page.
 */
export function coverage(needle: string, haystack: string): number {
  const x = bigrams(needle);
  if (x.length === 0) return 0;
  const hay = foldForMatch(haystack);
  return x.filter((g) => hay.includes(g)).length / x.length;
}

/**
 * Share of `query`'s characters found in `name` in the same order (longest common subsequence over the
 * query's length): a typed name with a wrong or missing character still scores high.
 */
export function subsequenceShare(query: string, name: string): number {
  const a = Array.from(foldForMatch(query));
  const b = Array.from(foldForMatch(name));
  if (a.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const ca of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = ca === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, row[j - 1] ?? 0);
    }
    prev = row;
  }
  return (prev[b.length] ?? 0) / a.length;
}
