import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../../core/codes';
import {
  OPERATOR,
  REG_NO,
  USCC_A,
  USCC_B,
  USCC_C,
  domainError,
  openTestRepos,
} from '../../tests/support/repos';

const regNo = (first14: string) => first14 + regNoCheckDigit(first14);
const XM_REGNO = regNo('35020000000001');

function setup() {
  const t = openTestRepos();
  const ent = t.repos.enterprises;
  return { ...t, ent };
}

describe('EnterprisesRepo.create', () => {
  it('stores the normalised code and name', () => {
    const { ent, repos } = setup();
    const e = ent.create(
      { uscc: ' ９１３５０２００ 7760 4965 3a ', name: '  厦门\u200B测试   有限公司 ', bureauCode: '350200' },
      OPERATOR,
    );
    expect(e).toMatchObject({
      uscc: USCC_A,
      regNo: null,
      name: '厦门测试 有限公司',
      bureauCode: '350200',
      mergedIntoId: null,
    });
    expect(ent.get(e.id)).toEqual(e);
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'enterprise.create',
      objectId: String(e.id),
    });
  });

  it('refuses an invalid code with the validator’s findings and never corrects it', () => {
    const { ent, db } = setup();
    const wrongCheck = `${USCC_A.slice(0, 17)}B`;
    expect(
      domainError(() => ent.create({ uscc: wrongCheck, name: '甲', bureauCode: '350200' }, OPERATOR)),
    ).toMatchObject({
      code: 'enterprise.invalid-code',
      details: { kind: 'uscc', code: wrongCheck, errors: [{ code: 'uscc.check' }] },
    });
    expect(
      domainError(() => ent.create({ regNo: '110108000000017', name: '乙', bureauCode: '350200' }, OPERATOR)),
    ).toMatchObject({ code: 'enterprise.invalid-code', details: { kind: 'regno' } });
    expect(db.prepare('SELECT count(*) FROM enterprises').pluck().get()).toBe(0);
  });

  it('needs a code, a name and a known bureau', () => {
    const { ent } = setup();
    expect(() => ent.create({ uscc: '  ', name: '甲', bureauCode: '350200' }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.code-required' }),
    );
    expect(() => ent.create({ uscc: USCC_A, name: ' \u200B ', bureauCode: '350200' }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'field.required' }),
    );
    expect(() => ent.create({ uscc: USCC_A, name: '甲', bureauCode: '110000' }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'bureau.unknown' }),
    );
  });

  it('refuses a duplicate, naming the existing record — also when the code is only an alias', () => {
    const { ent } = setup();
    const first = ent.create({ uscc: USCC_A, name: '厦门甲公司', bureauCode: '350200' }, OPERATOR);
    const dup = () =>
      ent.create({ uscc: USCC_A.toLowerCase(), name: '别的名字', bureauCode: '350200' }, OPERATOR);
    expect(domainError(dup)).toMatchObject({
      code: 'enterprise.duplicate',
      details: { existingId: first.id },
    });
    expect(dup).toThrow(/厦门甲公司/);
    ent.addAlias(first.id, { kind: 'regno', value: REG_NO }, OPERATOR);
    expect(
      domainError(() => ent.create({ regNo: REG_NO, name: '旧记录', bureauCode: '350200' }, OPERATOR)),
    ).toMatchObject({ code: 'enterprise.duplicate', details: { existingId: first.id } });
  });
});

