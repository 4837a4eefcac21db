import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  formatKstMinute,
  formatKstMonth,
  isoInstant,
  kstAge,
  kstDateNumber,
  kstDayKey,
  kstDayRange,
  kstDaysInclusive,
  kstDayStart,
  kstDayStartMs,
  kstMonthKey,
  kstMonthOf,
  kstMonthRange,
  kstMonthStartMs,
  kstTime,
  kstWeekKey,
  kstWeekStart,
  kstWeekStartMs,
  nextKstMonth,
  previousKstMonth,
  koreanMonth,
  parseDateNumber,
  parseKstMonth,
  parseOffsetInstant,
  toKstIso,
} from './kst.js';

const at = (text: string): Date => new Date(text);

describe('KST calendar arithmetic', () => {
  it('puts 15:00 UTC on the next KST day and 14:59 UTC on the same one', () => {
    expect(kstDayKey(at('2026-11-24T14:59:59.999Z'))).toBe('2026-11-24');
    expect(kstDayKey(at('2026-11-24T15:00:00.000Z'))).toBe('2026-11-25');
  });

  it('starts a KST day at 15:00 UTC the day before', () => {
    expect(new Date(kstDayStartMs(Date.parse('2026-11-24T03:00:00Z'))).toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
  });

  it('starts a week on Monday 00:00 KST (Sunday 15:00 UTC)', () => {
    expect(kstWeekStart(at('2026-11-29T23:59:59+09:00')).toISOString()).toBe(
      '2026-11-22T15:00:00.000Z',
    );
    expect(kstWeekStart(at('2026-11-30T00:00:00+09:00')).toISOString()).toBe(
      '2026-11-29T15:00:00.000Z',
    );
    expect(kstWeekKey(at('2026-11-30T00:00:00+09:00'))).toBe('2026-11-30');
    expect(kstWeekKey(at('1969-12-31T12:00:00+09:00'))).toBe('1969-12-29');
  });

  it('agrees with the ECMAScript calendar on every day of four centuries', () => {
    const day = 86_400_000;
    for (let ms = Date.UTC(1900, 0, 1, 3); ms < Date.UTC(2300, 0, 1); ms += day) {
      const d = new Date(ms + 9 * 3_600_000);
      const expected = d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
      if (kstDateNumber(ms) !== expected) expect(kstDateNumber(ms)).toBe(expected);
    }
  });

  it('reads only real calendar dates', () => {
    expect(parseDateNumber('2008-11-25')).toBe(20081125);
    expect(parseDateNumber('2008-02-29')).toBe(20080229);
    expect(parseDateNumber('2009-02-29')).toBeNaN();
    expect(parseDateNumber('2008-13-01')).toBeNaN();
    expect(parseDateNumber('2008-1-01')).toBeNaN();
    expect(parseDateNumber('20081125')).toBeNaN();
    expect(parseDateNumber('2008-11-2x')).toBeNaN();
  });

  it('makes a person one year older on the KST birthday, not the UTC one', () => {
    expect(kstAge('2008-11-25', at('2026-11-24T23:59:59+09:00'))).toBe(17);
    // 2026-11-24 15:00 UTC is already 2026-11-25 in Seoul.
    expect(kstAge('2008-11-25', at('2026-11-24T15:00:00Z'))).toBe(18);
  });

  it('makes someone born on 29 February older on 1 March in common years', () => {
    expect(kstAge('2008-02-29', at('2026-02-28T12:00:00+09:00'))).toBe(17);
    expect(kstAge('2008-02-29', at('2026-03-01T00:00:00+09:00'))).toBe(18);
    expect(kstAge('2008-02-29', at('2028-02-29T00:00:00+09:00'))).toBe(20);
  });

  it('gives no age for a birth date that is not a date', () => {
    expect(kstAge('2008-02-30', at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('writes instants exactly as Date.prototype.toISOString does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2_000 },
    );
    for (const ms of [0, -1, 951_782_400_000, -62_167_219_200_001, 253_402_300_800_000]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('KST days as text', () => {
  it("starts a KST date at 15:00 UTC the day before and ends it at the next day's start", () => {
    expect(kstDayStart('2026-12-01').toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(kstDayRange('2026-12-01', '2026-12-07')).toEqual({
      start: new Date('2026-11-30T15:00:00Z'),
      end: new Date('2026-12-07T15:00:00Z'),
    });
  });

  it('counts KST days with both ends included, across a month and a year end', () => {
    expect(kstDaysInclusive('2026-12-01', '2026-12-01')).toBe(1);
    expect(kstDaysInclusive('2026-12-31', '2027-01-01')).toBe(2);
    expect(kstDaysInclusive('2028-02-28', '2028-03-01')).toBe(3);
  });

  it('keeps the last millisecond of a KST day on that day and the next one on the next', () => {
    const start = kstDayStartMs(Date.parse('2026-12-01T12:00:00+09:00'));
    expect(kstDayKey(start - 1)).toBe('2026-11-30');
    expect(kstDayKey(start)).toBe('2026-12-01');
    expect(kstDayKey(start + DAY_MS - 1)).toBe('2026-12-01');
    expect(kstDayKey(start + DAY_MS)).toBe('2026-12-02');
  });

  it('ends a KST week at Sunday 24:00 KST', () => {
    const monday = Date.parse('2026-11-30T00:00:00+09:00');
    expect(kstWeekStartMs(monday - 1)).toBe(Date.parse('2026-11-23T00:00:00+09:00'));
    expect(kstWeekStartMs(monday)).toBe(monday);
    expect(kstWeekStartMs(monday + 7 * DAY_MS - 1)).toBe(monday);
  });
});

describe('KST months', () => {
  it('starts a KST month at 15:00 UTC on the last day of the UTC month before', () => {
    expect(new Date(kstMonthStartMs({ year: 2026, month: 12 })).toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
    expect(kstMonthRange({ year: 2026, month: 11 })).toEqual({
      from: new Date('2026-10-31T15:00:00Z'),
      to: new Date('2026-11-30T15:00:00Z'),
    });
  });

  it('puts an instant in the KST month, not the UTC one, on both sides of the boundary', () => {
    expect(kstMonthKey(at('2026-11-30T14:59:59.999Z'))).toBe('2026-11');
    expect(kstMonthKey(at('2026-11-30T15:00:00.000Z'))).toBe('2026-12');
    expect(kstMonthOf(Date.parse('2027-01-01T00:00:00+09:00'))).toEqual({ year: 2027, month: 1 });
    expect(kstMonthOf(Date.parse('2027-01-01T00:00:00+09:00') - 1)).toEqual({
      year: 2026,
      month: 12,
    });
  });

  it('follows December with January of the next year, and spans leap Februaries whole', () => {
    expect(nextKstMonth({ year: 2026, month: 12 })).toEqual({ year: 2027, month: 1 });
    expect(nextKstMonth({ year: 2026, month: 1 })).toEqual({ year: 2026, month: 2 });
    const feb2028 = kstMonthRange({ year: 2028, month: 2 });
    expect((feb2028.to.getTime() - feb2028.from.getTime()) / DAY_MS).toBe(29);
    const feb2100 = kstMonthRange({ year: 2100, month: 2 });
    expect((feb2100.to.getTime() - feb2100.from.getTime()) / DAY_MS).toBe(28);
  });

  it('precedes January with December of the year before, and writes a month the Korean way', () => {
    expect(previousKstMonth({ year: 2027, month: 1 })).toEqual({ year: 2026, month: 12 });
    expect(previousKstMonth({ year: 2026, month: 11 })).toEqual({ year: 2026, month: 10 });
    expect(koreanMonth({ year: 2026, month: 3 })).toBe('2026년 3월');
  });

  it('holds every instant in exactly the month whose range contains it', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) }), (ms) => {
        const { from, to } = kstMonthRange(kstMonthOf(ms));
        expect(from.getTime()).toBeLessThanOrEqual(ms);
        expect(to.getTime()).toBeGreaterThan(ms);
        expect(kstDayKey(from).endsWith('-01')).toBe(true);
        expect(kstDayKey(to).endsWith('-01')).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads and writes months as YYYY-MM, refusing anything else', () => {
    expect(parseKstMonth('2026-11')).toEqual({ year: 2026, month: 11 });
    expect(formatKstMonth({ year: 2026, month: 1 })).toBe('2026-01');
    expect(formatKstMonth({ year: 50, month: 3 })).toBe('0050-03');
    for (const bad of ['2026-13', '2026-00', '2026-1', '202611', '2026-11-01', ' 2026-11']) {
      expect(parseKstMonth(bad)).toBeUndefined();
    }
  });

  it('reads the years 0–99 as themselves, not as 1900–1999', () => {
    const month = parseKstMonth('0050-03');
    expect(month).toEqual({ year: 50, month: 3 });
    expect(kstMonthKey(kstMonthStartMs(month!))).toBe('0050-03');
  });
});

describe('instants as KST text', () => {
  it('writes an instant as KST wall time with its +09:00 offset', () => {
    expect(toKstIso(at('2026-12-01T00:00:00Z'))).toBe('2026-12-01T09:00:00+09:00');
    expect(toKstIso(at('2026-11-30T15:00:00Z'))).toBe('2026-12-01T00:00:00+09:00');
  });

  it('writes an instant for people to the minute, on the KST day', () => {
    expect(formatKstMinute(at('2026-11-24T14:59:00Z'))).toBe('2026-11-24 23:59');
    expect(formatKstMinute(at('2026-11-24T15:00:00Z'))).toBe('2026-11-25 00:00');
  });

  it('splits an instant into its KST day, time, hour and weekday', () => {
    // Saturday 2026-10-31 15:30 UTC is Sunday 2026-11-01 00:30 KST.
    expect(kstTime(at('2026-10-31T15:30:00Z'))).toEqual({
      day: '2026-11-01',
      time: '00:30',
      hour: 0,
      weekday: 0,
    });
  });

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) }), (ms) => {
        const whole = ms - (ms % 1_000);
        expect(parseOffsetInstant(toKstIso(new Date(whole)))?.getTime()).toBe(whole);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads a date-time only with its offset, and only on a real calendar day', () => {
    expect(parseOffsetInstant('2026-12-01T09:00:00+09:00')).toEqual(at('2026-12-01T00:00:00Z'));
    expect(parseOffsetInstant('2026-12-01T09:00+09:00')).toEqual(at('2026-12-01T00:00:00Z'));
    expect(parseOffsetInstant('2026-12-01T00:00:00.250Z')).toEqual(at('2026-12-01T00:00:00.250Z'));
    for (const bad of [
      '2026-12-01T09:00:00',
      '2026-12-01',
      '2026-02-30T09:00:00+09:00',
      '2026-12-01T24:00:00+09:00',
      '2026-12-01 09:00:00+09:00',
      '2026-12-01T09:00:00+0900',
      '',
    ]) {
      expect(parseOffsetInstant(bad)).toBeUndefined();
    }
  });
});
