import {
  kstDateNumber,
  kstDayKey,
  kstDayStart,
  kstTime,
  toKstIso,
} from '../../../platform/time/kst.js';
import { type FsTimestamp, type FsValue, fs } from '../firestore/value.js';
import type { Random } from './random.js';

/**
 * The shapes the old code wrote for times, dates and the like (docs/legacy-firestore.md), each
 * drawn in the document's stated shares.
 */

export const pad2 = (n: number) => String(n).padStart(2, '0');

/** 00:00 KST of a calendar day, as epoch milliseconds. */
export function kstMidnight(y: number, m: number, d: number): number {
  return kstDayStart(`${y}-${pad2(m)}-${pad2(d)}`).getTime();
}

/** The old app's lifetime: launched in March 2019; the generated data ends in November 2025. */
const APP_LAUNCH_MS = kstMidnight(2019, 3, 1);
export const DATA_END_MS = kstMidnight(2025, 11, 30);

/** A Firestore Timestamp of a millisecond instant with a microsecond rest, as serverTimestamp() writes. */
export function timestamp(ms: number, micros = 0): FsTimestamp {
  const seconds = Math.floor(ms / 1000);
  return fs.ts(seconds, (ms - seconds * 1000) * 1_000_000 + micros * 1000);
}

/** `2021-03-04T12:34:56+09:00`: what `dayjs().format()` wrote on a phone in Korea. */
export const kstIso = (ms: number) => toKstIso(new Date(ms));

/** `09:30`, the KST wall clock of an instant. */
export const kstHourMinute = (ms: number) => kstTime(new Date(ms)).time;

/** The KST calendar day of an instant: `{ y, m, d }`. */
export function kstDay(ms: number): { y: number; m: number; d: number } {
  const n = kstDateNumber(ms);
  return { y: Math.floor(n / 10_000), m: Math.floor(n / 100) % 100, d: n % 100 };
}

/** `"2024-05-01"` (KST). */
export const kstDate = (ms: number) => kstDayKey(ms);

/** An instant between the app's launch and the end of the data (or within [from, to]). */
export function instantBetween(rng: Random, from = APP_LAUNCH_MS, to = DATA_END_MS): number {
  return from + rng.int(0, Math.max(0, Math.floor((to - from) / 1000))) * 1000 + rng.int(0, 999);
}

type TimeShape = 'timestamp' | 'iso' | 'millis';

/** A time in one of the three shapes: Timestamp 60%, ISO with +09:00 25%, epoch millis 15%. */
export function mixedTime(
  rng: Random,
  ms: number,
  shares = { timestamp: 60, iso: 25, millis: 15 },
): FsValue {
  switch (rng.weighted<TimeShape>(shares)) {
    case 'timestamp':
      return timestamp(ms, rng.int(0, 999));
    case 'iso':
      return kstIso(ms);
    case 'millis':
      return fs.int(ms);
  }
}

/** `createdAt` and (when the writing code set it) `updatedAt`, into `fields`. */
export function writeTimes(
  rng: Random,
  fields: Record<string, FsValue>,
  createdMs: number,
  options: { updatedShare?: number } = {},
): number {
  fields.createdAt = mixedTime(rng, createdMs);
  let updatedMs = createdMs;
  if (rng.chance(options.updatedShare ?? 0.7)) {
    updatedMs = instantBetween(rng, createdMs, DATA_END_MS);
    fields.updatedAt = timestamp(updatedMs, rng.int(0, 999));
  }
  return updatedMs;
}

/** `010-1234-5678`'s eight digits, as the four shapes the old code wrote and its E.164 form. */
export function phoneShapes(eight: string) {
  const a = eight.slice(0, 4);
  const b = eight.slice(4);
  return {
    dashed: `010-${a}-${b}`,
    digits: `010${a}${b}`,
    international: `+82 10-${a}-${b}`,
    number: fs.int(Number(`10${a}${b}`)),
    e164: `+8210${a}${b}`,
  };
}
