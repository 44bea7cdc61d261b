import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../core/contracts';
import { usccCheckChar } from '../../../core/codes';
import { engineFixture } from '../../../tests/support/engine-fixture';
import { NEW_USCC, OLD_NAME, OLD_REG_NO, regNoVolumeShowingUscc } from '../../../tests/support/regno-uscc';
import { OPERATOR } from '../../../tests/support/repos';

const REG_NO = OLD_REG_NO;
const NAME = OLD_NAME;
const OTHER_USCC = '91350200MA2YJ1XR9G';
/** Valid, held by nobody. */
const ANOTHER_USCC = `91350100MA2YJ1XR9${usccCheckChar('91350100MA2YJ1XR9')}`;

/** A 注册号-only enterprise whose catalogued volume's application form prints its new USCC. */
async function setUp() {
  const t = await engineFixture();
  const other = t.ws.repos.enterprises.create(
    { uscc: OTHER_USCC, name: '厦门别家贸易有限公司', bureauCode: '350200' },
    OPERATOR,
  );
  const { enterpriseId, volumeId } = await regNoVolumeShowingUscc(t.ws, (input) =>
    t.ok('catalogue.finish', input, t.op),
  );
  const own = t.ws.repos.enterprises.get(enterpriseId);
  const { data } = t.ws;
  const codeIssues = async () => {
    const r = await t.ok('qa.start', { volumeId }, t.qa);
    return r.machine.checks.find((c) => c.id === 'enterprise-codes')?.issues ?? [];
  };
  const audits = () =>
    data.db
      .prepare<
        [],
        { username: string; object_id: string; details: string }
      >("SELECT username, object_id, details FROM audit_log WHERE action = 'enterprise.record-uscc' ORDER BY seq")
      .all();
  return { t, own, other, codeIssues, audits };
}

describe('enterprises.recordUscc (补录统一社会信用代码)', () => {
  it('records the USCC a finding proposes, audited with before and after, and the page is confirmed', async () => {
    const { t, own, codeIssues, audits } = await setUp();
    const before = await codeIssues();
    expect(before.map((i) => [i.code, i.proposedUscc])).toEqual([['verify.uscc-unrecorded', NEW_USCC]]);

    const events: EngineEvent[] = [];
    t.engine.events.subscribe((e) => events.push(e));
    // As typed by hand: full-width characters and spaces are normalised.
    const typed = ` ９１３５０２０００７２８３１９５４９ `;
    const r = await t.ok('enterprises.recordUscc', { id: own.id, uscc: typed }, t.op);
    expect(r).toMatchObject({ uscc: NEW_USCC, recorded: true, enterprise: { id: own.id, regNo: REG_NO } });
    expect(events).toContainEqual({ name: 'enterprise.changed', payload: { enterpriseId: own.id } });

    expect(await codeIssues()).toEqual([]);
    const got = await t.ok('enterprises.get', { id: own.id }, t.op);
    expect(got.recordedUscc).toBe(NEW_USCC);
    expect(got.enterprise.regNo).toBe(REG_NO); // the record keeps its key
    // Every lookup by the new code finds the enterprise.
    expect((await t.ok('enterprises.search', { query: NEW_USCC }, t.op))[0]?.id).toBe(own.id);
    expect((await t.ok('codes.check', { code: NEW_USCC }, t.op)).existing?.id).toBe(own.id);

    const [entry, ...more] = audits();
    expect(more).toEqual([]);
    expect(entry?.username).toBe('operator');
    expect(entry?.object_id).toBe(String(own.id));
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({
      before: { uscc: null, regNo: REG_NO },
      after: { uscc: NEW_USCC, regNo: REG_NO },
    });

    // Pressed twice (two screens): nothing more is written or announced.
    events.length = 0;
    const again = await t.ok('enterprises.recordUscc', { id: own.id, uscc: NEW_USCC }, t.admin);
    expect(again.recorded).toBe(false);
    expect(audits()).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('refuses an invalid code, a second USCC, a code another enterprise holds, and roles that may not register', async () => {
    const { t, own, other, audits } = await setUp();
    const invalid = await t.fails('enterprises.recordUscc', { id: own.id, uscc: '913502000728319548' }, t.op);
    expect(invalid.code).toBe('enterprise.invalid-code');
    expect(invalid.message.zh).toContain('统一社会信用代码 913502000728319548 无效');
    // A 注册号 is not a USCC.
    expect((await t.fails('enterprises.recordUscc', { id: own.id, uscc: REG_NO }, t.op)).code).toBe(
      'enterprise.invalid-code',
    );
    expect((await t.fails('enterprises.recordUscc', { id: own.id, uscc: '  ' }, t.op)).code).toBe(
      'enterprise.uscc-required',
    );

    const held = await t.fails('enterprises.recordUscc', { id: own.id, uscc: OTHER_USCC }, t.op);
    expect(held.code).toBe('enterprise.uscc-held');
    expect(held.message.zh).toBe(
      `统一社会信用代码 ${OTHER_USCC} 已属于本系统中的另一企业“厦门别家贸易有限公司”（记录 ${other.id}）：如为同一企业，请关联两条记录`,
    );

    // QA may not change registrations (the contract's roles), nor an unknown record be changed.
    expect((await t.fails('enterprises.recordUscc', { id: own.id, uscc: NEW_USCC }, t.qa)).code).toBe(
      'auth.forbidden',
    );
    expect((await t.fails('enterprises.recordUscc', { id: 9999, uscc: NEW_USCC }, t.op)).code).toBe(
      'enterprise.not-found',
    );
    expect(audits()).toEqual([]);

    // Once it has one, another is refused, naming the one it has; a USCC enterprise likewise.
    await t.ok('enterprises.recordUscc', { id: own.id, uscc: NEW_USCC }, t.admin);
    const exists = await t.fails('enterprises.recordUscc', { id: own.id, uscc: ANOTHER_USCC }, t.op);
    expect(exists.code).toBe('enterprise.uscc-exists');
    expect(exists.message.zh).toBe(
      `“${NAME}”（记录 ${own.id}）已有统一社会信用代码 ${NEW_USCC}，不能再补录 ${ANOTHER_USCC}`,
    );
    const uscc = await t.fails('enterprises.recordUscc', { id: other.id, uscc: NEW_USCC }, t.op);
    expect(uscc.code).toBe('enterprise.uscc-exists');
    expect(audits()).toHaveLength(1);
  });
});
