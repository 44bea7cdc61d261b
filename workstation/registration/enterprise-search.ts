import { checkCode } from '../../core/codes';
import { bigrams, dice, subsequenceShare } from '../../core/similarity';
import type { Enterprise, Repos } from '../../db/repos';

export type MatchKind = 'code' | 'prefix' | 'contains' | 'fuzzy';

export interface EnterpriseMatch {
  readonly enterprise: Enterprise;
  readonly match: MatchKind;
  /** 1 for a code or exact name; the name similarity (Dice over character pairs) otherwise. */
  readonly score: number;
}

/** Below this similarity a fuzzy hit is noise (half of a short name in common says little). */
const FUZZY_FLOOR = 0.6;
/** Words every enterprise name has: they say nothing about which enterprise is meant. */
const COMMON = /有限责任公司|股份有限公司|有限公司|公司|分公司|个体工商户/gu;

/**
 * Finds enterprises by what the operator typed: a USCC or 注册号 (validated by core; an exact, merge-
 * following lookup), or a name — prefix matches, then names containing it, then similar names (a wrong
 * or missing character), best first.
 */
export function findEnterprises(repos: Repos, query: string, limit = 20): EnterpriseMatch[] {
  const q = query.trim();
  if (q === '') return [];
  const code = checkCode(q);
  if (code.kind !== 'unknown') {
    const hit = repos.enterprises.findByCode(code.normalized);
    return hit ? [{ enterprise: hit, match: 'code', score: 1 }] : [];
  }
  const seen = new Set<number>();
  const out: EnterpriseMatch[] = [];
  for (const e of repos.enterprises.searchByName(q, limit)) {
    seen.add(e.id);
    out.push({ enterprise: e, match: e.name.startsWith(q) ? 'prefix' : 'contains', score: dice(q, e.name) });
  }
  if (out.length < limit) {
    const grams = bigrams(distinctive(q));
    const fuzzy = repos.enterprises
      .searchByGrams(grams)
      .filter((e) => !seen.has(e.id))
      .map((e) => ({ enterprise: e, match: 'fuzzy' as const, score: fuzzyScore(q, e.name) }))
      .filter((m) => m.score >= FUZZY_FLOOR)
      .sort((a, b) => b.score - a.score || a.enterprise.id - b.enterprise.id);
    out.push(...fuzzy.slice(0, limit - out.length));
  }
  return out;
}

/** The part of a name that tells enterprises apart. */
function distinctive(name: string): string {
  const d = name.replace(COMMON, '');
  return d === '' ? name : d;
}

/**
 * Similarity of a typed name to a stored one: the better of Dice over the whole names and the share of
 * the query's distinctive characters found in order in the stored name's (a partial name with a typo).
 */
function fuzzyScore(query: string, name: string): number {
  const q = distinctive(query);
  const share = Array.from(q).length >= 3 ? subsequenceShare(q, distinctive(name)) : 0;
  return Math.max(dice(query, name), share);
}
