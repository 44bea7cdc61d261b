import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VOLUME_STATES, transition as coreTransition, type VolumeState } from '../../core/lifecycle';
import { ROLES } from '../../core/roles';
import { openDatabase } from '../open';
import { OPERATOR, QA, REG_NO, USCC_A, openTestRepos } from '../../tests/support/repos';
import { createRepos } from './index';

function setup(options = {}) {
  const t = openTestRepos({ volumes: options });
  const e = t.repos.enterprises.create(
    { uscc: USCC_A, name: '厦门测试有限公司', bureauCode: '350200' },
    OPERATOR,
  );
  const input = {
    enterpriseId: e.id,
    archiveNo: '350200-2026-SL-000001',
    volumeType: 'SL',
    year: 2026,
    bureauCode: '350200',
  };
  return { ...t, enterprise: e, input, vols: t.repos.volumes };
}

describe('VolumesRepo.create', () => {
  it('registers a volume with a normalised 档号 and a random uid', () => {
    const { vols, repos, input } = setup();
    const v = vols.create(
      { ...input, archiveNo: ' 350200－2026—sl－1 ', registrationDate: '20260115', declaredPages: 42 },
      OPERATOR,
    );
    expect(v).toMatchObject({
      archiveNo: '350200-2026-SL-000001',
      state: 'registered',
      registrationDate: '20260115',
      declaredPages: 42,
    });
    expect(v.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(vols.byUid(v.uid)).toEqual(v);
    expect(vols.byUid('nope')).toBeNull();
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'volume.create',
      details: { archiveNo: '350200-2026-SL-000001' },
    });
  });

  it('refuses a 档号 already in use, however it is written', () => {
    const { vols, input } = setup();
    vols.create(input, OPERATOR);
    expect(() => vols.create({ ...input, archiveNo: '350200 2026 sl 000001' }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'archive-number.duplicate' }),
    );
  });

  it('checks the 档号 against the volume and the other fields', () => {
    const { vols, input } = setup();
    const bad = (patch: object, code: string) => {
      expect(() => vols.create({ ...input, ...patch }, OPERATOR)).toThrow(expect.objectContaining({ code }));
    };
    bad({ archiveNo: '350200-2025-SL-000001' }, 'archive-number.mismatch');
    bad({ archiveNo: '350200-2026-SL' }, 'archive-number.invalid');
    bad({ volumeType: 'XX' }, 'volume.invalid-type');
    bad({ year: 1900 }, 'volume.invalid-year');
    bad({ registrationDate: '20260230' }, 'volume.invalid-date');
    bad({ declaredPages: -1 }, 'volume.invalid-pages');
    bad({ bureauCode: '110000' }, 'bureau.unknown');
    bad({ enterpriseId: 999 }, 'enterprise.not-found');
    expect(() => vols.get(1)).toThrow(expect.objectContaining({ code: 'volume.not-found' }));
  });

  it('allocates serials per bureau, year and type, and honours a configured pattern', () => {
    const { vols, input } = setup();
    expect(vols.nextSerial('350200', 2026, 'SL')).toBe(1);
    vols.create(input, OPERATOR);
    vols.create({ ...input, archiveNo: '350200-2026-SL-000005' }, OPERATOR);
    expect(vols.nextSerial('350200', 2026, 'SL')).toBe(6);
    expect(vols.nextSerial('350200', 2026, 'BG')).toBe(1);
    expect(vols.nextSerial('350200', 2025, 'SL')).toBe(1);

    const custom = setup({ archiveNumberPattern: '{bureau}/{year}/{type}/{serial:4}' });
    const v = custom.vols.create({ ...custom.input, archiveNo: '350200/2026/sl/7' }, OPERATOR);
    expect(v.archiveNo).toBe('350200/2026/SL/0007');
    expect(custom.vols.nextSerial('350200', 2026, 'SL')).toBe(8);
  });

  it('lists by state and by enterprise, following merges', () => {
    const { vols, repos, input, enterprise } = setup();
    const old = repos.enterprises.create({ regNo: REG_NO, name: '旧记录', bureauCode: '350200' }, OPERATOR);
    const a = vols.create(input, OPERATOR);
    const b = vols.create({ ...input, enterpriseId: old.id, archiveNo: '350200-2026-SL-000002' }, OPERATOR);
    vols.transition(a.id, 'scanning', OPERATOR);
    expect(vols.listByState(['registered']).map((v) => v.id)).toEqual([b.id]);
    expect(
      vols
        .listByState(['registered', 'scanning'])
        .map((v) => v.id)
        .sort(),
    ).toEqual([a.id, b.id]);
    expect(vols.listByEnterprise(enterprise.id).map((v) => v.id)).toEqual([a.id]);
    repos.enterprises.merge(old.id, enterprise.id, '同一主体', OPERATOR);
    expect(vols.listByEnterprise(enterprise.id).map((v) => v.id)).toEqual([a.id, b.id]);
  });
});

