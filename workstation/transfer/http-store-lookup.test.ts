import { describe, expect, it } from 'vitest';
import { OPERATOR, REG_NO, USCC_B } from '../../tests/support/repos';
import { connect, startTestStore } from '../../tests/support/test-store';
import { openTestWorkstation, seedVerifiedVolume } from '../../tests/support/transfer-fixtures';
import { HttpStoreLookup } from './http-store-lookup';
import { uploadVolume } from './store-client';

describe('HttpStoreLookup (the duplicate-digitization guard, live)', () => {
  it('finds an enterprise’s stored volumes by USCC, and by 注册号 once it is an alias', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { pages: 1 });
    await uploadVolume({ ...ws, now: ws.clock.now }, conn, v.volumeId);
    const lookup = new HttpStoreLookup(conn);
    const byUscc = await lookup.findDigitized({ codes: ['91350200776049653A'], volumeType: 'SL' });
    expect(byUscc.source).toBe('live');
    expect(byUscc.volumes.map((x) => x.archiveNo)).toEqual(['350200-2026-SL-000001']);
    expect((await lookup.findDigitized({ codes: ['91350200776049653A'], volumeType: 'BG' })).volumes).toEqual(
      [],
    );
    expect((await lookup.findDigitized({ codes: ['110108000000016'], volumeType: 'SL' })).volumes).toEqual(
      [],
    );
    const id = store.repo.findEnterprise('91350200776049653A');
    if (id === null) throw new Error('enterprise not stored');
    store.repo.addAlias(id, 'regno', '110108000000016');
    expect(
      (await lookup.findDigitized({ codes: ['110108000000016'], volumeType: 'SL' })).volumes,
    ).toHaveLength(1);
  });

  it('carries a workstation’s 注册号 → USCC merge in catalogue.json; the store links the records, and finds both volumes by either code', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const deps = { ...ws, now: ws.clock.now };
    // An old volume filed under the 注册号-only record reaches the store first.
    const old = ws.repos.enterprises.create(
      { regNo: REG_NO, name: '厦门老字号公司', bureauCode: '350200' },
      OPERATOR,
    );
    const first = seedVerifiedVolume(ws, { uscc: REG_NO, serial: 1, pages: 1 });
    await uploadVolume(deps, conn, first.volumeId);
    const lookup = new HttpStoreLookup(conn);
    const find = async (code: string) =>
      (await lookup.findDigitized({ codes: [code], volumeType: 'SL' })).volumes
        .map((x) => x.archiveNo)
        .sort();
    expect(await find(USCC_B)).toEqual([]);
    // The workstation learns the USCC record is the same enterprise and merges the old one into it.
    const current = ws.repos.enterprises.create(
      { uscc: USCC_B, name: '厦门老字号有限公司', bureauCode: '350200' },
      OPERATOR,
    );
    ws.repos.enterprises.merge(old.id, current.id, '同一主体：营业执照换发', OPERATOR);
    const second = seedVerifiedVolume(ws, { uscc: USCC_B, serial: 2, pages: 1 });
    const sent = await uploadVolume(deps, conn, second.volumeId);
    expect(sent.receipt.body.version).toBe(1);
    const both = [first.archiveNo, second.archiveNo].sort();
    expect(await find(USCC_B)).toEqual(both);
    expect(await find(REG_NO)).toEqual(both);
    const merged = store.db
      .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'enterprise.merge'")
      .get() as { n: number };
    expect(merged.n).toBe(1);
    // Sending the merged volume again links nothing twice.
    await uploadVolume(deps, conn, second.volumeId);
    expect((store.db.prepare('SELECT count(*) AS n FROM enterprise_merges').get() as { n: number }).n).toBe(
      1,
    );
  });

  it('an alias code known only on the workstation becomes a store alias the guard finds', async () => {
    const { store, url } = await startTestStore();
    const ws = openTestWorkstation();
    const conn = connect(store, url, ws);
    const v = seedVerifiedVolume(ws, { uscc: USCC_B, pages: 1 });
    const e = ws.repos.enterprises.findByCode(USCC_B);
    if (!e) throw new Error('no enterprise');
    ws.repos.enterprises.addAlias(e.id, { kind: 'regno', value: REG_NO }, OPERATOR);
    await uploadVolume({ ...ws, now: ws.clock.now }, conn, v.volumeId);
    const found = await new HttpStoreLookup(conn).findDigitized({ codes: [REG_NO], volumeType: 'SL' });
    expect(found.volumes.map((x) => x.archiveNo)).toEqual([v.archiveNo]);
  });
});
