import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../../core/codes';
import { StoreIndexRepo } from '../../db/repos/store-index';
import {
  domainError,
  OPERATOR,
  openTestRepos,
  USCC_A,
  USCC_B,
  storeEntry,
  xiamenEnterprise,
} from '../../tests/support/repos';
import { findEnterprises } from './enterprise-search';
import { linkCandidates, linkToUscc } from './link';
import { VolumeRegistration } from './register-volume';
import { FallbackLookup, SyncedIndexLookup, type StoreLookup } from './store-lookup';

const REG = (first14: string) => first14 + regNoCheckDigit(first14);
const REG_1 = REG('35020010000001');

describe('enterprise search', () => {
  it('finds by USCC or 注册号 as typed, by name prefix, substring and a misspelt name', () => {
    const { repos } = openTestRepos();
    const a = xiamenEnterprise(repos, { uscc: USCC_A });
    const b = xiamenEnterprise(repos, { regNo: REG_1 }, '福建闽南测试贸易有限公司');
    expect(findEnterprises(repos, USCC_A.toLowerCase())).toEqual([
      { enterprise: a, match: 'code', score: 1 },
    ]);
    expect(findEnterprises(repos, REG_1).map((m) => m.enterprise.id)).toEqual([b.id]);
    expect(findEnterprises(repos, '厦门测').map((m) => [m.enterprise.id, m.match])).toEqual([
      [a.id, 'prefix'],
    ]);
    expect(findEnterprises(repos, '闽南测试').map((m) => [m.enterprise.id, m.match])).toEqual([
      [b.id, 'contains'],
    ]);
    const fuzzy = findEnterprises(repos, '厦门侧试有限公司');
    expect(fuzzy.map((m) => [m.enterprise.id, m.match])).toEqual([[a.id, 'fuzzy']]);
    expect(findEnterprises(repos, '泉州石材有限公司')).toEqual([]);
  });
});

describe('linking a 注册号-only record to its USCC record', () => {
  it('lists candidates by similar name and records the merge, after which the 注册号 finds the USCC record', () => {
    const { repos } = openTestRepos();
    const old = xiamenEnterprise(repos, { regNo: REG_1 });
    const renamed = xiamenEnterprise(repos, { uscc: USCC_A }, '厦门测试科技有限公司');
    repos.enterprises.create({ uscc: USCC_B, name: '泉州石材有限公司', bureauCode: '350500' }, OPERATOR);
    expect(linkCandidates(repos, old.id).map((c) => [c.enterprise.id, c.reasons])).toEqual([
      [renamed.id, ['similar-name']],
    ]);
    linkToUscc(repos, old.id, renamed.id, '营业执照换照，核对原件一致', OPERATOR);
    expect(repos.enterprises.findByCode(REG_1)?.id).toBe(renamed.id);
    expect(domainError(() => linkCandidates(repos, renamed.id)).code).toBe('enterprise.link-source');
    const audit = [...repos.audit.records()].filter((r) => r.action === 'enterprise.merge');
    expect(audit).toHaveLength(1);
  });
});

describe('volume registration and the duplicate-digitization guard', () => {
  it('numbers volumes from the pattern with the next serial', async () => {
    const { repos } = openTestRepos();
    const e = xiamenEnterprise(repos, { uscc: USCC_A });
    const reg = new VolumeRegistration(repos, null);
    const change = { enterpriseId: e.id, volumeType: 'BG', year: 2024, bureauCode: '350200' } as const;
    const first = await reg.register({ ...change, registrationDate: '20240105' }, OPERATOR);
    const second = await reg.register({ ...change, registrationDate: '20240620' }, OPERATOR);
    expect([first.volume.archiveNo, second.volume.archiveNo]).toEqual([
      '350200-2024-BG-000001',
      '350200-2024-BG-000002',
    ]);
  });

  it('stops on a local volume of the same enterprise (through a merge) and type until a reason is given, and audits it', async () => {
    const { repos } = openTestRepos();
    const old = xiamenEnterprise(repos, { regNo: REG_1 });
    const now = xiamenEnterprise(repos, { uscc: USCC_A });
    const reg = new VolumeRegistration(repos, null);
    const request = { enterpriseId: old.id, volumeType: 'SL', year: 2003, bureauCode: '350200' } as const;
    const { volume: first } = await reg.register(request, OPERATOR);
    repos.enterprises.merge(old.id, now.id, '同一企业', OPERATOR);

    const again = { ...request, enterpriseId: now.id, year: 2026 };
    const e = await reg.register(again, OPERATOR).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({
      code: 'volume.possible-duplicate',
      details: { existing: [{ where: 'local', archiveNo: first.archiveNo }] },
    });
    expect(repos.volumes.listByEnterprise(now.id)).toHaveLength(1);

    const { volume } = await reg.register(again, OPERATOR, { overrideReason: '原件破损，重新扫描补充' });
    const override = [...repos.audit.records()].find((r) => r.action === 'volume.duplicate-override');
    expect(override).toMatchObject({
      objectId: String(volume.id),
      username: OPERATOR.username,
      details: {
        reason: '原件破损，重新扫描补充',
        existing: [{ where: 'local', archiveNo: first.archiveNo }],
      },
    });
    await expect(reg.register(again, OPERATOR, { overrideReason: '   ' })).rejects.toMatchObject({
      code: 'field.required',
    });
  });

  it('consults the store, and offline the last synced index, for a 迁入 volume digitized in another city', async () => {
    const { db, repos, clock } = openTestRepos();
    const e = xiamenEnterprise(repos, { uscc: USCC_A });
    const index = new StoreIndexRepo(db, clock.now);
    index.replace(
      [storeEntry({ volumeType: 'QR' }), storeEntry({ archiveNo: '350100-2019-SL-000009', uscc: USCC_B })],
      'sync 350100',
    );
    const unreachable: StoreLookup = { findDigitized: () => Promise.reject(new Error('ECONNREFUSED')) };
    const reg = new VolumeRegistration(
      repos,
      new FallbackLookup(unreachable, new SyncedIndexLookup(index), 50),
    );
    const request = { enterpriseId: e.id, volumeType: 'QR', year: 2026, bureauCode: '350200' } as const;
    const guard = await reg.check(request);
    expect(guard).toEqual({
      existing: [
        expect.objectContaining({ where: 'store', archiveNo: '350100-2019-SL-000007', node: '350100' }),
      ],
      store: { source: 'index', asOf: clock.now().toISOString() },
    });
    expect(await reg.check({ ...request, volumeType: 'ZX' })).toMatchObject({ existing: [] });

    const live: StoreLookup = {
      findDigitized: () => Promise.resolve({ volumes: [], source: 'live', asOf: null }),
    };
    const online = new VolumeRegistration(repos, new FallbackLookup(live, new SyncedIndexLookup(index)));
    expect((await online.register(request, OPERATOR)).guard.store.source).toBe('live');
  });
});