describe('VolumesRepo.transition', () => {
  it('applies core’s lifecycle and audits from/to', () => {
    const { vols, repos, input } = setup();
    const v = vols.create(input, OPERATOR);
    expect(vols.transition(v.id, 'scanning', OPERATOR).state).toBe('scanning');
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'volume.transition',
      outcome: 'ok',
      objectId: String(v.id),
      details: { from: 'registered', to: 'scanning', action: 'start-scan', role: 'operator' },
    });
  });

  it('refuses illegal and forbidden transitions with core’s errors, changes nothing, audits the denial', () => {
    const { vols, repos, input } = setup();
    const v = vols.create(input, OPERATOR);
    expect(() => vols.transition(v.id, 'archived', OPERATOR)).toThrow(
      expect.objectContaining({ code: 'lifecycle.illegal' }),
    );
    expect(() => vols.transition(v.id, 'scanning', QA)).toThrow(
      expect.objectContaining({ code: 'lifecycle.forbidden' }),
    );
    expect(() => vols.transition(v.id, 'scanning', { userId: null, username: 'x' })).toThrow(
      expect.objectContaining({ code: 'volume.role-required' }),
    );
    expect(vols.get(v.id).state).toBe('registered');
    const denied = [...repos.audit.records()].filter((r) => r.outcome === 'denied');
    expect(denied.map((r) => r.details['code'])).toEqual(['lifecycle.illegal', 'lifecycle.forbidden']);
    expect(repos.audit.verify().ok).toBe(true);
  });

  it('is a compare-and-set: of two connections acting on the same state, one wins', () => {
    const { vols, input, file } = setup();
    const v = vols.create(input, OPERATOR);
    const other = openDatabase(file).db;
    try {
      const second = createRepos(other).volumes;
      // Both users saw "registered": one starts scanning, the other tries to withdraw it.
      vols.transition(v.id, 'scanning', OPERATOR, { expectedState: 'registered' });
      expect(() => second.transition(v.id, 'withdrawn', OPERATOR, { expectedState: 'registered' })).toThrow(
        expect.objectContaining({ code: 'volume.conflict' }),
      );
      expect(second.get(v.id).state).toBe('scanning');
    } finally {
      other.close();
    }
  });

  it('property: the stored state moves exactly when core allows the transition', () => {
    const { vols, repos, input } = setup();
    const v = vols.create(input, OPERATOR);
    const step = fc.record({ to: fc.constantFrom(...VOLUME_STATES), role: fc.constantFrom(...ROLES) });
    let expected: VolumeState = 'registered';
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        for (const { to, role } of steps) {
          let allowed = true;
          try {
            coreTransition(expected, to, role);
          } catch {
            allowed = false;
          }
          const actor = { userId: null, username: role, role };
          if (allowed) {
            expect(vols.transition(v.id, to, actor).state).toBe(to);
            expected = to;
          } else {
            expect(() => vols.transition(v.id, to, actor)).toThrow();
          }
          expect(vols.get(v.id).state).toBe(expected);
        }
      }),
      { numRuns: 30 },
    );
    const moves = [...repos.audit.records()].filter(
      (r) => r.action === 'volume.transition' && r.outcome === 'ok',
    );
    for (let i = 1; i < moves.length; i++)
      expect(moves[i]?.details['from']).toBe(moves[i - 1]?.details['to']);
  });
});
