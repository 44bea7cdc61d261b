import { describe, expect, it } from 'vitest';
import { OPERATOR, QA, openTestRepos, seedVolume } from '../../tests/support/repos';
import { DesktopQueries } from './desktop-queries';

describe('工作台 counts (DesktopQueries.since)', () => {
  it('counts volumes, not events: a volume submitted twice is catalogued once', () => {
    const { db, repos } = openTestRepos();
    const q = new DesktopQueries(db);
    const first = seedVolume(repos, 1).volumeId;
    for (const to of ['scanning', 'scanned', 'catalogued'] as const)
      repos.volumes.transition(first, to, OPERATOR);
    // QA sends it back, the operator fixes it and submits it again; QA rejects it once more.
    repos.volumes.transition(first, 'rejected', QA);
    repos.volumes.transition(first, 'catalogued', OPERATOR);
    repos.volumes.transition(first, 'rejected', QA);
    const since = '2000-01-01T00:00:00.000Z';
    expect(q.since(since, null)).toMatchObject({ volumesCatalogued: 1, volumesRejected: 1 });
    const second = seedVolume(repos, 2).volumeId;
    for (const to of ['scanning', 'scanned', 'catalogued'] as const)
      repos.volumes.transition(second, to, OPERATOR);
    expect(q.since(since, null)).toMatchObject({
      volumesCatalogued: 2,
      volumesRejected: 1,
      volumesRegistered: 2,
    });
  });
});
