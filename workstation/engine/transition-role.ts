import { allowedTransitions, type VolumeState } from '../../core/lifecycle';
import type { Role } from '../../core/roles';

/**
 * The role a person acts in for a volume transition: the first of their roles that core/lifecycle
 * allows to make it. When none does, their first role, so that the repository refuses it with the
 * lifecycle's own explanation and audits the denial.
 */
export function chooseRole(roles: readonly Role[], from: VolumeState, to: VolumeState): Role | undefined {
  return roles.find((r) => allowedTransitions(from, r).some((t) => t.to === to)) ?? roles[0];
}
