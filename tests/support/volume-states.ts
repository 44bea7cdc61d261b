import type { Repos } from '../../db/repos';
import { OPERATOR, QA } from './repos';

/** Takes a registered volume through scanning, scanned and catalogued to verified, as the roles would. */
export function verifyVolume(repos: Repos, volumeId: number): void {
  for (const [to, who] of [
    ['scanning', OPERATOR],
    ['scanned', OPERATOR],
    ['catalogued', OPERATOR],
    ['verified', QA],
  ] as const) {
    repos.volumes.transition(volumeId, to, who);
  }
}
