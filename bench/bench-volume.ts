import type { Repos } from '../db/repos';
import type { Actor } from '../db/repos/actor';
import type { Volume } from '../db/repos/volumes';

/**
 * A 厦门 enterprise and the registered volume a benchmark puts its pages into, 350200-2026-SL-{serial},
 * in a fresh data folder. Not tests/support/repos.ts: that one needs vitest.
 */
export function benchVolume(
  repos: Repos,
  actor: Actor,
  options: { serial?: number; declaredPages?: number; name?: string } = {},
): Volume {
  const enterprise = repos.enterprises.create(
    { uscc: '91350200776049653A', name: options.name ?? '基准测试有限公司', bureauCode: '350200' },
    actor,
  );
  return repos.volumes.create(
    {
      enterpriseId: enterprise.id,
      archiveNo: `350200-2026-SL-${String(options.serial ?? 1).padStart(6, '0')}`,
      volumeType: 'SL',
      year: 2026,
      bureauCode: '350200',
      ...(options.declaredPages === undefined ? {} : { declaredPages: options.declaredPages }),
    },
    actor,
  );
}
