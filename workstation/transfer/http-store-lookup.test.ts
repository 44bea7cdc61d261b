import { describe, expect, it } from 'vitest';
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
});
