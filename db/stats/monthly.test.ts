import { describe, expect, it } from 'vitest';
import { domainError, OPERATOR, openTestRepos } from '../../tests/support/repos';
import { uscc } from '../../tests/support/faulty-catalogue';
import { CHECK_IDS } from '../../core/checks/categories';
import { monthlyStats, monthRange } from './monthly';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../digest';

describe('monthly statistics', () => {
  it('uses Beijing time for month boundaries and validates the month', () => {
    expect(monthRange('2026-10')).toEqual({
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-10-31T16:00:00.000Z',
    });
    expect(monthRange('2026-12', 0).to).toBe('2027-01-01T00:00:00.000Z');
    expect(domainError(() => monthRange('2026-13')).code).toBe('stats.month');
  });

  it('counts volumes and pages by type and operator, QA, transfers and the check trend for the month only', () => {
    const { db, repos, clock } = openTestRepos();
    const t = '2026-01-01T00:00:00.000Z';
    db.prepare(
      "INSERT INTO users (id, username, display_name, password_hash, password_changed_at, created_at) VALUES (7, 'op-wang', '王扫描', 'x', ?, ?)",
    ).run(t, t);
    const e = repos.enterprises.create(
      { uscc: uscc(1), name: '厦门统计有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    const vol = (type: string, n: number) =>
      repos.volumes.create(
        {
          enterpriseId: e.id,
          archiveNo: `350200-2026-${type}-00000${n}`,
          volumeType: type,
          year: 2026,
          bureauCode: '350200',
        },
        OPERATOR,
      );
    const sl = vol('SL', 1);
    const bg = vol('BG', 2);
    // Another bureau's volume: its own rows, ahead of 350200's.
    const fz = repos.enterprises.create(
      { uscc: uscc(2), name: '福州统计有限公司', bureauCode: '350100' },
      OPERATOR,
    );
    const other = repos.volumes.create(
      {
        enterpriseId: fz.id,
        archiveNo: '350100-2026-SL-000001',
        volumeType: 'SL',
        year: 2026,
        bureauCode: '350100',
      },
      OPERATOR,
    );
    const page = (volumeId: number, batchId?: number) =>
      repos.pages.addCaptured({
        volumeId,
        blob: { sha256: sha256Hex(randomBytes(8)), size: 1, mediaType: 'image/jpeg' },
        ...(batchId === undefined ? {} : { batchId }),
      });
    clock.set('2026-09-30T15:59:00.000Z'); // 23:59 on 30 September in Beijing: September's
    page(sl.id);
    clock.set('2026-09-30T16:00:00.000Z'); // 00:00 on 1 October in Beijing
    const batch = repos.batches.open({ device: 'test', profile: {}, operatorId: 7 });
    page(sl.id, batch.id);
    page(sl.id, batch.id);
    page(bg.id);
    page(other.id);
    clock.set('2026-10-31T16:00:00.000Z'); // November in Beijing
    page(bg.id);

    db.prepare(
      `INSERT INTO qa_reviews (volume_id, state, rule, sample_pages, started_at, finished_at) VALUES
       (?, 'passed', '{}', '[]', '2026-10-02T00:00:00Z', '2026-10-02T01:00:00Z'),
       (?, 'rejected', '{}', '[]', '2026-10-03T00:00:00Z', '2026-10-03T01:00:00Z'),
       (?, 'passed', '{}', '[]', '2026-11-03T00:00:00Z', '2026-11-03T01:00:00Z')`,
    ).run(sl.id, bg.id, bg.id);
    db.prepare(
      `INSERT INTO qa_decisions (review_id, target_kind, target_seq, verdict, reason_code, decided_at) VALUES
       (2, 'page', 1, 'problem', 'skew', '2026-10-03T00:30:00Z'),
       (2, 'page', 2, 'problem', 'image-skewed', '2026-10-03T00:31:00Z'),
       (2, 'page', 3, 'problem', 'image-skewed', '2026-10-03T00:32:00Z')`,
    ).run();
    db.prepare(
      "INSERT INTO outbox (volume_id, kind, state, bytes_total, created_at, updated_at) VALUES (?, 'upload', 'committed', 1000, ?, '2026-10-05T00:00:00Z')",
    ).run(sl.id, t);
    const run = db.prepare(
      'INSERT INTO check_runs (started_at, finished_at, categories, counts, errors) VALUES (?, ?, ?, ?, ?)',
    );
    const all = JSON.stringify(CHECK_IDS);
    const counts = (over: Record<string, number>) =>
      JSON.stringify({ ...Object.fromEntries(CHECK_IDS.map((id) => [id, 0])), ...over });
    run.run(
      '2026-09-10T00:00:00Z',
      '2026-09-10T00:00:00Z',
      all,
      counts({ 'page-count': 4, 'no-opening': 1 }),
      3,
    );
    run.run('2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', all, counts({ 'page-count': 9 }), 9);
    run.run('2026-10-20T00:00:00Z', '2026-10-20T00:00:00Z', all, counts({ 'page-count': 2 }), 1);
    // Later runs of some categories only (a re-check after a fix) are not the month's figure.
    const some = CHECK_IDS.filter((id) => id !== 'page-count');
    run.run('2026-10-25T00:00:00Z', '2026-10-25T00:00:00Z', JSON.stringify(some), '{}', 0);
    run.run('2026-10-26T00:00:00Z', '2026-10-26T00:00:00Z', '["multi-cancel"]', '{"multi-cancel":0}', 0);

    const stats = monthlyStats(db, '2026-10');
    const topic = (id: string) => stats.topics.find((x) => x.id === id)?.rows;
    // Read by people: bureau and volume-type names beside their codes.
    const fuzhou = { bureau: '350100', bureauName: '福州市' };
    const xiamen = { bureau: '350200', bureauName: '厦门市' };
    expect(topic('by-type')).toEqual([
      { ...fuzhou, volumeType: 'SL', volumeTypeName: '设立', volumes: 1, pages: 1 },
      { ...xiamen, volumeType: 'BG', volumeTypeName: '变更', volumes: 1, pages: 1 },
      { ...xiamen, volumeType: 'SL', volumeTypeName: '设立', volumes: 1, pages: 2 },
    ]);
    expect(stats.topics[0]?.columns.map((c) => c.header)).toEqual([
      '登记机关',
      '登记机关名称',
      '类型代码',
      '案卷类型',
      '案卷数',
      '页数',
    ]);
    expect(topic('by-operator')).toEqual([
      { ...fuzhou, operator: '（未记录）', volumes: 1, pages: 1 },
      { ...xiamen, operator: '王扫描', volumes: 1, pages: 2 },
      { ...xiamen, operator: '（未记录）', volumes: 1, pages: 1 },
    ]);
    expect(topic('qa')).toEqual([{ ...xiamen, reviews: 2, passed: 1, rejected: 1, passRate: 0.5 }]);
    expect(topic('qa-reasons')).toEqual([
      { reason: 'image-skewed', reasonName: '图像歪斜', count: 2 }, // named for the reader
      { reason: 'skew', reasonName: 'skew', count: 1 }, // a code this program does not know stays a code
    ]);
    expect(topic('transfers')).toEqual([{ ...xiamen, kind: 'upload', volumes: 1, bytes: 1000 }]);
    expect(topic('check-trend')).toEqual([
      { month: '2026-09', runAt: '2026-09-10 08:00', errors: 3, findings: 5 }, // Beijing time
      { month: '2026-10', runAt: '2026-10-20 08:00', errors: 1, findings: 2 },
    ]);
  });
});
