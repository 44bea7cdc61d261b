import { foldOcrCode } from '../../core/verification/codes-in-text';

export type MatchKind = 'uscc' | 'regno' | 'name';

/** What to look for on a page: the enterprise's codes and name (null: not known). */
export interface Wanted {
  readonly uscc: string | null;
  readonly regNo: string | null;
  readonly name: string;
}

/**
 * Which words of one OCR line belong to the enterprise's code or name, so that the screen can
 * highlight what the machine check found. Codes are compared with OCR confusions folded (I→1, O→0 …)
 * and one inserted character allowed, as the check itself does (core/verification/codes-in-text).
 * The name is found whole, else its longest run of at least 4 characters (OCR often breaks a seal or a
 * tight letterspacing inside a name).
 */
export function matchWords(words: readonly string[], wanted: Wanted): (MatchKind | null)[] {
  const marks = words.map((): MatchKind | null => null);
  // Character stream of the line with the word each character came from.
  const chars: { ch: string; word: number }[] = [];
  words.forEach((w, i) => {
    for (const ch of w) chars.push({ ch, word: i });
  });
  const mark = (from: number[], kind: MatchKind) => {
    for (const i of from) {
      const w = chars[i]?.word;
      if (w !== undefined && marks[w] === null) marks[w] = kind;
    }
  };

  const codeChars = chars.map((c, i) => ({ f: foldOcrCode(c.ch), i })).filter((c) => /^[0-9A-Z]$/u.test(c.f));
  const folded = codeChars.map((c) => c.f).join('');
  const findCode = (code: string | null, kind: MatchKind) => {
    if (code === null || code.length === 0) return;
    const at = folded.indexOf(code);
    if (at >= 0) {
      mark(
        codeChars.slice(at, at + code.length).map((c) => c.i),
        kind,
      );
      return;
    }
    for (let i = 0; i + code.length + 1 <= folded.length; i++) {
      const window = folded.slice(i, i + code.length + 1);
      for (let d = 0; d < window.length; d++) {
        if (window.slice(0, d) + window.slice(d + 1) === code) {
          mark(
            codeChars.slice(i, i + code.length + 1).map((c) => c.i),
            kind,
          );
          return;
        }
      }
    }
  };
  findCode(wanted.uscc, 'uscc');
  findCode(wanted.regNo, 'regno');

  const line = chars.map((c) => c.ch).join('');
  const name = Array.from(wanted.name.replace(/\s+/gu, ''));
  const [at, length] = longestCommonRun(Array.from(line), name);
  if (length >= Math.min(4, name.length) && length > 0) {
    mark(
      Array.from({ length }, (_, k) => at + k),
      'name',
    );
  }
  return marks;
}

/** Start (in `a`) and length of the longest run of characters `a` and `b` share. */
function longestCommonRun(a: readonly string[], b: readonly string[]): [number, number] {
  let best: [number, number] = [0, 0];
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        const n = (prev[j - 1] ?? 0) + 1;
        cur[j] = n;
        if (n > best[1]) best = [i - n, n];
      }
    }
    prev = cur;
  }
  return best;
}
