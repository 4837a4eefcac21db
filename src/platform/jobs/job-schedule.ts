import { DAY_MS, HOUR_MS, kstDayStartMs, MINUTE_MS } from '../time/kst.js';

/**
 * When a named job runs: every N milliseconds (counted from the end of the previous run, so runs
 * never overlap), or once a day at a KST wall-clock time. Kept to these two forms on purpose; the
 * monthly statistics can be a daily job that acts on the first of the month.
 */
export type JobSchedule = { everyMs: number } | { dailyAtKst: string };

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Why `schedule` cannot be used, or undefined when it can. */
export function scheduleProblem(schedule: JobSchedule): string | undefined {
  if ('everyMs' in schedule) {
    return Number.isSafeInteger(schedule.everyMs) && schedule.everyMs >= 1_000
      ? undefined
      : `everyMs must be a whole number of milliseconds, at least 1000 (got ${schedule.everyMs})`;
  }
  return HH_MM.test(schedule.dailyAtKst)
    ? undefined
    : `dailyAtKst must be HH:MM, 00:00 to 23:59 (got ${JSON.stringify(schedule.dailyAtKst)})`;
}

/** The first time strictly after `from` at which the schedule is due. */
export function nextRunAfter(schedule: JobSchedule, from: Date): Date {
  if ('everyMs' in schedule) return new Date(from.getTime() + schedule.everyMs);
  const [, hours, minutes] = HH_MM.exec(schedule.dailyAtKst) ?? [];
  if (hours === undefined || minutes === undefined) {
    throw new Error(scheduleProblem(schedule));
  }
  const today =
    kstDayStartMs(from.getTime()) + Number(hours) * HOUR_MS + Number(minutes) * MINUTE_MS;
  return new Date(today > from.getTime() ? today : today + DAY_MS);
}

/** For people: `every 60 s`, `daily at 03:00 KST`. Stored with the lease to notice a change. */
export function describeSchedule(schedule: JobSchedule): string {
  if ('everyMs' in schedule) {
    const ms = schedule.everyMs;
    return ms % 60_000 === 0 ? `every ${ms / 60_000} min` : `every ${ms / 1_000} s`;
  }
  return `daily at ${schedule.dailyAtKst} KST`;
}
