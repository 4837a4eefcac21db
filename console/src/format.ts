/*
 * Dates and numbers the Korean way, in KST, whatever the browser's own zone and locale: the
 * marketplace runs on Korean calendar days, and an operator abroad must see the days its users see.
 * The words around them (units, labels) follow the console's language; the shapes do not.
 */

const TIME_ZONE = 'Asia/Seoul';

const date = new Intl.DateTimeFormat('ko-KR', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  weekday: 'short',
});
const dateTime = new Intl.DateTimeFormat('ko-KR', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const month = new Intl.DateTimeFormat('ko-KR', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'long',
});
const won = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' });
const count = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('ko-KR', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const change = new Intl.NumberFormat('ko-KR', {
  style: 'percent',
  signDisplay: 'exceptZero',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** `2026. 12. 6. (일)`, the KST calendar day of an instant. */
export function formatDate(instant: Date | string): string {
  return date.format(new Date(instant));
}

/** `2026. 12. 6. (일) 14:05`, in KST. */
export function formatDateTime(instant: Date | string): string {
  return dateTime.format(new Date(instant));
}

/** `2026년 11월` for the KST calendar month `2026-11`. */
export function formatMonth(yearMonth: string): string {
  const [year, monthNumber] = yearMonth.split('-').map(Number);
  // The 15th at noon UTC is the same calendar month in every zone.
  return month.format(new Date(Date.UTC(year ?? NaN, (monthNumber ?? NaN) - 1, 15, 12)));
}

/** `₩1,234,000`. */
export function formatWon(amount: number): string {
  return won.format(amount);
}

/** `1,234` (at most one decimal: hours worked may have one). */
export function formatNumber(value: number): string {
  return count.format(value);
}

/** `12.3%` for the fraction 0.123. */
export function formatRate(fraction: number): string {
  return percent.format(fraction);
}

/** `+25.0%` / `-3.1%` for a relative change given as a fraction. */
export function formatChange(fraction: number): string {
  return change.format(fraction);
}

/** `+821012345678` (how the API keeps a mobile number) as Koreans write it: `010-1234-5678`. */
export function formatPhone(e164: string): string {
  const national = e164.startsWith('+82') ? `0${e164.slice(3)}` : e164;
  const match = /^(01\d)(\d{3,4})(\d{4})$/.exec(national);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : national;
}
