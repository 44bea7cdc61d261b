import { describe, expect, it } from 'vitest';
import { OPERATOR, USCC_A, openTestRepos } from '../../tests/support/repos';

describe('createRepos', () => {
  it('builds every repository over one connection with one shared audit log and clock', () => {
    const { repos, clock } = openTestRepos();
    expect(Object.keys(repos).sort()).toEqual(
      [
        'audit',
        'batches',
        'documents',
        'enterprises',
        'jobs',
        'outbox',
        'pages',
        'sessions',
        'settings',
        'users',
        'volumes',
      ].sort(),
    );
    clock.set('2026-05-04T03:02:01.000Z');
    const e = repos.enterprises.create({ uscc: USCC_A, name: '甲', bureauCode: '350200' }, OPERATOR);
    repos.settings.set('ui.locale', 'zh', OPERATOR);
    expect(e.createdAt).toBe('2026-05-04T03:02:01.000Z');
    const records = [...repos.audit.records()];
    expect(records.map((r) => r.action)).toEqual(['enterprise.create', 'setting.set']);
    expect(records.every((r) => r.at === '2026-05-04T03:02:01.000Z')).toBe(true);
    expect(repos.audit.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('a failing change leaves no audit record behind', () => {
    const { repos } = openTestRepos();
    repos.enterprises.create({ uscc: USCC_A, name: '甲', bureauCode: '350200' }, OPERATOR);
    expect(() =>
      repos.enterprises.create({ uscc: USCC_A, name: '乙', bureauCode: '350200' }, OPERATOR),
    ).toThrow();
    expect([...repos.audit.records()]).toHaveLength(1);
  });
});
