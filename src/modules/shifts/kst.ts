import { DAY_MS, KST_OFFSET_MS } from '../eligibility/engine/kst.js';

/**
 * Asia/Seoul is UTC+9 all year (no daylight saving since 1988), so KST conversions are a fixed
 * offset: no time zone database needed.
 */

/** An instant as a KST local date-time with its offset: `2026-12-01T09:00:00+09:00`. */
export function toKstIso(at: Date): string {
  return `${new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

/** The instant a KST calendar day (`YYYY-MM-DD`) starts: 00:00 KST is 15:00 UTC the day before. */
export function kstDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - KST_OFFSET_MS);
}

/** Whole KST days from `from` to `to`, both included (`2026-12-01`..`2026-12-01` is 1). */
export function kstDaysInclusive(from: string, to: string): number {
  return Math.round((kstDayStart(to).getTime() - kstDayStart(from).getTime()) / DAY_MS) + 1;
}

/** The KST range `[from 00:00, the day after to 00:00)` as instants. */
export function kstDayRange(from: string, to: string): { start: Date; end: Date } {
  return { start: kstDayStart(from), end: new Date(kstDayStart(to).getTime() + DAY_MS) };
}
