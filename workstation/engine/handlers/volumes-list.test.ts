import { describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../../tests/support/engine-fixture';
import { OPERATOR, USCC_A, USCC_B } from '../../../tests/support/repos';
import { scannedVolume } from '../../../tests/support/scanned-volume';

const OLD = 520;

/**
 * `OLD` scanned volumes of one enterprise, then the volume just scanned (another enterprise, a former
 * name), and one still registered. Each volume 10 ms after the last (the
 * session stays alive), so the order is known.
 */
function workstationWithBacklog(f: EngineFixture) {
  const { repos, clock } = f.ws;
  const older = { uscc: USCC_A, name: '厦门测试有限公司', bureau: '350200' };
  const newer = { uscc: USCC_B, name: '漳州鹭岛新材料有限公司', bureau: '350600' };
  const backlog: number[] = [];
  f.ws.data.db.transaction(() => {
    for (let i = 1; i <= OLD; i++) {
      clock.advance(10);
      backlog.push(scannedVolume(repos, { ...older, serial: i }));
    }
  })();
  clock.advance(10);
  const newest = scannedVolume(repos, { ...newer, serial: 7, type: 'BG' });
  const newerId = repos.volumes.get(newest).enterpriseId;
  repos.enterprises.addAlias(newerId, { kind: 'name', value: '漳州旧名贸易商行' }, OPERATOR);
  clock.advance(10);
  const registered = repos.volumes.create(
    {
      enterpriseId: newerId,
      archiveNo: '350600-2026-SL-000009',
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350600',
    },
    OPERATOR,
  ).id;
  return { backlog, newest, registered };
}

describe('volumes.list on a workstation with more than 500 waiting', () => {
  it('finds the volume just scanned by search and by id, and says how many are not shown', async () => {
    const f = await engineFixture();
    const { backlog, newest, registered } = workstationWithBacklog(f);
    const states = ['scanned', 'rejected', 'catalogued'] as const;
    const ids = (r: { volumes: { id: number }[] }) => r.volumes.map((v) => v.id);

    // Queue order (the default) is the operator's next volume: the oldest first; the newest is cut.
    const queue = await f.ok('volumes.list', { states: [...states], limit: 500 }, f.op);
    expect(queue.total).toBe(OLD + 1);
    expect(ids(queue)).toEqual(backlog.slice(0, 500));
    expect(ids(queue)).not.toContain(newest);

    // A picker lists the latest changed first.
    const recent = await f.ok('volumes.list', { states: [...states], limit: 500, order: 'recent' }, f.op);
    expect(ids(recent)[0]).toBe(newest);
    expect(ids(recent)).toHaveLength(500);
    expect(recent.total).toBe(OLD + 1);

    // Typed text, matched on the engine: part of the 档号, the name, a former name, the code, the type.
    for (const query of [
      '350600-2026',
      'BG-000007',
      '鹭岛新材料',
      '旧名贸易',
      USCC_B.slice(0, 10),
      USCC_B.slice(-6),
      '变更',
      'bg',
    ]) {
      const r = await f.ok('volumes.list', { states: [...states], limit: 20, query }, f.op);
      expect({ query, ids: ids(r), total: r.total }).toEqual({ query, ids: [newest], total: 1 });
    }
    // The enterprise's own name finds all of its volumes; the count tells how many are not shown.
    const many = await f.ok('volumes.list', { states: [...states], limit: 20, query: '厦门测试' }, f.op);
    expect(many.total).toBe(OLD);
    expect(ids(many)).toEqual(backlog.slice(0, 20));
    // Text is text: LIKE wildcards match themselves (nothing here), and a blank query lists all.
    expect((await f.ok('volumes.list', { states: [...states], limit: 20, query: '%' }, f.op)).total).toBe(0);
    expect((await f.ok('volumes.list', { states: [...states], limit: 20, query: '  ' }, f.op)).total).toBe(
      OLD + 1,
    );
    // Only the asked states: the registered volume of the same enterprise is not a search hit...
    const named = await f.ok('volumes.list', { states: [...states], limit: 20, query: '漳州' }, f.op);
    expect(ids(named)).toEqual([newest]);

    // ...but a volume asked for by id (a link, the one just scanned) is always there, first, whatever
    // its state, the text or the order; an unknown id is simply absent.
    const linked = await f.ok(
      'volumes.list',
      { states: [...states], limit: 500, include: [newest, registered, 999_999] },
      f.op,
    );
    expect(ids(linked).slice(0, 2)).toEqual([newest, registered]);
    expect(ids(linked)).toHaveLength(502);
    expect(linked.total).toBe(OLD + 1);
    const twice = await f.ok(
      'volumes.list',
      { states: [...states], limit: 5, query: '漳州', include: [newest] },
      f.op,
    );
    expect(ids(twice)).toEqual([newest]);
  });
});
