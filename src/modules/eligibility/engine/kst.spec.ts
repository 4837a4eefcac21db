import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isoInstant,
  kstAge,
  kstDateNumber,
  kstDayKey,
  kstDayStartMs,
  kstWeekKey,
  kstWeekStart,
  parseDateNumber,
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
