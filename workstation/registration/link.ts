import { DomainError } from '../../core/errors';
import { bigrams, dice } from '../../core/similarity';
import { text } from '../../core/text';
import type { Actor, Enterprise, EnterpriseMerge, Repos } from '../../db/repos';

export interface LinkCandidate {
  readonly enterprise: Enterprise;
  /** Why it is proposed: same (former) name, a shared code alias, or a similar name. */
  readonly reasons: readonly ('name' | 'code' | 'similar-name')[];
  readonly score: number;
}

const SIMILAR = 0.75;

function notRegNoOnly(e: Enterprise): DomainError {
  return new DomainError(
    'enterprise.link-source',
    text(
      `记录 ${e.id}（${e.name}）已有统一社会信用代码，不需要关联`,
      `Record ${e.id} (${e.name}) already has a USCC; there is nothing to link`,
    ),
    { id: e.id },
  );
}

/**
 * USCC records that a 注册号-only record may be the same enterprise as: the repository's candidates
 * (same name or former name, a shared code) and records with a similar name, best first.
 */
export function linkCandidates(repos: Repos, enterpriseId: number): LinkCandidate[] {
  const self = repos.enterprises.get(enterpriseId);
  if (self.uscc !== null) throw notRegNoOnly(self);
  const found = new Map<number, LinkCandidate>();
  for (const c of repos.enterprises.mergeCandidates(enterpriseId)) {
    if (c.enterprise.uscc === null) continue;
    found.set(c.enterprise.id, { enterprise: c.enterprise, reasons: c.reasons, score: 1 });
  }
  const similar = repos.enterprises
    .searchByGrams(bigrams(self.name))
    .filter((e) => e.id !== self.id && e.uscc !== null && !found.has(e.id));
  for (const e of similar) {
    const score = dice(self.name, e.name);
    if (score >= SIMILAR) found.set(e.id, { enterprise: e, reasons: ['similar-name'], score });
  }
  return [...found.values()].sort((a, b) => b.score - a.score || a.enterprise.id - b.enterprise.id);
}

/** Records that the 注册号-only record `fromId` is the USCC record `intoId` (a merge, audited by the repository). */
export function linkToUscc(
  repos: Repos,
  fromId: number,
  intoId: number,
  reason: string,
  actor: Actor,
): EnterpriseMerge {
  const from = repos.enterprises.get(fromId);
  const into = repos.enterprises.get(intoId);
  if (from.uscc !== null) throw notRegNoOnly(from);
  if (into.uscc === null) {
    throw new DomainError(
      'enterprise.link-target',
      text(
        `记录 ${into.id}（${into.name}）没有统一社会信用代码，不能作为关联目标`,
        `Record ${into.id} (${into.name}) has no USCC and cannot be the target of a link`,
      ),
      { id: into.id },
    );
  }
  return repos.enterprises.merge(fromId, intoId, reason, actor);
}
