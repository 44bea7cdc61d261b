import { describe, expect, it } from 'vitest';
import {
  engineFixture,
  scannedVolume,
  wordsOf,
  type EngineFixture,
} from '../../../tests/support/engine-fixture';

const DOCS = [
  {
    typeCode: 'APP',
    title: '公司设立登记申请书',
    docDate: '20260301',
    responsible: null,
    firstPage: 1,
    lastPage: 1,
  },
  { typeCode: 'AOA', title: '公司章程', docDate: '20260301', responsible: null, firstPage: 2, lastPage: 3 },
];

/** A volume of 3 pages catalogued and finished through the engine by `session`. */
async function cataloguedBy(t: EngineFixture, session: string): Promise<number> {
  const { volumeId } = await scannedVolume(t.ws, 3);
  await t.ok('catalogue.finish', { volumeId, documents: DOCS }, session);
  return volumeId;
}

describe('verification handlers', () => {
  it('keeps a volume out of the queue of whoever catalogued it, and refuses their review in Chinese', async () => {
    const t = await engineFixture();
    const mine = await cataloguedBy(t, t.both);
    const theirs = await cataloguedBy(t, t.op);
    const queue = await t.ok('qa.queue', {}, t.both);
    expect(queue.map((v) => v.id)).toEqual([theirs]);
    expect((await t.ok('qa.queue', {}, t.qa)).map((v) => v.id)).toEqual([mine, theirs]);
    const refused = await t.fails('qa.start', { volumeId: mine }, t.both);
    expect(refused.code).toBe('qa.own-work');
    expect(refused.message.zh).toBe('不能校核自己扫描或著录的案卷');
    // Operators cannot review at all.
    expect((await t.fails('qa.start', { volumeId: theirs }, t.op)).code).toBe('auth.forbidden');
  });

  it('reviews every document and the sample, rejects with reasons, and shows them to the operator', async () => {
    const t = await engineFixture();
    const volumeId = await cataloguedBy(t, t.op);
    const r = await t.ok('qa.start', { volumeId }, t.qa);
    expect(r.rule).toEqual({ machinePercent: 100, manualPagePercent: 5, cataloguePercent: 100, minPages: 1 });
    const docs = r.targets.filter((x) => x.kind === 'document');
    const pages = r.targets.filter((x) => x.kind === 'page');
    expect(docs.map((d) => d.seq)).toEqual([1, 2]);
    expect(pages).toHaveLength(1); // ⌈5 % of 3⌉, at least 1
    expect(r.machine.checks.map((c) => c.id)).toContain('enterprise-codes');
    expect(r.reasons.find((x) => x.code === 'catalogue-title')?.name.zh).toBe('题名错误');
    expect(r.documents).toEqual(DOCS);
    expect(r.ocrPending).toBe(3);

    // A problem needs a reason from the list; "other" needs a note too.
    const target = { kind: 'document' as const, seq: 2 };
    expect((await t.fails('qa.decide', { reviewId: r.reviewId, target, pass: false }, t.qa)).code).toBe(
      'qa.reason-required',
    );
    const noNote = await t.fails(
      'qa.decide',
      { reviewId: r.reviewId, target, pass: false, reason: 'other' },
      t.qa,
    );
    expect(noNote.message.zh).toBe('选择“其他”时须填写说明');
    // Finishing with undecided targets and no problem is refused.
    expect((await t.fails('qa.finish', { reviewId: r.reviewId }, t.qa)).code).toBe('qa.incomplete');

    const decided = await t.ok(
      'qa.decide',
      { reviewId: r.reviewId, target, pass: false, reason: 'catalogue-title', note: '应为“有限公司章程”' },
      t.qa,
    );
    expect(decided.targets.find((x) => x.kind === 'document' && x.seq === 2)?.decision).toMatchObject({
      verdict: 'problem',
      reasonCode: 'catalogue-title',
      note: '应为“有限公司章程”',
      decidedBy: 'qa',
    });
    const finished = await t.ok('qa.finish', { reviewId: r.reviewId }, t.qa);
    expect(finished.outcome).toBe('rejected');
    expect(finished.problems.map((p) => [p.targetKind, p.targetSeq, p.reason.zh])).toEqual([
      ['document', 2, '题名错误'],
    ]);

    // The operator sees why, fixes the title and resubmits (rejected → catalogued).
    const back = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(back.volume.state).toBe('rejected');
    expect(back.editable).toBe(true);
    expect(back.rejection?.reviewer).toBe('qa');
    expect(back.rejection?.problems[0]).toMatchObject({
      reasonCode: 'catalogue-title',
      note: '应为“有限公司章程”',
    });
    const fixed = DOCS.map((d, i) => (i === 1 ? { ...d, title: '有限公司章程' } : d));
    const again = await t.ok('catalogue.finish', { volumeId, documents: fixed }, t.op);
    expect(again.volume.state).toBe('catalogued');
    expect(again.rejection).not.toBeNull(); // still shown until QA decides again

    // Second review: the earlier rejection is in its history; all pass → verified.
    const second = await t.ok('qa.start', { volumeId }, t.qa);
    expect(second.reviewId).not.toBe(r.reviewId);
    expect(second.history).toHaveLength(1);
    expect(second.history[0]?.problems[0]?.reason.zh).toBe('题名错误');
    expect((await t.ok('qa.queue', {}, t.qa))[0]?.rejections).toBe(1);
    for (const x of second.targets) {
      await t.ok(
        'qa.decide',
        { reviewId: second.reviewId, target: { kind: x.kind, seq: x.seq }, pass: true },
        t.qa,
      );
    }
    const passed = await t.ok('qa.finish', { reviewId: second.reviewId }, t.qa);
    expect(passed).toEqual({ outcome: 'verified', problems: [] });
    const after = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(after.volume.state).toBe('verified');
    expect(after.rejection).toBeNull();
  });

  it('names a reason code this version does not know by the code itself, to the operator and to QA', async () => {
    const t = await engineFixture();
    const volumeId = await cataloguedBy(t, t.op);
    const r = await t.ok('qa.start', { volumeId }, t.qa);
    const target = { kind: 'document' as const, seq: 1 };
    await t.ok('qa.decide', { reviewId: r.reviewId, target, pass: false, reason: 'page-order' }, t.qa);
    await t.ok('qa.finish', { reviewId: r.reviewId }, t.qa);
    // As a newer version of the program would have written it.
    t.ws.data.db.prepare("UPDATE qa_decisions SET reason_code = 'page-torn'").run();
    const back = await t.ok('catalogue.get', { volumeId }, t.op);
    expect(back.rejection?.problems.map((p) => [p.reasonCode, p.reason.zh])).toEqual([
      ['page-torn', '其他（page-torn）'],
    ]);
    await t.ok('catalogue.finish', { volumeId, documents: DOCS }, t.op);
    const again = await t.ok('qa.start', { volumeId }, t.qa);
    expect(again.history.map((h) => h.problems.map((p) => p.reason.en))).toEqual([['Other (page-torn)']]);
  });

  it("marks the words of the enterprise's code and name in a page's OCR text, in the read image's pixels", async () => {
    const t = await engineFixture();
    const volumeId = await cataloguedBy(t, t.op);
    const page = t.ws.repos.pages.list(volumeId)[0];
    if (!page) throw new Error('no page');
    // As tesseract reads a form: the code split into runs with an O for a 0, the name beside a label.
    const lines = [
      ['公司设立登记申请书'],
      ['统一社会信用代码', '913502', '0O776049653A'],
      ['名称', '厦门测试', '有限公司'],
      ['住所', '厦门市思明区'],
    ];
    t.ocr.saveDone({
      pageId: page.id,
      zone: 'full',
      blobSha256: page.blobSha256,
      text: lines.map((l) => l.join(' ')).join('\n'),
      words: wordsOf(lines),
      confidence: 88,
      engine: 'stored reading',
      attempts: 1,
    });
    const p = await t.ok('qa.pageText', { volumeId, seq: 1 }, t.qa);
    expect(p.zone).toBe('full');
    expect(p.found).toEqual({ uscc: true, regNo: false, name: true });
    const marks = p.lines.map((l) => l.words.map((w) => w.match));
    expect(marks).toEqual([[null], [null, 'uscc', 'uscc'], [null, 'name', 'name'], [null, null]]);
    expect([p.width, p.height, p.heightShare]).toEqual([620, 877, 1]);
    // A page not read yet says so.
    const unread = await t.ok('qa.pageText', { volumeId, seq: 2 }, t.qa);
    expect(unread).toMatchObject({ state: 'none', zone: 'none', lines: [] });
    expect((await t.fails('qa.pageText', { volumeId, seq: 9 }, t.qa)).code).toBe('page.not-found');
  });
});
