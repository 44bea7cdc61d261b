import { describe, expect, it } from 'vitest';
import { openTestRepos } from '../../tests/support/repos';

describe('BatchesRepo', () => {
  it('opens a batch with its device and profile, then closes it once', () => {
    const { repos, clock } = openTestRepos();
    const b = repos.batches.open({
      device: 'sane:fujitsu:fi-7160',
      profile: { dpi: 300, duplex: true, color: 'color' },
      operatorId: null,
    });
    expect(b).toMatchObject({
      state: 'open',
      device: 'sane:fujitsu:fi-7160',
      profile: { dpi: 300, duplex: true, color: 'color' },
      finishedAt: null,
    });
    expect(b.uid).toMatch(/^[0-9a-f-]{36}$/);
    clock.advance(60_000);
    expect(repos.batches.close(b.id)).toMatchObject({
      state: 'closed',
      finishedAt: '2026-03-01T08:01:00.000Z',
    });
    expect(() => repos.batches.close(b.id)).toThrow(expect.objectContaining({ code: 'batch.not-open' }));
    expect(() => repos.batches.abort(b.id)).toThrow(expect.objectContaining({ code: 'batch.not-open' }));
    expect(repos.batches.get(b.id).state).toBe('closed');
  });

  it('aborts an open batch; unknown batches and empty devices are refused', () => {
    const { repos } = openTestRepos();
    const b = repos.batches.open({ device: 'folder:/scans', profile: {}, operatorId: null });
    expect(repos.batches.abort(b.id).state).toBe('aborted');
    expect(() => repos.batches.get(42)).toThrow(expect.objectContaining({ code: 'batch.not-found' }));
    expect(() => repos.batches.close(42)).toThrow(expect.objectContaining({ code: 'batch.not-found' }));
    expect(() => repos.batches.open({ device: ' ', profile: {}, operatorId: null })).toThrow(
      expect.objectContaining({ code: 'batch.invalid-device' }),
    );
  });
});
