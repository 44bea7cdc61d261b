/** True for `YYYYMMDD` naming a real day of the Gregorian calendar (20240230 is not one). */
export function isCalendarDate8(s: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC avoids DST and time-zone effects.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
