import { DomainError, isDomainError } from '../../core/errors';
import { text } from '../../core/text';
import type { Repos, Volume } from '../../db/repos';

/** A volume as a command names it: by id, uid or 档号; `volume.not-found` naming what was typed. */
export function findVolume(repos: Repos, ref: string): Volume {
  const found = /^\d+$/.test(ref)
    ? byId(repos, Number(ref))
    : (repos.volumes.byUid(ref) ?? repos.volumes.findByArchiveNo(ref));
  if (found === null)
    throw new DomainError('volume.not-found', text(`案卷不存在：${ref}`, `No such volume: ${ref}`), { ref });
  return found;
}

function byId(repos: Repos, id: number): Volume | null {
  try {
    return repos.volumes.get(id);
  } catch (e) {
    if (isDomainError(e) && e.code === 'volume.not-found') return null;
    throw e;
  }
}
