import type { Reference, VolumeState } from '../../core/contracts';
import type { I18n } from '../i18n/i18n';

export function stateName(reference: Reference, state: VolumeState, i18n: I18n): string {
  const s = reference.states.find((x) => x.state === state);
  return s ? i18n.tx(s.name) : state;
}

export function volumeTypeName(reference: Reference, code: string, i18n: I18n): string {
  const v = reference.volumeTypes.find((x) => x.code === code);
  return v ? i18n.t(v.name, v.nameEn) : code;
}

export function bureauName(reference: Reference, code: string, i18n: I18n): string {
  const b = reference.bureaus.find((x) => x.code === code);
  return b ? i18n.t(b.name, b.nameEn) : code;
}

/** ISO time → local `YYYY-MM-DD HH:mm`. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const STATE_COLORS: Readonly<Record<VolumeState, string>> = {
  registered: 'default',
  scanning: 'processing',
  scanned: 'cyan',
  catalogued: 'blue',
  verified: 'green',
  queued: 'purple',
  transferred: 'geekblue',
  archived: 'success',
  rejected: 'error',
  withdrawn: 'default',
};
