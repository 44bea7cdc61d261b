import type { EnterpriseView, UserView, VolumeView } from '../../core/contracts';
import type { Enterprise, User, Volume } from '../../db/repos';

// Repository records → API shapes. Only what the UI may see leaves the engine (no hashes, no counters).

export function userView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: [...u.roles],
    passwordChangedAt: u.passwordChangedAt,
    mustChangePassword: u.mustChangePassword,
    lockedUntil: u.lockedUntil,
    disabledAt: u.disabledAt,
    createdAt: u.createdAt,
  };
}

export function enterpriseView(e: Enterprise): EnterpriseView {
  return {
    id: e.id,
    uscc: e.uscc,
    regNo: e.regNo,
    name: e.name,
    bureauCode: e.bureauCode,
    createdAt: e.createdAt,
    mergedIntoId: e.mergedIntoId,
  };
}

export function volumeView(v: Volume): VolumeView {
  return {
    id: v.id,
    uid: v.uid,
    enterpriseId: v.enterpriseId,
    archiveNo: v.archiveNo,
    volumeType: v.volumeType,
    year: v.year,
    registrationDate: v.registrationDate,
    bureauCode: v.bureauCode,
    declaredPages: v.declaredPages,
    state: v.state,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
