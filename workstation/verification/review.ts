import type { Database } from 'better-sqlite3';
import type { Json } from '../../core/canonical-json';
import { isContentPage } from '../../core/cataloguing/rules';
import { DomainError } from '../../core/errors';
import { normalizeField } from '../../core/normalize';
import { text } from '../../core/text';
import {
  checkSamplingRule,
  DEFAULT_SAMPLING,
  qaReason,
  samplePages,
  type SamplingRule,
} from '../../core/verification/review-rules';
import type { Actor, Repos, Volume } from '../../db/repos';
import { FormReadingsRepo } from '../../db/repos/form-readings';
import type { PageOcrRepo } from '../../db/repos/page-ocr';
import type { QaDecision, QaReview, QaReviewsRepo, TargetKind } from '../../db/repos/qa-reviews';
import { machineCheckVolume, type MachineReport } from './machine';
import type { NearDuplicateFinder } from './near-duplicates';

export interface ReviewTarget {
  readonly kind: TargetKind;
  /** Page position, or document position in the catalogue. */
  readonly seq: number;
}

export interface ReviewView {
  readonly review: QaReview;
  /** What must be decided: every document (catalogue-to-image 100 %) and the sampled pages. */
  readonly targets: readonly ReviewTarget[];
  readonly decisions: readonly QaDecision[];
  readonly machine: MachineReport;
}

const NOTE = { name: 'note', label: text('说明', 'Note'), maxLength: 2000, kind: 'multiline' } as const;

function qaError(code: string, zh: string, en: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, text(zh, en), details);
}

/**
 * Review by QA staff (图文校核): a queue of catalogued volumes, a review per volume with the sample the
 * rule draws, a decision per target — pass, or a problem with a reason from QA_REASONS and free text —
 * and the outcome: all passed → verified, any problem → rejected with the reasons. Every step is
 * audited; nobody reviews a volume they scanned or catalogued.
 */
export class ReviewService {
  private readonly rule: SamplingRule;

  constructor(
    private readonly db: Database,
    private readonly repos: Repos,
    private readonly reviews: QaReviewsRepo,
    private readonly ocr: PageOcrRepo,
    rule: SamplingRule = DEFAULT_SAMPLING,
    /** Near-duplicate pages as cached (run its `prepare(volumeId)` before `start`/`view` to fill it). */
    private readonly nearDuplicates?: NearDuplicateFinder,
  ) {
    this.rule = checkSamplingRule(rule);
  }

  /** Catalogued volumes waiting for QA that `actor` may review (not ones they produced), oldest first. */
  queue(actor: Actor, limit = 100): Volume[] {
    return this.repos.volumes.listByState(['catalogued'], limit).filter((v) => !this.produced(v.id, actor));
  }

  /** Opens (or resumes) the review of a volume. */
  start(volumeId: number, actor: Actor): ReviewView {
    this.assertMayReview(volumeId, actor); // outside the transaction: a refusal stays in the audit log
    const id = this.db
      .transaction(() => {
        const existing = this.reviews.openReview(volumeId);
        if (existing !== null) return existing.id;
        const content = this.repos.pages
          .list(volumeId)
          .filter(isContentPage)
          .map((p) => p.seq);
        const sample = samplePages(
          content,
          this.rule,
          volumeId * 7919 + this.reviews.history(volumeId).length,
        );
        const review = this.reviews.start(volumeId, { ...this.rule }, sample, actor);
        this.audit(actor, 'qa.review-start', volumeId, {
          reviewId: review.id,
          sample,
          rule: { ...this.rule },
        });
        return review.id;
      })
      .immediate();
    return this.view(id);
  }

  view(reviewId: number): ReviewView {
    const review = this.getReview(reviewId);
    const documents = this.repos.documents.list(review.volumeId);
    return {
      review,
      targets: [
        ...documents.map((d) => ({ kind: 'document' as const, seq: d.seq })),
        ...review.samplePages.map((seq) => ({ kind: 'page' as const, seq })),
      ],
      decisions: this.reviews.decisions(reviewId),
      machine: machineCheckVolume(this.repos, this.ocr, review.volumeId, {
        forms: new FormReadingsRepo(this.db),
        ...(this.nearDuplicates === undefined ? {} : { nearDuplicates: this.nearDuplicates }),
      }),
    };
  }

  /** Records a decision on one target (a later decision on the same target replaces it; both are audited). */
  decide(
    reviewId: number,
    target: ReviewTarget,
    verdict: { pass: true } | { pass: false; reason: string; note?: string },
    actor: Actor,
  ): QaDecision {
    this.assertMayReview(this.getReview(reviewId).volumeId, actor);
    return this.db
      .transaction(() => {
        const review = this.openReview(reviewId);
        const view = this.view(reviewId);
        if (!view.targets.some((t) => t.kind === target.kind && t.seq === target.seq)) {
          throw qaError(
            'qa.not-a-target',
            `第 ${target.seq} ${target.kind === 'page' ? '页' : '件'}不在本次校核范围内`,
            `${target.kind === 'page' ? 'Page' : 'Document'} ${target.seq} is not part of this review`,
            { target },
          );
        }
        let reasonCode: string | null = null;
        let note: string | null = null;
        if (!verdict.pass) {
          if (qaReason(verdict.reason) === undefined) {
            throw qaError(
              'qa.unknown-reason',
              `未知的问题类型：${verdict.reason}`,
              `Unknown problem reason: ${verdict.reason}`,
              { reason: verdict.reason },
            );
          }
          reasonCode = verdict.reason;
          const n = verdict.note === undefined ? '' : normalizeField(NOTE, verdict.note);
          if (reasonCode === 'other' && n === '') {
            throw qaError(
              'qa.note-required',
              '选择“其他”时须填写说明',
              'A note is required with the reason "other"',
            );
          }
          note = n === '' ? null : n;
        }
        const decision = this.reviews.decide(
          {
            reviewId,
            targetKind: target.kind,
            targetSeq: target.seq,
            verdict: verdict.pass ? 'pass' : 'problem',
            reasonCode,
            note,
          },
          actor,
        );
        this.audit(actor, 'qa.decision', review.volumeId, {
          reviewId,
          target: target.kind,
          seq: target.seq,
          verdict: decision.verdict,
          reason: reasonCode,
          note,
        });
        return decision;
      })
      .immediate();
  }

