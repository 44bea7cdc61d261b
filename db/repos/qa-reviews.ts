import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson, type Json } from '../../core/canonical-json';
import { systemClock, type Actor, type Clock } from './actor';

export type ReviewState = 'open' | 'passed' | 'rejected' | 'abandoned';
export type TargetKind = 'page' | 'document';

export interface QaReview {
  readonly id: number;
  readonly volumeId: number;
  readonly state: ReviewState;
  readonly rule: Json;
  readonly samplePages: readonly number[];
  readonly reviewerId: number | null;
  readonly reviewer: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface QaDecision {
  readonly reviewId: number;
  readonly targetKind: TargetKind;
  readonly targetSeq: number;
  readonly verdict: 'pass' | 'problem';
  readonly reasonCode: string | null;
  readonly note: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string;
}

interface ReviewRow {
  id: number;
  volume_id: number;
  state: ReviewState;
  rule: string;
  sample_pages: string;
  reviewer_id: number | null;
  reviewer: string | null;
  started_at: string;
  finished_at: string | null;
}

interface DecisionRow {
  review_id: number;
  target_kind: TargetKind;
  target_seq: number;
  verdict: 'pass' | 'problem';
  reason_code: string | null;
  note: string | null;
  decided_by_name: string | null;
  decided_at: string;
}

/** Actions by which a person produced a volume's images or catalogue (for separation of duties). */
const PRODUCING_ACTIONS = [
  'document.replace-all',
  'page.insert',
  'page.reorder',
  'page.delete',
  'volume.page-count-reason',
];
const PRODUCING_STATES = ['scanning', 'scanned', 'catalogued'];

/** QA reviews (图文校核) and their decisions. Rules live in workstation/verification; this only stores. */
export class QaReviewsRepo {
  private readonly insert: Statement<{
    volume_id: number;
    rule: string;
    sample: string;
    reviewer_id: number | null;
    reviewer: string | null;
    now: string;
  }>;
  private readonly byId: Statement<{ id: number }, ReviewRow>;
  private readonly openOf: Statement<{ volumeId: number }, ReviewRow>;
  private readonly ofVolume: Statement<{ volumeId: number }, ReviewRow>;
  private readonly upsertDecision: Statement<
    Omit<DecisionRow, 'decided_by_name'> & { decided_by: number | null; decided_by_name: string | null }
  >;
  private readonly decisionsOf: Statement<{ id: number }, DecisionRow>;
  private readonly close: Statement<{ id: number; state: ReviewState; now: string }>;
  private readonly producers: Statement<
    { volumeId: string; actions: string; states: string; volumeIdNum: number },
    { user_id: number | null; username: string | null }
  >;

