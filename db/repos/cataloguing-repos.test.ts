import { describe, expect, it } from 'vitest';
import { regNoCheckDigit } from '../../core/codes';
import {
  domainError,
  OPERATOR,
  openTestRepos,
  seedVolume,
  storeEntry,
  USCC_A,
  xiamenEnterprise,
} from '../../tests/support/repos';
import { StoreIndexRepo } from './store-index';

// The repository additions made for cataloguing (issue 4).
describe('repository additions for cataloguing', () => {
  it('documents: blank pages and separator sheets may lie between documents; a content page may not', () => {
    const { repos } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    const flags = ['s', 'c', 'b', 'c', 'c'];
    flags.forEach((f, i) => {
      const p = repos.pages.addCaptured({
        volumeId,
        blob: { sha256: String(i).padStart(64, 'e'), size: 1, mediaType: 'image/png' },
      });
      repos.pages.setFlags(p.id, { isSeparator: f === 's', isBlank: f === 'b' });
    });
    const doc = (firstPage: number, lastPage: number) => ({
      typeCode: 'APP',
      title: '申请书',
      firstPage,
      lastPage,
    });
    expect(repos.documents.replaceAll(volumeId, [doc(2, 2), doc(4, 5)], OPERATOR)).toHaveLength(2);
    expect(
      domainError(() => repos.documents.replaceAll(volumeId, [doc(2, 2), doc(5, 5)], OPERATOR)).code,
    ).toBe('documents.gap');
  });

  it('volumes: page-count reason (audited, unchanged reason not re-audited) and lookup by 档号', () => {
    const { repos } = openTestRepos();
    const { volumeId } = seedVolume(repos);
    expect(repos.volumes.setPageCountReason(volumeId, '  原卷缺第 3 页  ', OPERATOR).pageCountReason).toBe(
      '原卷缺第 3 页',
    );
    repos.volumes.setPageCountReason(volumeId, '原卷缺第 3 页', OPERATOR);
    expect([...repos.audit.records()].filter((r) => r.action === 'volume.page-count-reason')).toHaveLength(1);
    expect(repos.volumes.setPageCountReason(volumeId, null, OPERATOR).pageCountReason).toBeNull();
    expect(repos.volumes.findByArchiveNo('350200-2026-sl-000001')?.id).toBe(volumeId);
    expect(repos.volumes.findByArchiveNo('350200-2026-SL-000009')).toBeNull();
    expect(repos.volumes.archiveNumberPattern.source).toBe('{bureau}-{year}-{type}-{serial:6}');
  });

  it('enterprises: the family of merged records, and candidates by shared character pairs', () => {
    const { repos } = openTestRepos();
    const reg = '35020010000001' + regNoCheckDigit('35020010000001');
    const old = xiamenEnterprise(repos, { regNo: reg }, '厦门测试公司');
    const now = xiamenEnterprise(repos, { uscc: USCC_A });
    repos.enterprises.merge(old.id, now.id, '同一企业', OPERATOR);
    expect(repos.enterprises.family(now.id).map((e) => e.id)).toEqual([old.id, now.id]);
    expect(repos.enterprises.searchByGrams(['测试']).map((e) => e.id)).toEqual([now.id]); // merged record left out
    expect(repos.enterprises.searchByGrams([])).toEqual([]);
  });

  it('store index: replaced as a whole, looked up by any code and type, with the time of the sync', () => {
    const { db, clock } = openTestRepos();
    const index = new StoreIndexRepo(db, clock.now);
    expect(index.lastSync()).toBeNull();
    const entry = storeEntry({ uscc: USCC_A.toLowerCase(), registrationDate: '20190102' });
    index.replace([entry, { ...entry, archiveNo: '350100-2019-BG-000001', volumeType: 'BG' }], 'sync');
    expect(index.find([USCC_A], 'SL').map((e) => [e.archiveNo, e.uscc])).toEqual([
      ['350100-2019-SL-000007', USCC_A],
    ]);
    clock.advance(1000);
    expect(index.replace([], 'sync again')).toEqual({
      syncedAt: clock.now().toISOString(),
      source: 'sync again',
      entries: 0,
    });
    expect(index.find([USCC_A], 'SL')).toEqual([]);
  });
});
