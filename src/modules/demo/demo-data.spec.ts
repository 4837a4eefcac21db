import { describe, expect, it } from 'vitest';
import { DAY_MS, kstAge, toKstIso } from '../../platform/time/kst.js';
import { DEMO_SHIFTS, minorBirthDate, shiftWindow } from './demo-data.js';

describe(minorBirthDate.name, () => {
  it.each([
    ['an ordinary day', '2026-12-05T03:00:00Z'],
    ['just before midnight KST', '2026-12-31T14:59:00Z'],
    ['29 February', '2028-02-29T01:00:00Z'],
    ['1 March after a leap day', '2028-03-01T01:00:00Z'],
  ])('makes the minor 17 on every day of the demo week, on %s', (_case, at) => {
    const now = new Date(at);
    const birthDate = minorBirthDate(now);

    for (let day = 0; day <= 8; day++) {
      expect(kstAge(birthDate, new Date(now.getTime() + day * DAY_MS))).toBe(17);
    }
  });
});

describe(shiftWindow.name, () => {
  it('places each shift on its KST day after the run, at its KST hour, for its hours', () => {
    // 2026-12-05 23:30 KST: "tomorrow" is the 6th in Seoul although it is still the 5th in UTC.
    const now = new Date('2026-12-05T14:30:00Z');
    const night = DEMO_SHIFTS.find((s) => s.startHour === 22)!;

    const { startsAt, endsAt } = shiftWindow(night, now);

    expect(toKstIso(startsAt)).toBe(
      `2026-12-${String(5 + night.day).padStart(2, '0')}T22:00:00+09:00`,
    );
    expect(endsAt.getTime() - startsAt.getTime()).toBe(night.hours * 3_600_000);
  });

  it('keeps every shift within the next 7 KST days', () => {
    const now = new Date('2026-12-05T03:00:00Z');
    for (const shift of DEMO_SHIFTS) {
      const { startsAt } = shiftWindow(shift, now);
      expect(startsAt.getTime()).toBeGreaterThan(now.getTime());
      expect(startsAt.getTime()).toBeLessThan(now.getTime() + 8 * DAY_MS);
    }
  });
});