describe('EnterprisesRepo lookups, aliases and merges', () => {
  it('finds by USCC or 注册号, as typed', () => {
    const { ent } = setup();
    const a = ent.create({ uscc: USCC_A, regNo: XM_REGNO, name: '甲', bureauCode: '350200' }, OPERATOR);
    expect(ent.findByCode(USCC_A.toLowerCase())?.id).toBe(a.id);
    expect(ent.findByCode(` ${XM_REGNO} `)?.id).toBe(a.id);
    expect(ent.findByCode(USCC_B)).toBeNull();
    expect(ent.findByCode('')).toBeNull();
  });

  it('a merged 注册号 record resolves to the USCC record; nothing moves', () => {
    const { ent, repos } = setup();
    const old = ent.create({ regNo: REG_NO, name: '北京老字号公司', bureauCode: '350200' }, OPERATOR);
    const current = ent.create({ uscc: USCC_A, name: '北京老字号有限公司', bureauCode: '350200' }, OPERATOR);
    const merge = ent.merge(old.id, current.id, '同一主体：营业执照换发', OPERATOR);
    expect(merge).toMatchObject({ fromId: old.id, intoId: current.id, reason: '同一主体：营业执照换发' });
    expect(ent.findByCode(REG_NO)?.id).toBe(current.id);
    expect(ent.get(old.id)).toMatchObject({ regNo: REG_NO, mergedIntoId: current.id });
    expect([...repos.audit.records()].at(-1)).toMatchObject({
      action: 'enterprise.merge',
      details: { fromId: old.id, intoId: current.id },
    });
  });

  it('follows chains of merges and refuses self-merges, second merges and loops', () => {
    const { ent, db } = setup();
    const a = ent.create({ regNo: REG_NO, name: '甲', bureauCode: '350200' }, OPERATOR);
    const b = ent.create({ regNo: XM_REGNO, name: '甲', bureauCode: '350200' }, OPERATOR);
    const c = ent.create({ uscc: USCC_A, name: '甲', bureauCode: '350200' }, OPERATOR);
    ent.merge(a.id, b.id, '同一主体', OPERATOR);
    ent.merge(b.id, c.id, '同一主体', OPERATOR);
    expect(ent.findByCode(REG_NO)?.id).toBe(c.id);
    expect(() => ent.merge(c.id, c.id, 'x', OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.merge-self' }),
    );
    expect(() => ent.merge(a.id, c.id, 'x', OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.already-merged' }),
    );
    expect(() => ent.merge(c.id, a.id, 'x', OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.merge-loop' }),
    );
    expect(() => ent.merge(c.id, b.id, '  ', OPERATOR)).toThrow(
      expect.objectContaining({ code: 'field.required' }),
    );
    expect(db.prepare('SELECT count(*) FROM enterprise_merges').pluck().get()).toBe(2);
  });

  it('adds aliases idempotently, validating codes', () => {
    const { ent, repos } = setup();
    const e = ent.create({ uscc: USCC_A, name: '厦门新名称有限公司', bureauCode: '350200' }, OPERATOR);
    const alias = ent.addAlias(e.id, { kind: 'name', value: '厦门旧名称公司' }, OPERATOR);
    expect(ent.addAlias(e.id, { kind: 'name', value: ' 厦门旧名称公司 ' }, OPERATOR)).toEqual(alias);
    expect(ent.aliases(e.id)).toHaveLength(1);
    expect(() => ent.addAlias(e.id, { kind: 'uscc', value: `${USCC_B.slice(0, 17)}0` }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.invalid-code' }),
    );
    expect(() => ent.addAlias(999, { kind: 'name', value: '某' }, OPERATOR)).toThrow(
      expect.objectContaining({ code: 'enterprise.not-found' }),
    );
    expect([...repos.audit.records()].filter((r) => r.action === 'enterprise.alias')).toHaveLength(1);
    expect(ent.searchByName('旧名称').map((x) => x.id)).toEqual([e.id]);
  });

  it('proposes merge candidates: same name or a matching 注册号 alias', () => {
    const { ent } = setup();
    const current = ent.create({ uscc: USCC_A, name: '厦门甲有限公司', bureauCode: '350200' }, OPERATOR);
    const sameName = ent.create({ regNo: XM_REGNO, name: '厦门甲有限公司', bureauCode: '350200' }, OPERATOR);
    const byAlias = ent.create({ regNo: REG_NO, name: '厦门甲公司（旧）', bureauCode: '350200' }, OPERATOR);
    const unrelated = ent.create({ uscc: USCC_B, name: '泉州乙公司', bureauCode: '350500' }, OPERATOR);
    ent.addAlias(current.id, { kind: 'regno', value: REG_NO }, OPERATOR);
    expect(ent.mergeCandidates(current.id).map((c) => [c.enterprise.id, c.reasons])).toEqual([
      [sameName.id, ['name']],
      [byAlias.id, ['code']],
    ]);
    expect(ent.mergeCandidates(byAlias.id).map((c) => c.enterprise.id)).toEqual([current.id]);
    ent.merge(sameName.id, current.id, '同名同址', OPERATOR);
    expect(ent.mergeCandidates(current.id).map((c) => c.enterprise.id)).toEqual([byAlias.id]);
    expect(ent.mergeCandidates(unrelated.id)).toEqual([]);
  });
});

describe('EnterprisesRepo.searchByName', () => {
  it('puts prefix matches first, then substring matches, and leaves merged records out', () => {
    const { ent } = setup();
    const inner = ent.create({ uscc: USCC_A, name: '福建厦门港务有限公司', bureauCode: '350200' }, OPERATOR);
    const prefix = ent.create({ uscc: USCC_B, name: '厦门港务集团有限公司', bureauCode: '350500' }, OPERATOR);
    const merged = ent.create({ regNo: REG_NO, name: '厦门港务局', bureauCode: '350200' }, OPERATOR);
    ent.create({ uscc: USCC_C, name: '泉州石化', bureauCode: '350200' }, OPERATOR);
    ent.merge(merged.id, prefix.id, '改制', OPERATOR);
    expect(ent.searchByName('厦门港务').map((e) => e.id)).toEqual([prefix.id, inner.id]);
    expect(ent.searchByName('厦门港务', 1).map((e) => e.id)).toEqual([prefix.id]);
    expect(ent.searchByName('   ')).toEqual([]);
  });

  it('treats % _ and \\ as ordinary characters (property)', () => {
    // Codes are needed per record; 15-digit 注册号 with a computed check digit give as many as we want.
    const alphabet = fc.constantFrom('%', '_', '\\', 'a', 'b', '司');
    const names = fc.uniqueArray(
      fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
      { minLength: 1, maxLength: 12 },
    );
    let serial = 0;
    fc.assert(
      fc.property(
        names,
        fc.array(alphabet, { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
        (list, query) => {
          const { ent } = setup(); // a fresh database per run, so the limit never hides a match
          const ids = new Map<number, string>();
          for (const name of list) {
            const e = ent.create(
              { regNo: regNo(`35020${String(++serial).padStart(9, '0')}`), name, bureauCode: '350200' },
              OPERATOR,
            );
            ids.set(e.id, name);
          }
          const found = ent.searchByName(query, 200);
          const expected = [...ids].filter(([, n]) => n.toLowerCase().includes(query.toLowerCase()));
          expect(found.map((e) => e.id).sort()).toEqual(expected.map(([id]) => id).sort());
          // Prefix matches come before the others.
          const starts = found.map((e) => e.name.toLowerCase().startsWith(query.toLowerCase()));
          expect(starts).toEqual([...starts].sort((x, y) => Number(y) - Number(x)));
        },
      ),
      { numRuns: 40 },
    );
  });
});
