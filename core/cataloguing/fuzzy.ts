/**
 * Approximate matching for OCR text: a keyword or name found in a line despite a misread, missing or
 * extra character (决议 read as 讲议, 营业执照 with a stray quote inside). Hand-written because it is the
 * textbook semi-global edit distance (Sellers) over a few dozen characters — no library needed.
 */

export interface ApproxMatch {
  /** Code-point offsets of the matched span in the text. */
  readonly start: number;
  readonly end: number;
  /** Substitutions, insertions and deletions needed. */
  readonly edits: number;
}

/** Edits a keyword of this length may need and still count (a 4-character keyword: one). */
export function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 7) return 1;
  if (length <= 11) return 2;
  return 3;
}

/**
 * The span of `text` closest to `needle` (fewest edits, then the longest span), if it needs at most
 * `maxEdits`. Both are arrays of code points (CJK text is compared character by character).
 */
export function approxFind(
  needle: readonly string[],
  text: readonly string[],
  maxEdits: number,
): ApproxMatch | null {
  const m = needle.length;
  if (m === 0) return null;
  // prev[j] = edits to match needle[0..i) ending at text position j; start[j] = where that match began.
  let prev = new Array<number>(text.length + 1).fill(0);
  let prevStart = Array.from({ length: text.length + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(text.length + 1);
    const curStart = new Array<number>(text.length + 1);
    cur[0] = i;
    curStart[0] = 0;
    for (let j = 1; j <= text.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (needle[i - 1] === text[j - 1] ? 0 : 1);
      const del = (prev[j] ?? 0) + 1; // a needle character missing from the text
      const ins = (cur[j - 1] ?? 0) + 1; // an extra character in the text
      if (sub <= del && sub <= ins) {
        cur[j] = sub;
        curStart[j] = prevStart[j - 1] ?? 0;
      } else if (del <= ins) {
        cur[j] = del;
        curStart[j] = prevStart[j] ?? 0;
      } else {
        cur[j] = ins;
        curStart[j] = curStart[j - 1] ?? 0;
      }
    }
    prev = cur;
    prevStart = curStart;
  }
  let best: ApproxMatch | null = null;
  for (let j = 1; j <= text.length; j++) {
    const edits = prev[j] ?? m;
    if (edits > maxEdits) continue;
    const start = prevStart[j] ?? 0;
    if (best === null || edits < best.edits || (edits === best.edits && j - start > best.end - best.start)) {
      best = { start, end: j, edits };
    }
  }
  return best;
}
