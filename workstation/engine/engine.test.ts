import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel, EngineEvent, Envelope, Input, Output } from '../../core/contracts';
import { openDatabase } from '../../db/open';
import { createUserAndChangePassword } from '../../tests/support/engine-users';
import { fakeClock } from '../../tests/support/repos';
import { tempDir } from '../../tests/support/temp-dir';
import { createEngine } from './engine';

const USCC = '91350200776049653A';
const ADMIN_PW = 'Zhao#2026pw';
const OP_PW = 'Operator#2026';
// The enterprise the tests register, and its volumes: 2026, registered at the 厦门 bureau.
const ENTERPRISE = { uscc: USCC, name: '厦门测试有限公司', bureauCode: '350200' };
const volumeOf = (enterpriseId: number, volumeType = 'SL') => ({
  enterpriseId,
  volumeType,
  year: 2026,
  bureauCode: '350200',
});

function setup() {
  const dir = tempDir();
  const { db } = openDatabase(path.join(dir, 'dangan.db'));
  const clock = fakeClock('2026-03-02T02:00:00.000Z');
  const engine = createEngine({ db, dataDir: dir, now: clock.now, log: () => undefined });
  const events: EngineEvent[] = [];
  engine.events.subscribe((e) => events.push(e));
  async function call<C extends Channel>(channel: C, input: Input<C>, session: string | null = null) {
    return (await engine.dispatch(channel, input, session)) as Envelope<Output<C>>;
  }
  async function ok<C extends Channel>(channel: C, input: Input<C>, session: string | null = null) {
    const r = await call(channel, input, session);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message.en}`);
    return r.value;
  }
  async function fails<C extends Channel>(channel: C, input: Input<C>, session: string | null = null) {
    const r = await call(channel, input, session);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error;
  }
  return { engine, clock, events, call, ok, fails, db };
}

async function withOperator(t: ReturnType<typeof setup>) {
  const admin = await t.ok('setup.createAdmin', {
    username: 'admin',
    displayName: '管理员',
    password: ADMIN_PW,
  });
  const op = await createUserAndChangePassword(t.ok, admin.token, {
    username: 'wang',
    displayName: '王扫描',
    password: OP_PW,
    roles: ['operator'],
  });
  return { admin: admin.token, op: op.token };
}

describe('first-run setup', () => {
  it('creates the first administrator once, with a strong password, and then refuses', async () => {
    const t = setup();
    expect((await t.ok('setup.status', {})).needsSetup).toBe(true);
    const weak = await t.fails('setup.createAdmin', {
      username: 'admin',
      displayName: 'A',
      password: 'password',
    });
    expect(weak.code).toBe('password.weak');
    expect(weak.message.zh).toContain('密码不符合要求');
    const s = await t.ok('setup.createAdmin', {
      username: 'admin',
      displayName: '管理员',
      password: ADMIN_PW,
    });
    expect(s.user.roles).toEqual(['admin']);
    expect(s.token.length).toBeGreaterThan(30);
    expect((await t.ok('setup.status', {})).needsSetup).toBe(false);
    const again = await t.fails('setup.createAdmin', {
      username: 'evil',
      displayName: 'E',
      password: ADMIN_PW,
    });
    expect(again.code).toBe('setup.done');
    expect(t.engine.repos.users.findByUsername('evil')).toBeNull();
  });

  it('lets only one of two simultaneous setup requests through', async () => {
    const t = setup();
    const results = await Promise.all([
      t.call('setup.createAdmin', { username: 'a1', displayName: 'A1', password: ADMIN_PW }),
      t.call('setup.createAdmin', { username: 'a2', displayName: 'A2', password: ADMIN_PW }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(t.engine.repos.users.count()).toBe(1);
  });
});

describe('sessions and access', () => {
  it('refuses signed-in endpoints without a live session and ends idle sessions', async () => {
    const t = setup();
    const { op } = await withOperator(t);
    expect((await t.fails('auth.me', {}, null)).code).toBe('session.expired');
    expect((await t.fails('auth.me', {}, 'not-a-token')).code).toBe('session.expired');
    expect((await t.ok('auth.me', {}, op)).user.username).toBe('wang');
    t.clock.advance(14 * 60_000);
    expect((await t.ok('auth.me', {}, op)).idleMinutes).toBe(15); // activity keeps it alive
    t.clock.advance(15 * 60_000 + 1);
    expect((await t.fails('auth.me', {}, op)).code).toBe('session.expired');
  });

  it('checks roles per endpoint (deny by default)', async () => {
    const t = setup();
    const { admin, op } = await withOperator(t);
    expect((await t.fails('users.list', {}, op)).code).toBe('auth.forbidden');
    expect((await t.ok('users.list', {}, admin)).map((u) => u.username)).toEqual(['admin', 'wang']);
    const e = await t.ok('enterprises.create', ENTERPRISE, admin);
    // An administrator is not a scan operator: registering volumes is production work.
    const denied = await t.fails('volumes.create', volumeOf(e.id), admin);
    expect(denied.code).toBe('auth.forbidden');
  });

  it('locks an account after 5 wrong passwords, even for the right one', async () => {
    const t = setup();
    await withOperator(t);
    for (let i = 0; i < 5; i++) {
      expect((await t.fails('auth.login', { username: 'wang', password: 'Wrong#pass1' })).code).toBe(
        'auth.failed',
      );
    }
    const locked = await t.fails('auth.login', { username: 'wang', password: OP_PW });
    expect(locked.code).toBe('user.locked');
    expect(locked.message.zh).toContain('锁定');
    t.clock.advance(16 * 60_000);
    expect((await t.ok('auth.login', { username: 'wang', password: OP_PW })).user.username).toBe('wang');
  });

  it('validates every payload against the contract and refuses unknown channels', async () => {
    const t = setup();
    const { op } = await withOperator(t);
    const r = await t.engine.dispatch('auth.login', { username: 'wang' }, null);
    expect(r.ok ? null : r.error.code).toBe('request.invalid');
    const extra = await t.engine.dispatch(
      'auth.login',
      { username: 'wang', password: OP_PW, admin: true },
      null,
    );
    expect(extra.ok ? null : extra.error.code).toBe('request.invalid');
    const unknown = await t.engine.dispatch('db.dropEverything', {}, op);
    expect(unknown.ok ? null : unknown.error.code).toBe('request.unknown-channel');
    const proto = await t.engine.dispatch('__proto__', {}, op);
    expect(proto.ok ? null : proto.error.code).toBe('request.unknown-channel');
  });

  it('changing the password ends the old session and hands out a new one', async () => {
    const t = setup();
    const { op } = await withOperator(t);
    const wrong = await t.fails(
      'auth.changePassword',
      { oldPassword: 'nope', newPassword: 'Newer#2026x' },
      op,
    );
    expect(wrong.code).toBe('auth.failed');
    const next = await t.ok('auth.changePassword', { oldPassword: OP_PW, newPassword: 'Newer#2026x' }, op);
    expect((await t.fails('auth.me', {}, op)).code).toBe('session.expired');
    expect((await t.ok('auth.me', {}, next.token)).user.username).toBe('wang');
  });
});

describe('registration', () => {
  it('checks codes as typed, registers an enterprise and volumes with allocated 档号', async () => {
    const t = setup();
    const { op } = await withOperator(t);
    const bad = await t.ok('codes.check', { code: '91350200776049653B' }, op);
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]?.message.zh).toBeTruthy();
    const good = await t.ok('codes.check', { code: ' 91350200776049653a ' }, op);
    expect(good).toMatchObject({
      valid: true,
      kind: 'uscc',
      normalized: USCC,
      bureauCode: '350200',
      existing: null,
    });
    expect(good.division?.zh).toBe('厦门市');

    const e = await t.ok('enterprises.create', ENTERPRISE, op);
    expect((await t.ok('codes.check', { code: USCC }, op)).existing?.id).toBe(e.id);
    const dup = await t.fails(
      'enterprises.create',
      { uscc: USCC, name: '别的公司', bureauCode: '350200' },
      op,
    );
    expect(dup.code).toBe('enterprise.duplicate');
    expect((await t.ok('enterprises.search', { query: USCC }, op))[0]?.id).toBe(e.id);
    expect((await t.ok('enterprises.search', { query: '厦门测试' }, op))[0]?.id).toBe(e.id);

    const suggested = await t.ok(
      'volumes.suggestArchiveNo',
      { bureauCode: '350200', year: 2026, volumeType: 'SL' },
      op,
    );
    expect(suggested.archiveNo).toBe('350200-2026-SL-000001');
    const v1 = await t.ok('volumes.create', volumeOf(e.id), op);
    // The same enterprise and type again: the registration engine's duplicate-digitization guard.
    const again = { ...volumeOf(e.id), declaredPages: 12 };
    const dupVolume = await t.fails('volumes.create', again, op);
    expect(dupVolume.code).toBe('volume.possible-duplicate');
    expect(dupVolume.message.zh).toContain('350200-2026-SL-000001');
    expect(dupVolume.details?.['existing']).toMatchObject([
      { archiveNo: '350200-2026-SL-000001', where: 'local' },
    ]);
    const v2 = await t.ok('volumes.create', { ...again, overrideReason: '原卷破损，重新扫描' }, op);
    expect([v1.archiveNo, v2.archiveNo]).toEqual(['350200-2026-SL-000001', '350200-2026-SL-000002']);
    expect(t.events.filter((x) => x.name === 'volume.changed')).toHaveLength(2);
    expect((await t.ok('enterprises.get', { id: e.id }, op)).volumes).toHaveLength(2);
  });

  it("moves volumes through the lifecycle in the caller's allowed role only", async () => {
    const t = setup();
    const { admin, op } = await withOperator(t);
    const qa = (
      await createUserAndChangePassword(t.ok, admin, {
        username: 'li',
        displayName: '李质检',
        password: 'Quality#2026',
        roles: ['qa'],
      })
    ).token;
    const e = await t.ok('enterprises.create', ENTERPRISE, op);
    const v = await t.ok('volumes.create', volumeOf(e.id), op);
    const opView = await t.ok('volumes.get', { id: v.id }, op);
    expect(opView.transitions.map((x) => x.to)).toEqual(['scanning', 'withdrawn']);
    expect((await t.ok('volumes.get', { id: v.id }, qa)).transitions).toEqual([]);
    const forbidden = await t.fails(
      'volumes.transition',
      { id: v.id, to: 'scanning', expectedState: 'registered' },
      qa,
    );
    expect(forbidden.code).toBe('lifecycle.forbidden');
    const moved = await t.ok(
      'volumes.transition',
      { id: v.id, to: 'scanning', expectedState: 'registered' },
      op,
    );
    expect(moved.state).toBe('scanning');
    const stale = await t.fails(
      'volumes.transition',
      { id: v.id, to: 'scanning', expectedState: 'registered' },
      op,
    );
    expect(stale.code).toBe('volume.conflict');
  });

  it("fills the workbench: my queue by state, today's counts and what needs attention", async () => {
    const t = setup();
    const { op } = await withOperator(t);
    const e = await t.ok('enterprises.create', ENTERPRISE, op);
    const v = await t.ok('volumes.create', volumeOf(e.id), op);
    await t.ok('volumes.create', volumeOf(e.id, 'BG'), op);
    await t.ok('volumes.transition', { id: v.id, to: 'scanning', expectedState: 'registered' }, op);
    t.clock.advance(25 * 3_600_000);
    const op2 = (await t.ok('auth.login', { username: 'wang', password: OP_PW })).token;
    const d = await t.ok('dashboard.get', {}, op2);
    expect(d.queue.map((q) => [q.state, q.count])).toEqual([
      ['registered', 1],
      ['scanning', 1],
    ]);
    expect(d.queue[0]?.volumes[0]?.enterpriseName).toBe('厦门测试有限公司');
    expect(d.attention.map((a) => a.kind)).toEqual(['stale-scan']);
    expect(d.today.volumesRegistered).toBe(0); // yesterday's work
    for (let i = 0; i < 5; i++) await t.call('auth.login', { username: 'wang', password: 'bad' });
    const adminAgain = (await t.ok('auth.login', { username: 'admin', password: ADMIN_PW })).token;
    const ad = await t.ok('dashboard.get', {}, adminAgain);
    expect(ad.attention.some((a) => a.kind === 'locked-user')).toBe(true);
  });
});

describe('labels', () => {
  it('produces a label sheet PDF for chosen volumes', async () => {
    const t = setup();
    const { op } = await withOperator(t);
    const e = await t.ok('enterprises.create', ENTERPRISE, op);
    const v = await t.ok('volumes.create', volumeOf(e.id), op);
    const layouts = await t.ok('labels.layouts', {}, op);
    expect(layouts.map((l) => l.name)).toContain('cover');
    const r = await t.ok('labels.pdf', { volumeIds: [v.id], layout: layouts[0]!.name }, op);
    expect(r.labels).toBe(1);
    expect(r.fileName).toBe('labels-350200-2026-SL-000001.pdf');
    expect(Buffer.from(r.pdfBase64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await t.fails('labels.pdf', { volumeIds: [v.id], layout: 'no-such' }, op)).code).toBe(
      'label.layout',
    );
  });
});
