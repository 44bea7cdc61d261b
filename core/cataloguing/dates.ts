/**
 * Dates printed on a document, found in its OCR text: 2026年3月5日 (tesseract spaces the digits: 2026 年
 * 3 月 5 日), 二〇二六年三月五日, 2026-03-05 / 2026.03.05 / 2026/3/5. The document's own date is told
 * from the others on the page by context: a birth date (出生), a validity or term (有效期限, 营业期限 …
 * 至 …), a capital contribution deadline (出资时间) or a date after the volume's registration are not it;
 * a labelled date (申请日期, 成立日期, 会议时间) or one standing alone on its line (the date under a
 * signature) is.
 */

export interface DateLine {
  readonly text: string;
}

export interface FoundDate {
  /** YYYYMMDD. */
  readonly date: string;
  /** The text as read. */
  readonly text: string;
  /** Index of the page (in the order given) and line it was read on. */
  readonly page: number;
  readonly line: number;
  readonly score: number;
}

const CN_DIGITS: Readonly<Record<string, number>> = {
  〇: 0,
  '○': 0,
  零: 0,
  O: 0,
  o: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 三 → 3, 十二 → 12, 二十 → 20, 三十一 → 31. */
function cnSmall(s: string): number | null {
  if (s === '十') return 10;
  const [a, b] = s.split('十') as [string, string | undefined];
  if (b === undefined) return s.length === 1 ? (CN_DIGITS[s] ?? null) : null;
  const tens = a === '' ? 1 : (CN_DIGITS[a] ?? null);
  const ones = b === '' ? 0 : (CN_DIGITS[b] ?? null);
  return tens === null || ones === null ? null : tens * 10 + ones;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1949 || m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= (days[m - 1] ?? 0);
}

function ymd(y: number, m: number, d: number): string {
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

const PATTERNS: readonly { re: RegExp; parse: (g: readonly string[]) => [number, number, number] | null }[] =
  [
    {
      re: /(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日曰号]?(?!\d)/gu,
      parse: (g) => [Number(g[1]), Number(g[2]), Number(g[3])],
    },
    {
      re: /(?<!\d)(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)/gu,
      parse: (g) => [Number(g[1]), Number(g[2]), Number(g[3])],
    },
    {
      re: /([〇○零一二三四五六七八九Oo]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日/gu,
      parse: (g) => {
        const year = Array.from(g[1] ?? '').reduce<number | null>((n, c) => {
          const v = CN_DIGITS[c];
          return n === null || v === undefined ? null : n * 10 + v;
        }, 0);
        const month = cnSmall(g[2] ?? '');
        const day = cnSmall(g[3] ?? '');
        return year === null || month === null || day === null ? null : [year, month, day];
      },
    },
  ];

/** Context before a date that says it is not the document's date. */
const NOT_BEFORE = /(出生|生日|有效期|期限|出资时间|出资日期|缴付|认缴|届满|至|到|[-—~－])\s*[:：]?\s*$/u;
/** …and after it (the start of a range). */
const NOT_AFTER = /^\s*(至|到|起至|—|-|~|－)/u;
/** Labels of a document's own date. */
const LABELLED = /(申请日期|成立日期|签署日期|签发日期|决议日期|会议时间|落款日期|日期|时间)\s*[:：]?\s*$/u;

/** Every date in the lines with its score (higher: more likely the document's own). */
export function findDates(
  pages: readonly (readonly DateLine[])[],
  options: { readonly notAfter?: string | null } = {},
): FoundDate[] {
  const found: FoundDate[] = [];
  pages.forEach((lines, page) => {
    lines.forEach((l, line) => {
      for (const { re, parse } of PATTERNS) {
        for (const m of l.text.matchAll(re)) {
          const parts = parse(m);
          if (parts === null || !isRealDate(...parts)) continue;
          const date = ymd(...parts);
          if ((options.notAfter ?? null) !== null && date > (options.notAfter ?? '')) continue;
          const before = l.text.slice(Math.max(0, m.index - 10), m.index);
          const after = l.text.slice(m.index + m[0].length);
          if (NOT_BEFORE.test(before) || NOT_AFTER.test(after)) continue;
          const rest = (before.slice(-10) + after).replace(/[\s\p{P}\p{S}_]/gu, '');
          let score = 1;
          if (LABELLED.test(before)) score += 2;
          if (
            l.text.replace(m[0], '').replace(/[\s\p{P}\p{S}_A-Za-z]/gu, '').length <= 2 ||
            rest.length <= 2
          ) {
            score += 2; // alone on its line: the date under a signature or a seal
          }
          found.push({ date, text: m[0].trim(), page, line, score });
        }
      }
    });
  });
  return found;
}

/**
 * The document's date: the best-scored date of its pages; a date read several times (the application's
 * date repeated under the signature) gains weight. Null when none is printed (or none is readable).
 */
export function documentDate(
  pages: readonly (readonly DateLine[])[],
  options: { readonly notAfter?: string | null } = {},
): FoundDate | null {
  const all = findDates(pages, options);
  const count = new Map<string, number>();
  for (const f of all) count.set(f.date, (count.get(f.date) ?? 0) + 1);
  let best: FoundDate | null = null;
  let bestScore = -1;
  for (const f of all) {
    const s = f.score + ((count.get(f.date) ?? 1) - 1);
    if (s > bestScore) {
      best = f;
      bestScore = s;
    }
  }
  return best;
}
