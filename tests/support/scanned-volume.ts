import type { Repos } from '../../db/repos';
import { OPERATOR } from './repos';

/**
 * A volume of the enterprise with `uscc` (registered as `name` when new) marked scanned, without
 * pages: a workstation's backlog waiting for cataloguing, as its state alone matters.
 */
export function scannedVolume(
  repos: Repos,
  v: { uscc: string; name: string; bureau: string; serial: number; type?: string },
): number {
  const type = v.type ?? 'SL';
  const e =
    repos.enterprises.findByCode(v.uscc) ??
    repos.enterprises.create({ uscc: v.uscc, name: v.name, bureauCode: v.bureau }, OPERATOR);
  const volume = repos.volumes.create(
    {
      enterpriseId: e.id,
      archiveNo: `${v.bureau}-2026-${type}-${String(v.serial).padStart(6, '0')}`,
      volumeType: type,
      year: 2026,
      bureauCode: v.bureau,
    },
    OPERATOR,
  );
  repos.volumes.transition(volume.id, 'scanning', OPERATOR);
  repos.volumes.transition(volume.id, 'scanned', OPERATOR);
  return volume.id;
}
