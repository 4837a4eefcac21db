/**
 * The one home of business time: the KST calendar (Asia/Seoul) by epoch-millisecond arithmetic.
 * Korea has had no daylight saving since 1988, so KST is UTC+9 all year and a fixed offset is
 * exact: no time zone database (nor `Intl`, nor a date library) is needed, and none is used
 * because the eligibility engine calls the day and week helpers hundreds of thousands of times a
 * second: nothing on that path allocates a `Date`; the `Date`-taking helpers are for callers.
 *
 * Days run 00:00 to 24:00 KST, weeks Monday 00:00 to Sunday 24:00 KST, months the first 00:00 KST
 * to the next month's. Instants are stored in UTC; text in KST carries its `+09:00`.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** The one KST offset of the code base: kept here so no caller does its own offset arithmetic. */
const KST_OFFSET_MS = 9 * HOUR_MS;

/** The instant of 00:00 KST of the KST day holding `ms`. */
export function kstDayStartMs(ms: number): number {
  const local = ms + KST_OFFSET_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - KST_OFFSET_MS;
}

/** The instant of Monday 00:00 KST of the Monday–Sunday KST week holding `ms`. */
export function kstWeekStartMs(ms: number): number {
  const days = Math.floor((ms + KST_OFFSET_MS) / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const sinceMonday = (((days + 3) % 7) + 7) % 7;
  return (days - sinceMonday) * DAY_MS - KST_OFFSET_MS;
}

/** The proleptic Gregorian date of a day count since 1970-01-01, as the number `yyyymmdd`. */
function dateNumberOfDays(days: number): number {
  // Howard Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/** The KST calendar date of `ms` as the number `yyyymmdd` (e.g. 20261124). */
export function kstDateNumber(ms: number): number {
  return dateNumberOfDays(Math.floor((ms + KST_OFFSET_MS) / DAY_MS));
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysOfDate(year: number, month: number, day: number): number {
  // `Date.UTC` would do, but it reads the years 0–99 as 1900–1999.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `Date.prototype.toISOString` without the `Date`: the same text, several times faster, which
 * counts when a verdict lists many conflicting assignments.
 */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const date = dateNumberOfDays(days);
  if (date < 10_000 || date >= 100_000_000) return new Date(ms).toISOString();
  let rest = ms - days * DAY_MS;
  const hour = Math.floor(rest / HOUR_MS);
  rest -= hour * HOUR_MS;
  const minute = Math.floor(rest / MINUTE_MS);
  rest -= minute * MINUTE_MS;
  const second = Math.floor(rest / 1_000);
  const milli = rest - second * 1_000;
  return `${formatDateNumber(date)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function formatDateNumber(n: number): string {
  const year = Math.floor(n / 10_000);
  const month = Math.floor(n / 100) % 100;
  const day = n % 100;
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(month)}-${pad2(day)}`;
}

/** The KST calendar day of an instant, `YYYY-MM-DD`. */
export function kstDayKey(at: Date | number): string {
  return formatDateNumber(kstDateNumber(typeof at === 'number' ? at : at.getTime()));
}

/** The Monday 00:00 KST that starts the week of `at`, as an instant. */
export function kstWeekStart(at: Date): Date {
  return new Date(kstWeekStartMs(at.getTime()));
}

/** The KST day (`YYYY-MM-DD`) of the Monday that starts the week of `at`. */
export function kstWeekKey(at: Date | number): string {
  return kstDayKey(kstWeekStartMs(typeof at === 'number' ? at : at.getTime()));
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` as the number `yyyymmdd`, or NaN when it is not a real calendar date. */
export function parseDateNumber(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    if (i < 4) year = year * 10 + digit;
    else if (i < 7) month = month * 10 + digit;
    else day = day * 10 + digit;
  }
  if (month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const limit = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day > limit ? NaN : year * 10_000 + month * 100 + day;
}

/**
 * Age in completed years on the KST calendar day of `atMs`, for a birth date `yyyymmdd`: one year
 * older on the birthday itself (born 2008-11-25: 17 on 2026-11-24, 18 on 2026-11-25). Born on
 * 29 February: one year older on 1 March in common years (Civil Act arts. 158, 160).
 */
export function ageOnDateNumber(birthDateNumber: number, atMs: number): number {
  return Math.floor((kstDateNumber(atMs) - birthDateNumber) / 10_000);
}

/** Age in completed years at `at` (KST calendar); undefined when the birth date is not a date. */
export function kstAge(birthDate: string, at: Date): number | undefined {
  const birth = parseDateNumber(birthDate);
  return Number.isNaN(birth) ? undefined : ageOnDateNumber(birth, at.getTime());
}

/** Milliseconds of [fromA, toA) that fall in [fromB, toB). */
export function overlapMs(fromA: number, toA: number, fromB: number, toB: number): number {
  const from = fromA > fromB ? fromA : fromB;
  const to = toA < toB ? toA : toB;
  return to > from ? to - from : 0;
}

// --- days as text --------------------------------------------------------------------------

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

// --- months ----------------------------------------------------------------------------------

/** A KST calendar month; `month` runs 1–12. */
export interface KstMonth {
  year: number;
  month: number;
}

/** The KST month holding an instant. */
export function kstMonthOf(at: Date | number): KstMonth {
  const date = kstDateNumber(typeof at === 'number' ? at : at.getTime());
  return { year: Math.floor(date / 10_000), month: Math.floor(date / 100) % 100 };
}

/** The instant of 00:00 KST on the first day of a KST month. */
export function kstMonthStartMs({ year, month }: KstMonth): number {
  return daysOfDate(year, month, 1) * DAY_MS - KST_OFFSET_MS;
}

/** The month after `month` (December is followed by January of the next year). */
export function nextKstMonth({ year, month }: KstMonth): KstMonth {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** The month before `month` (January is preceded by December of the year before). */
export function previousKstMonth({ year, month }: KstMonth): KstMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** A month as Koreans write it: `2026년 11월` (report titles, notices). */
export function koreanMonth({ year, month }: KstMonth): string {
  return `${year}년 ${month}월`;
}

/** The instants a KST calendar month spans: `[from, to)`, `to` being the next month's start. */
export function kstMonthRange(month: KstMonth): { from: Date; to: Date } {
  return {
    from: new Date(kstMonthStartMs(month)),
    to: new Date(kstMonthStartMs(nextKstMonth(month))),
  };
}

/** A KST month as `YYYY-MM`. */
export function formatKstMonth({ year, month }: KstMonth): string {
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(month)}`;
}

/** The KST month of an instant as `YYYY-MM`. */
export function kstMonthKey(at: Date | number): string {
  return formatKstMonth(kstMonthOf(at));
}

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` as a month, or undefined when it is not one (`2026-13`, `2026-1`, `202611`). */
export function parseKstMonth(text: string): KstMonth | undefined {
  const match = MONTH_PATTERN.exec(text);
  return match ? { year: Number(match[1]), month: Number(match[2]) } : undefined;
}

// --- instants as KST text --------------------------------------------------------------------

/** An instant as a KST local date-time with its offset: `2026-12-01T09:00:00+09:00`. */
export function toKstIso(at: Date): string {
  return `${new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

/** An instant in KST to the minute, for people (messages, reports): `2026-11-25 09:00`. */
export function formatKstMinute(at: Date): string {
  return new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** An instant's KST wall clock, split for rules about days, hours and weekdays. */
export interface KstTime {
  /** `YYYY-MM-DD` */
  day: string;
  /** `HH:mm` */
  time: string;
  hour: number;
  /** 0 Sunday … 6 Saturday */
  weekday: number;
}

export function kstTime(at: Date): KstTime {
  const shifted = new Date(at.getTime() + KST_OFFSET_MS);
  const iso = shifted.toISOString();
  return {
    day: iso.slice(0, 10),
    time: iso.slice(11, 16),
    hour: shifted.getUTCHours(),
    weekday: shifted.getUTCDay(),
  };
}

const OFFSET_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * An ISO 8601 date-time that states its offset (`2026-12-01T09:00:00+09:00`, `…T00:00:00Z`) as
 * an instant; undefined for a time without an offset (it would be read in whatever zone the
 * process runs in) or an impossible date (`Date.parse` rolls `02-30` over into March).
 */
export function parseOffsetInstant(text: string): Date | undefined {
  const match = OFFSET_INSTANT.exec(text);
  if (!match || Number.isNaN(parseDateNumber(match[1] ?? ''))) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
