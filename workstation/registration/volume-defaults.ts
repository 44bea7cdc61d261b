import { defaultBureau, type Bureau, type ProvinceConfig } from '../../core/bureaus';
import { isCalendarDate8 } from '../../core/calendar-date';
import { checkCode } from '../../core/codes';

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

/** The division a USCC or 注册号 was issued in (characters 3–8 of a USCC), when it names one. */
export function divisionOfCode(code: string): string | null {
  const r = checkCode(code);
  return r.parts && 'division' in r.parts ? r.parts.division : null;
}

/**
 * The bureau a new enterprise with this code is registered under unless one is chosen (the UI's and
 * the CLI's default): the nearest bureau of the code's division, else the province.
 */
export function defaultEnterpriseBureau(province: ProvinceConfig, code: string | undefined): Bureau {
  return defaultBureau(province, code === undefined ? null : divisionOfCode(code));
}
