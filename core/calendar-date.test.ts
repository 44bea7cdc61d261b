import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCalendarDate8 } from './calendar-date';

describe('isCalendarDate8', () => {
  it('knows month lengths and leap years', () => {
    expect(['20240229', '20000229', '20261231', '19490101'].map(isCalendarDate8)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['20250229', '19000229', '20260431', '20261301', '20260100', '2026-01-01', '2026011'].map(
        isCalendarDate8,
      ),
    ).toEqual(Array(7).fill(false));
  });

  it('property: agrees with the calendar for any 8 digits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (y, m, d) => {
          const s = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
          const date = new Date(Date.UTC(y, m - 1, d));
          const real = m >= 1 && m <= 12 && d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
          expect(isCalendarDate8(s)).toBe(real);
        },
      ),
    );
  });
});
