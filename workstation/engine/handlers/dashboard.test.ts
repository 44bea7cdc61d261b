import { describe, expect, it } from 'vitest';
import { engineFixture, scannedVolume, type EngineFixture } from '../../../tests/support/engine-fixture';

const DOCS = [
  {
    typeCode: 'APP',
    title: '设立登记申请书',
    docDate: '20260301',
    responsible: null,
    firstPage: 1,
    lastPage: 1,
  },
  { typeCode: 'AOA', title: '公司章程', docDate: '20260301', responsible: null, firstPage: 2, lastPage: 3 },
];

/** A 3-page volume catalogued by the operator and rejected by QA with the given problems. */
async function rejectedVolume(
  t: EngineFixture,
  problems: { kind: 'page' | 'document'; seq: number; reason: string; note?: string }[],
): Promise<number> {
  const { volumeId } = await scannedVolume(t.ws, 3);
  await t.ok('catalogue.finish', { volumeId, documents: DOCS }, t.op);
  const r = await t.ok('qa.start', { volumeId }, t.qa);
  // A page problem goes on the page QA sampled (seq 0 stands for it).
  const sampled = r.targets.find((x) => x.kind === 'page')?.seq ?? 1;
  for (const p of problems) {
    await t.ok(
      'qa.decide',
      {
        reviewId: r.reviewId,
        target: { kind: p.kind, seq: p.kind === 'page' && p.seq === 0 ? sampled : p.seq },
        pass: false,
        reason: p.reason,
        ...(p.note === undefined ? {} : { note: p.note }),
      },
      t.qa,
    );
  }
  expect((await t.ok('qa.finish', { reviewId: r.reviewId }, t.qa)).outcome).toBe('rejected');
  return volumeId;
}

describe('dashboard handler', () => {
  it('shows QA’s reasons (in Chinese, with note and place) on a rejected volume in the operator’s queue', async () => {
    const t = await engineFixture();
    const volumeId = await rejectedVolume(t, [
      { kind: 'document', seq: 2, reason: 'catalogue-title', note: '应为“有限公司章程”' },
      { kind: 'page', seq: 0, reason: 'other', note: '页面有折角' },
    ]);
    const dash = await t.ok('dashboard.get', {}, t.op);
    const rejected = dash.queue.find((q) => q.state === 'rejected');
    expect(rejected?.count).toBe(1);
    const row = rejected?.volumes[0];
    expect(row?.id).toBe(volumeId);
    expect(row?.rejection?.reviewer).toBe('qa');
    const problems = row?.rejection?.problems ?? [];
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual({
      targetKind: 'document',
      targetSeq: 2,
      reasonCode: 'catalogue-title',
      reason: { zh: '题名错误', en: expect.any(String) as string },
      note: '应为“有限公司章程”',
    });
    expect(problems.find((p) => p.targetKind === 'page')).toMatchObject({
      reasonCode: 'other',
      note: '页面有折角',
    });
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.reason.zh))).toBe(true);
  });

  it('carries no rejection on volumes in other states, and drops it once the volume is resubmitted', async () => {
    const t = await engineFixture();
    const volumeId = await rejectedVolume(t, [{ kind: 'document', seq: 1, reason: 'catalogue-title' }]);
    await scannedVolume(t.ws, 2); // another volume, waiting in another state
    const before = await t.ok('dashboard.get', {}, t.op);
    for (const q of before.queue.filter((x) => x.state !== 'rejected')) {
      for (const v of q.volumes) expect(v.rejection).toBeUndefined();
    }
    await t.ok('catalogue.finish', { volumeId, documents: DOCS }, t.op);
    const after = await t.ok('dashboard.get', {}, t.op);
    expect(after.queue.find((q) => q.state === 'rejected')).toBeUndefined();
  });
});
