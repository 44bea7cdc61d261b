import { describe, expect, it } from 'vitest';
import { encodeLabel } from '../../core/labels/label-codec';
import type { Actor, Repos } from '../../db/repos';
import { PageOcrRepo } from '../../db/repos/page-ocr';
import { QaReviewsRepo } from '../../db/repos/qa-reviews';
import { domainError, OPERATOR, openTestRepos, QA, seedVolume, USCC_A } from '../../tests/support/repos';
import { CataloguingEngine } from '../cataloguing/engine';
import { machineCheckVolume } from './machine';
import { ReviewService } from './review';

const QA_2: Actor = { userId: null, username: 'qa-zhou', role: 'qa' };

/** A catalogued volume of `n` content pages (page images stand for themselves: distinct digests, 300 dpi). */
function cataloguedVolume(
  repos: Repos,
  db: ReturnType<typeof openTestRepos>['db'],
  n: number,
  by: Actor = OPERATOR,
) {
  const { volumeId } = seedVolume(repos);
  for (let i = 0; i < n; i++) {
    repos.pages.addCaptured({
      volumeId,
      blob: { sha256: (i + 1).toString(16).padStart(64, 'c'), size: 1, mediaType: 'image/png' },
      dpiX: 300,
      dpiY: 300,
    });
  }
  repos.volumes.transition(volumeId, 'scanning', by);
  repos.volumes.transition(volumeId, 'scanned', by);
  new CataloguingEngine(db, repos).save(
    volumeId,
    [
      { typeCode: 'APP', title: '公司设立登记申请书', docDate: '20260301', firstPage: 1, lastPage: 1 },
      { typeCode: 'AOA', title: '公司章程', docDate: '20260301', firstPage: 2, lastPage: n },
    ],
    by,
    { finish: true },
  );
  return volumeId;
}

function setup() {
  const { db, repos, clock } = openTestRepos();
  const reviews = new QaReviewsRepo(db, clock.now);
  const ocr = new PageOcrRepo(db, clock.now);
  return { db, repos, reviews, ocr, service: new ReviewService(db, repos, reviews, ocr) };
}

describe('machine checks of a stored volume', () => {
  it('reads the enterprise code through the OCR confusion the engine really produced', () => {
    const { db, repos, ocr } = setup();
    const volumeId = cataloguedVolume(repos, db, 3);
    const first = repos.pages.list(volumeId)[0];
    if (!first) throw new Error('no page');
    ocr.saveDone({
      pageId: first.id,
      zone: 'full',
      blobSha256: first.blobSha256,
      text: '公司设立登记申请书\n统一社会信用代码 : 913502007760496534A\n名称 : 厦门测试有限公司',
      words: [],
      confidence: 90,
      engine: 'stored',
      attempts: 1,
    });
    const report = machineCheckVolume(repos, ocr, volumeId);
    expect(report.passed).toBe(true);
    expect(report.checks.find((c) => c.id === 'enterprise-codes')?.status).toBe('pass');
    expect(USCC_A).toBe('91350200776049653A');
  });

  it('reads our label on the cover with the label codec: this volume passes, another volume fails', () => {
    const { db, repos, ocr } = setup();
    const volumeId = cataloguedVolume(repos, db, 2);
    const v = repos.volumes.get(volumeId);
    const cover = repos.pages.list(volumeId)[0]?.id ?? 0;
    const label = (uid: string) => encodeLabel({ archiveNo: v.archiveNo, uscc: USCC_A, volumeId: uid });
    const status = () =>
      machineCheckVolume(repos, ocr, volumeId).checks.find((c) => c.id === 'label')?.status;
    expect(status()).toBe('warning'); // no label found
    repos.pages.setFlags(cover, { labelFound: label(v.uid) });
    expect(status()).toBe('pass');
    repos.pages.setFlags(cover, { labelFound: label('00000000-0000-4000-8000-000000000001') });
    expect(status()).toBe('fail');
    expect(
      machineCheckVolume(repos, ocr, volumeId, { decodeLabel: null }).checks.find((c) => c.id === 'label')
        ?.status,
    ).toBe('skipped');
  });
});