  /**
   * Ends the review: any problem → the volume is rejected with the reasons; every target passed and no
   * machine check failed → verified. Undecided targets refuse (`qa.incomplete`).
   */
  finish(reviewId: number, actor: Actor): { outcome: 'verified' | 'rejected'; problems: QaDecision[] } {
    this.assertMayReview(this.getReview(reviewId).volumeId, actor);
    return this.db
      .transaction(() => {
        const review = this.openReview(reviewId);
        const view = this.view(reviewId);
        const problems = view.decisions.filter((d) => d.verdict === 'problem');
        const decided = new Set(view.decisions.map((d) => `${d.targetKind}:${d.targetSeq}`));
        const open = view.targets.filter((t) => !decided.has(`${t.kind}:${t.seq}`));
        if (problems.length === 0 && open.length > 0) {
          throw qaError(
            'qa.incomplete',
            `还有 ${open.length} 项未校核`,
            `${open.length} item(s) not yet reviewed`,
            { open },
          );
        }
        const failedChecks = view.machine.checks.filter((c) => c.status === 'fail');
        if (problems.length === 0 && failedChecks.length > 0) {
          throw qaError(
            'qa.machine-failed',
            `机检未通过（${failedChecks.map((c) => c.name.zh).join('、')}），不能校核通过；请退回`,
            `Machine checks failed (${failedChecks.map((c) => c.name.en).join(', ')}); the volume cannot pass — reject it`,
            { checks: failedChecks.map((c) => c.id) },
          );
        }
        const outcome: 'verified' | 'rejected' = problems.length > 0 ? 'rejected' : 'verified';
        this.repos.volumes.transition(review.volumeId, outcome, actor, { expectedState: 'catalogued' });
        if (!this.reviews.finish(reviewId, outcome === 'verified' ? 'passed' : 'rejected')) {
          throw qaError('qa.review-closed', '本次校核已结束', 'This review is already closed', { reviewId });
        }
        this.audit(actor, 'qa.review-finish', review.volumeId, {
          reviewId,
          outcome,
          problems: problems.map((p) => ({
            target: p.targetKind,
            seq: p.targetSeq,
            reason: p.reasonCode,
            note: p.note,
          })),
        });
        return { outcome, problems };
      })
      .immediate();
  }

  private getReview(reviewId: number): QaReview {
    const review = this.reviews.get(reviewId);
    if (review === null)
      throw qaError('qa.not-found', `校核记录不存在：${reviewId}`, `No such review: ${reviewId}`, {
        reviewId,
      });
    return review;
  }

  private openReview(reviewId: number): QaReview {
    const review = this.getReview(reviewId);
    if (review.state !== 'open')
      throw qaError('qa.review-closed', '本次校核已结束', 'This review is already closed', { reviewId });
    return review;
  }

  private produced(volumeId: number, actor: Actor): boolean {
    const { userIds, usernames } = this.reviews.producersOf(volumeId);
    return (
      (actor.userId !== null && userIds.has(actor.userId)) ||
      (actor.username !== null && usernames.has(actor.username))
    );
  }

  private assertMayReview(volumeId: number, actor: Actor): void {
    const volume = this.repos.volumes.get(volumeId);
    if (actor.role !== 'qa') {
      this.audit(actor, 'qa.review-denied', volumeId, { why: 'role', role: actor.role ?? null }, 'denied');
      throw qaError('qa.role', '只有质检员可以校核', 'Only QA staff may review');
    }
    if (this.produced(volumeId, actor)) {
      this.audit(actor, 'qa.review-denied', volumeId, { why: 'own-work' }, 'denied');
      throw qaError(
        'qa.own-work',
        '不能校核自己扫描或著录的案卷',
        'Nobody may review a volume they scanned or catalogued',
        { volumeId },
      );
    }
    if (volume.state !== 'catalogued') {
      throw qaError(
        'qa.not-catalogued',
        `案卷当前状态不能校核：${volume.state}`,
        `The volume is not waiting for review (state ${volume.state})`,
        { state: volume.state },
      );
    }
  }

  private audit(
    actor: Actor,
    action: string,
    volumeId: number,
    details: Record<string, Json>,
    outcome: 'ok' | 'denied' = 'ok',
  ): void {
    this.repos.audit.append({
      userId: actor.userId,
      username: actor.username,
      action,
      objectType: 'volume',
      objectId: volumeId,
      outcome,
      details,
    });
  }
}
