import { DomainError } from '../../core/errors';
import type { VolumeState } from '../../core/lifecycle';
import { text } from '../../core/text';
import type { Repos } from '../../db/repos';

/** Until a volume is catalogued its pages may be changed, and every change undone. */
export const EDITABLE: readonly VolumeState[] = ['registered', 'scanning', 'scanned', 'rejected'];

/** Refuses (`pages.locked`) a page change or undo on a volume that is catalogued or beyond. */
export function assertEditable(repos: Repos, volumeId: number): void {
  const volume = repos.volumes.get(volumeId);
  if (!EDITABLE.includes(volume.state)) {
    throw new DomainError(
      'pages.locked',
      text(
        `案卷已著录（状态：${volume.state}），页面不能再修改或撤销`,
        `The volume is catalogued (state: ${volume.state}); its pages can no longer be changed or undone`,
      ),
      { volumeId, state: volume.state },
    );
  }
}
