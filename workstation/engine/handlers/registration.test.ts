import { describe, expect, it } from 'vitest';
import { usccCheckChar } from '../../../core/codes';
import { engineFixture } from '../../../tests/support/engine-fixture';

/** A valid USCC issued in `division` (characters 3–8), the rest as in 91350200776049653A. */
function usccIn(division: string): string {
  const first17 = `91${division}776049653`;
  return first17 + usccCheckChar(first17);
}

describe('registration defaults', () => {
  it("registers a new enterprise under the bureau its USCC's division names, unless the operator picks one", async () => {
    const f = await engineFixture();
    const cases = [
      { division: '350200', bureau: '350200' }, // 厦门市
      { division: '350203', bureau: '350200' }, // 思明区: no bureau of its own, so its city
      { division: '350128', bureau: '350128' }, // 平潭: configured itself
      { division: '110105', bureau: '350000' }, // another province: the province bureau
    ];
    for (const { division, bureau } of cases) {
      const uscc = usccIn(division);
      const check = await f.ok('codes.check', { code: uscc }, f.op);
      expect(check.valid).toBe(true);
      expect(check.defaultBureauCode).toBe(bureau);
      const e = await f.ok('enterprises.create', { uscc, name: `企业${division}` }, f.op);
      expect(e.bureauCode).toBe(bureau);
    }
    // The operator's choice stands.
    const chosen = await f.ok(
      'enterprises.create',
      { uscc: usccIn('350100'), name: '福州某公司', bureauCode: '350500' },
      f.op,
    );
    expect(chosen.bureauCode).toBe('350500');
    // A code that names no division (not a code at all) still gets a configured bureau to show.
    expect((await f.ok('codes.check', { code: 'ABC' }, f.op)).defaultBureauCode).toBe('350000');
  });

  it("starts the volume form at the enterprise's bureau and the registration date's year, and mints that 档号", async () => {
    const f = await engineFixture();
    const thisYear = f.ws.clock.now().getFullYear(); // the engine's clock, set in the fixture
    expect(thisYear).not.toBe(2024);
    const e = await f.ok(
      'enterprises.create',
      { uscc: '91350200776049653A', name: '厦门鹭江贸易有限公司' },
      f.op,
    );
    expect(e.bureauCode).toBe('350200');

    const undated = await f.ok('volumes.defaults', { enterpriseId: e.id }, f.op);
    expect(undated).toEqual({ bureauCode: '350200', year: thisYear, volumeType: 'SL' });
    const dated = await f.ok('volumes.defaults', { enterpriseId: e.id, registrationDate: '20240315' }, f.op);
    expect(dated).toEqual({ bureauCode: '350200', year: 2024, volumeType: 'SL' });
    // Not a real date (yet: the operator is still typing): the current year.
    for (const registrationDate of ['2024', '20240230', '']) {
      expect((await f.ok('volumes.defaults', { enterpriseId: e.id, registrationDate }, f.op)).year).toBe(
        thisYear,
      );
    }

    const v = await f.ok(
      'volumes.create',
      { enterpriseId: e.id, ...dated, registrationDate: '20240315' },
      f.op,
    );
    expect(v.archiveNo).toBe('350200-2024-SL-000001');
    expect(v.registrationDate).toBe('20240315');
  });
});