describe('QA review', () => {
  it('samples ≥ 5 % of pages plus every document; all passed → verified, audited', () => {
    const { db, repos, service } = setup();
    const volumeId = cataloguedVolume(repos, db, 30);
    expect(service.queue(QA).map((v) => v.id)).toEqual([volumeId]);
    const view = service.start(volumeId, QA);
    expect(view.targets.filter((t) => t.kind === 'document')).toHaveLength(2);
    expect(view.targets.filter((t) => t.kind === 'page')).toHaveLength(2); // ⌈5 % × 30⌉
    expect(domainError(() => service.finish(view.review.id, QA)).code).toBe('qa.incomplete');
    for (const t of view.targets) service.decide(view.review.id, t, { pass: true }, QA);
    expect(service.finish(view.review.id, QA).outcome).toBe('verified');
    expect(repos.volumes.get(volumeId).state).toBe('verified');
    const actions = [...repos.audit.records()].filter((r) => r.action.startsWith('qa.')).map((r) => r.action);
    expect(actions).toEqual([
      'qa.review-start',
      'qa.decision',
      'qa.decision',
      'qa.decision',
      'qa.decision',
      'qa.review-finish',
    ]);
  });

  it('any problem → rejected with the reasons; a reason from the list is required, "other" needs a note', () => {
    const { db, repos, service } = setup();
    const volumeId = cataloguedVolume(repos, db, 4);
    const view = service.start(volumeId, QA_2);
    const doc = { kind: 'document', seq: 2 } as const;
    expect(
      domainError(() => service.decide(view.review.id, doc, { pass: false, reason: 'ugly' }, QA_2)).code,
    ).toBe('qa.unknown-reason');
    expect(
      domainError(() => service.decide(view.review.id, doc, { pass: false, reason: 'other' }, QA_2)).code,
    ).toBe('qa.note-required');
    expect(
      domainError(() => service.decide(view.review.id, { kind: 'page', seq: 99 }, { pass: true }, QA_2)).code,
    ).toBe('qa.not-a-target');
    service.decide(
      view.review.id,
      doc,
      { pass: false, reason: 'catalogue-title', note: '题名应为“章程修正案”' },
      QA_2,
    );
    const result = service.finish(view.review.id, QA_2);
    expect(result.outcome).toBe('rejected');
    expect(result.problems.map((p) => [p.targetSeq, p.reasonCode, p.note])).toEqual([
      [2, 'catalogue-title', '题名应为“章程修正案”'],
    ]);
    expect(repos.volumes.get(volumeId).state).toBe('rejected');
    const finish = [...repos.audit.records()].find((r) => r.action === 'qa.review-finish');
    expect(finish?.details).toMatchObject({ outcome: 'rejected', problems: [{ reason: 'catalogue-title' }] });
  });

  it('nobody reviews a volume they scanned or catalogued; operators cannot review; refusals are audited', () => {
    const { db, repos, service } = setup();
    const scannerQa: Actor = { userId: null, username: 'qa-li', role: 'operator' };
    const volumeId = cataloguedVolume(repos, db, 2, scannerQa);
    expect(service.queue(QA)).toEqual([]); // qa-li produced it
    expect(domainError(() => service.start(volumeId, QA)).code).toBe('qa.own-work');
    expect(domainError(() => service.start(volumeId, OPERATOR)).code).toBe('qa.role');
    const denied = [...repos.audit.records()]
      .filter((r) => r.action === 'qa.review-denied')
      .map((r) => r.details);
    expect(denied).toEqual([{ why: 'own-work' }, { why: 'role', role: 'operator' }]);
    expect(service.start(volumeId, QA_2).review.reviewer).toBe('qa-zhou');
  });
});