  constructor(
    db: Database,
    private readonly now: Clock = systemClock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO qa_reviews (volume_id, state, rule, sample_pages, reviewer_id, reviewer, started_at)
       VALUES (@volume_id, 'open', @rule, @sample, @reviewer_id, @reviewer, @now)`,
    );
    this.byId = db.prepare('SELECT * FROM qa_reviews WHERE id = @id');
    this.openOf = db.prepare("SELECT * FROM qa_reviews WHERE volume_id = @volumeId AND state = 'open'");
    this.ofVolume = db.prepare('SELECT * FROM qa_reviews WHERE volume_id = @volumeId ORDER BY id');
    this.upsertDecision = db.prepare(
      `INSERT INTO qa_decisions (review_id, target_kind, target_seq, verdict, reason_code, note, decided_by, decided_by_name, decided_at)
       VALUES (@review_id, @target_kind, @target_seq, @verdict, @reason_code, @note, @decided_by, @decided_by_name, @decided_at)
       ON CONFLICT (review_id, target_kind, target_seq) DO UPDATE SET verdict = excluded.verdict,
         reason_code = excluded.reason_code, note = excluded.note, decided_by = excluded.decided_by,
         decided_by_name = excluded.decided_by_name, decided_at = excluded.decided_at`,
    );
    this.decisionsOf = db.prepare(
      'SELECT * FROM qa_decisions WHERE review_id = @id ORDER BY target_kind DESC, target_seq',
    );
    this.close = db.prepare(
      "UPDATE qa_reviews SET state = @state, finished_at = @now WHERE id = @id AND state = 'open'",
    );
    // Who produced the volume: the audit trail of its pages, catalogue and production transitions,
    // and the operators of the batches its pages were scanned in.
    this.producers = db.prepare(
      `SELECT user_id, username FROM audit_log
       WHERE object_type = 'volume' AND object_id = @volumeId AND outcome = 'ok'
         AND (action IN (SELECT value FROM json_each(@actions))
           OR (action = 'volume.transition' AND json_extract(details, '$.to') IN (SELECT value FROM json_each(@states))))
       UNION
       SELECT b.operator_id, u.username FROM pages p JOIN batches b ON b.id = p.batch_id
         LEFT JOIN users u ON u.id = b.operator_id
       WHERE p.volume_id = @volumeIdNum AND b.operator_id IS NOT NULL`,
    );
  }

  start(volumeId: number, rule: Json, samplePages: readonly number[], actor: Actor): QaReview {
    const id = Number(
      this.insert.run({
        volume_id: volumeId,
        rule: canonicalJson(rule),
        sample: JSON.stringify(samplePages),
        reviewer_id: actor.userId,
        reviewer: actor.username,
        now: this.now().toISOString(),
      }).lastInsertRowid,
    );
    const review = this.get(id);
    if (review === null) throw new Error('qa_reviews row missing right after insert'); // a bug
    return review;
  }

  get(id: number): QaReview | null {
    const row = this.byId.get({ id });
    return row ? toReview(row) : null;
  }

  openReview(volumeId: number): QaReview | null {
    const row = this.openOf.get({ volumeId });
    return row ? toReview(row) : null;
  }

  history(volumeId: number): QaReview[] {
    return this.ofVolume.all({ volumeId }).map(toReview);
  }

  decide(decision: Omit<QaDecision, 'decidedAt' | 'decidedBy'>, actor: Actor): QaDecision {
    const at = this.now().toISOString();
    this.upsertDecision.run({
      review_id: decision.reviewId,
      target_kind: decision.targetKind,
      target_seq: decision.targetSeq,
      verdict: decision.verdict,
      reason_code: decision.reasonCode,
      note: decision.note,
      decided_by: actor.userId,
      decided_by_name: actor.username,
      decided_at: at,
    });
    return { ...decision, decidedBy: actor.username, decidedAt: at };
  }

  decisions(reviewId: number): QaDecision[] {
    return this.decisionsOf.all({ id: reviewId }).map((r) => ({
      reviewId: r.review_id,
      targetKind: r.target_kind,
      targetSeq: r.target_seq,
      verdict: r.verdict,
      reasonCode: r.reason_code,
      note: r.note,
      decidedBy: r.decided_by_name,
      decidedAt: r.decided_at,
    }));
  }

  /** Closes an open review; false when it was not open (someone else closed it). */
  finish(reviewId: number, state: Exclude<ReviewState, 'open'>): boolean {
    return this.close.run({ id: reviewId, state, now: this.now().toISOString() }).changes === 1;
  }

  /** The people who scanned or catalogued the volume (user ids and usernames). */
  producersOf(volumeId: number): { userIds: Set<number>; usernames: Set<string> } {
    const userIds = new Set<number>();
    const usernames = new Set<string>();
    for (const r of this.producers.all({
      volumeId: String(volumeId),
      volumeIdNum: volumeId,
      actions: JSON.stringify(PRODUCING_ACTIONS),
      states: JSON.stringify(PRODUCING_STATES),
    })) {
      if (r.user_id !== null) userIds.add(r.user_id);
      if (r.username !== null) usernames.add(r.username);
    }
    return { userIds, usernames };
  }
}

function toReview(row: ReviewRow): QaReview {
  return {
    id: row.id,
    volumeId: row.volume_id,
    state: row.state,
    rule: JSON.parse(row.rule) as Json,
    samplePages: JSON.parse(row.sample_pages) as number[],
    reviewerId: row.reviewer_id,
    reviewer: row.reviewer,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
