import { describe, expect, it } from 'vitest';
import { ROLE_NAMES, ROLES, isRole } from './roles';

describe('roles', () => {
  it('names every role in Chinese first', () => {
    expect(ROLES.map((r) => ROLE_NAMES[r].zh)).toEqual(['扫描员', '质检员', '运维人员', '管理员']);
    for (const r of ROLES) expect(ROLE_NAMES[r].en).not.toBe('');
  });

  it('recognises roles and nothing else', () => {
    for (const r of ROLES) expect(isRole(r)).toBe(true);
    for (const v of ['Operator', 'QA', '', 'root', 1, null, undefined, {}]) expect(isRole(v)).toBe(false);
  });
});
