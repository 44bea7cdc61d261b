import { isCalendarDate8 } from '../../core/calendar-date';

export interface VolumeDefaults {
  readonly bureauCode: string;
  readonly year: number;
  readonly volumeType: string;
}

/** 设立登记: the type most volumes are, so the form starts there. */
const DEFAULT_VOLUME_TYPE = 'SL';

/**
 * What the volume form starts with: the enterprise's own bureau (its 档号 are that bureau's), and the
 * 年度 of the registration date when it is a real YYYYMMDD (a 2024 registration is filed under 2024,
 * whenever it is scanned), else the current year on the workstation's clock.
 */
export function volumeDefaults(
  enterprise: { readonly bureauCode: string },
  registrationDate: string | undefined,
  now: Date,
): VolumeDefaults {
  const date = registrationDate?.trim();
  const year = date !== undefined && isCalendarDate8(date) ? Number(date.slice(0, 4)) : now.getFullYear();
  return { bureauCode: enterprise.bureauCode, year, volumeType: DEFAULT_VOLUME_TYPE };
}
