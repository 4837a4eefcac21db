import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  WEEK_MS,
  ageOnDateNumber,
  isoInstant,
  kstDayKey,
  kstDayStartMs,
  kstWeekStartMs,
  overlapMs,
  parseDateNumber,
} from '../../../platform/time/kst.js';
import { type RuleCode, messageOf } from './rules.js';
import type {
  EligibilityContext,
  EligibilityPolicy,
  RuleFailure,
  RuleOverride,
  ScheduleEntry,
  ShiftFacts,
  Verdict,
  WorkerFacts,
} from './types.js';

/*
 * Decisions the rules leave open, made here once:
 * - A schedule entry on this very shift (same shiftId) is reported as `already_on_shift` only; it
 *   is left out of the time rules (overlap, rest, hours), which would otherwise count the shift
 *   twice and report one fact four times.
 * - Overlap: an entry conflicts when it comes within `travelBufferMinutes` of the shift on either
 *   side (touching at exactly the buffer is fine). Every status conflicts: a completed entry that
 *   overlaps is a conflict too.
 * - Working day: the KST calendar day on which a shift *starts* (a shift that crosses midnight
 *   belongs wholly to the day it starts). A worker's working day D is every shift starting on D;
 *   its span runs from the earliest start to the latest end of those shifts. Two shifts on one
 *   KST day separated by a break (a split shift, the travel buffer respected) are one working
 *   day: the daily-hours limit governs them, not the rest rule.
 * - Rest (연속 휴식) is between working days: from the latest end of any earlier working day to
 *   the start of this shift's working day, and from the end of this working day to the earliest
 *   start of any later one, each at least `minimumRestHours` (this working day's span includes
 *   this shift and the worker's other shifts starting the same day). An entry that conflicts is
 *   reported by `schedule_overlap` only and counts for neither span nor gap. Checking the latest
 *   earlier end and the earliest later start is checking every other day, and adding an entry can
 *   only widen a span or bring a neighbour nearer, so the verdict stays monotone.
 * - Hours: each KST day and each Monday–Sunday KST week the shift touches (has a minute in) is
 *   checked: this shift's minutes in it plus every other entry's, exact (minutes / 60, no
 *   rounding); overlapping entries are summed, not merged. Over the limit fails; at it passes.
 * - Age: in completed years on the KST calendar day the shift starts. An unknown or malformed
 *   birth date fails `birth_date_unknown` only: the minor rules need an age and are skipped
 *   (the verdict is ineligible regardless); the adult weekly limit applies to everyone not known
 *   to be a minor.
 * - Qualifications: held when an entry with the code has no expiry or expires at or after the
 *   shift's end; `qualification_expired` when every entry with the code expires before it.
 * - No-shows: those in (now − noShowWindowDays, now] count; `maxNoShows` or more fails.
 */

/** Failures are pushed in the rule catalogue's order (rules.ts); keep the two in step. */
function fail(failures: RuleFailure[], code: RuleCode, data: Record<string, unknown>): void {
  failures.push({ code, message: messageOf(code), data });
}

const hours = (ms: number): number => ms / HOUR_MS;
const iso = isoInstant;

function entryRef(entry: ScheduleEntry): Record<string, unknown> {
  return {
    assignmentId: entry.assignmentId,
    shiftId: entry.shiftId,
    status: entry.status,
    startsAt: iso(entry.startsAt.getTime()),
    endsAt: iso(entry.endsAt.getTime()),
  };
}

/** Periods (KST days or weeks) over `limitMs`, or undefined when none is. */
function overLimit(
  totals: Float64Array,
  firstMs: number,
  periodMs: number,
  limitMs: number,
  key: 'day' | 'weekStart',
): Record<string, unknown>[] | undefined {
  let over: Record<string, unknown>[] | undefined;
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i] ?? 0;
    if (total > limitMs) {
      const start = kstDayKey(firstMs + i * periodMs);
      (over ??= []).push(
        key === 'day'
          ? { day: start, hours: hours(total) }
          : { weekStart: start, hours: hours(total) },
      );
    }
  }
  return over;
}

/** Adds the minutes of [from, to) to each period of `totals` (periods start at `firstMs`). */
function addToPeriods(
  totals: Float64Array,
  firstMs: number,
  periodMs: number,
  from: number,
  to: number,
): void {
  const endMs = firstMs + totals.length * periodMs;
  if (to <= firstMs || from >= endMs) return;
  let i = from <= firstMs ? 0 : Math.floor((from - firstMs) / periodMs);
  for (; i < totals.length; i++) {
    const periodStart = firstMs + i * periodMs;
    if (periodStart >= to) break;
    totals[i] = (totals[i] ?? 0) + overlapMs(from, to, periodStart, periodStart + periodMs);
  }
}

/** Minutes of [from, to) inside the KST night window (which may cross midnight, e.g. 22 → 6). */
function nightMinutes(from: number, to: number, startHour: number, endHour: number): number {
  if (startHour === endHour) return 0;
  const lengthHours = (((endHour - startHour) % 24) + 24) % 24;
  let total = 0;
  // The window that started on the day before `from` may still be running at `from`.
  for (let day = kstDayStartMs(from) - DAY_MS; day < to; day += DAY_MS) {
    const windowStart = day + startHour * HOUR_MS;
    total += overlapMs(from, to, windowStart, windowStart + lengthHours * HOUR_MS);
  }
  return total / MINUTE_MS;
}

/**
 * May this worker be assigned to this shift, now? A pure function of its arguments: every failing
 * rule is listed (none short-circuits the others), in the fixed order of `describeRules()`.
 */
export function evaluateEligibility(
  worker: WorkerFacts,
  shift: ShiftFacts,
  context: EligibilityContext,
  policy: EligibilityPolicy,
): Verdict {
  const failures: RuleFailure[] = [];
  const nowMs = context.now.getTime();
  const startMs = shift.startsAt.getTime();
  const endMs = shift.endsAt.getTime();
  // The shifts module guarantees this; a shift that breaks it is corrupt data, not a verdict.
  if (!(endMs > startMs)) throw new RangeError(`shift ${shift.id} does not end after it starts`);

  // Age first: the minor rules depend on it.
  const birth = worker.birthDate === undefined ? NaN : parseDateNumber(worker.birthDate);
  const age = Number.isNaN(birth) ? undefined : ageOnDateNumber(birth, startMs);
  const minor = age !== undefined && age < policy.adultAge;

  // One pass over the schedule feeds the overlap, rest, already-on-shift and hours rules.
  const lastMs = endMs - 1;
  const firstDay = kstDayStartMs(startMs);
  const dayTotals = new Float64Array((kstDayStartMs(lastMs) - firstDay) / DAY_MS + 1);
  const firstWeek = kstWeekStartMs(startMs);
  const weekTotals = new Float64Array((kstWeekStartMs(lastMs) - firstWeek) / WEEK_MS + 1);
  addToPeriods(dayTotals, firstDay, DAY_MS, startMs, endMs);
  addToPeriods(weekTotals, firstWeek, WEEK_MS, startMs, endMs);
  const daysEnd = firstDay + dayTotals.length * DAY_MS;
  const weeksEnd = firstWeek + weekTotals.length * WEEK_MS;

  const bufferMs = policy.travelBufferMinutes * MINUTE_MS;
  const schedule = context.schedule;
  let conflicts: Record<string, unknown>[] | undefined;
  let sameShift: ScheduleEntry | undefined;
  // This shift's working day (its KST start day) and that day's span; the latest end of an
  // earlier working day and the earliest start of a later one.
  const workDay = firstDay;
  const workDayEnd = firstDay + DAY_MS;
  let daySpanStart = startMs;
  let daySpanEnd = endMs;
  let before: ScheduleEntry | undefined;
  let beforeEnd = -Infinity;
  let after: ScheduleEntry | undefined;
  let afterStart = Infinity;
  for (let i = 0; i < schedule.length; i++) {
    const entry = schedule[i]!;
    if (entry.shiftId === shift.id) {
      sameShift ??= entry;
      continue;
    }
    const from = entry.startsAt.getTime();
    const to = entry.endsAt.getTime();
    if (from - bufferMs < endMs && to + bufferMs > startMs) {
      (conflicts ??= []).push(entryRef(entry));
    } else {
      // Compared with the working day's bounds, not by computing each entry's KST day: that
      // is two floating-point modulos per entry, and halved the engine's speed.
      if (from >= workDay && from < workDayEnd) {
        if (from < daySpanStart) daySpanStart = from;
        if (to > daySpanEnd) daySpanEnd = to;
      } else if (from < workDay) {
        if (to > beforeEnd) {
          beforeEnd = to;
          before = entry;
        }
      } else if (from < afterStart) {
        afterStart = from;
        after = entry;
      }
    }
    if (to > firstWeek && from < weeksEnd) {
      addToPeriods(weekTotals, firstWeek, WEEK_MS, from, to);
      if (to > firstDay && from < daysEnd) addToPeriods(dayTotals, firstDay, DAY_MS, from, to);
    }
  }

  // The worker.
  let overrides: RuleOverride[] | undefined;
  if (worker.status !== 'active') {
    fail(failures, 'worker_not_active', { workerId: worker.id, status: worker.status });
  }
  if (!worker.identityVerified) fail(failures, 'identity_not_verified', { workerId: worker.id });
  const account = worker.bankAccount;
  if (!account) {
    fail(failures, 'bank_account_missing', { workerId: worker.id });
  } else {
    if (!account.verified) fail(failures, 'bank_account_not_verified', { workerId: worker.id });
    if (!account.holderMatchesLegalName) {
      fail(failures, 'bank_account_holder_mismatch', { workerId: worker.id });
    } else if (account.holderMismatchOverride) {
      (overrides ??= []).push({
        code: 'bank_account_holder_mismatch',
        data: {
          workerId: worker.id,
          by: account.holderMismatchOverride.by,
          at: iso(account.holderMismatchOverride.at.getTime()),
        },
      });
    }
  }

  // Age and the minor rules.
  if (age === undefined) {
    fail(failures, 'birth_date_unknown', { workerId: worker.id });
  } else {
    if (age < policy.minimumWorkerAge) {
      fail(failures, 'below_legal_minimum_age', {
        age,
        minimumAge: policy.minimumWorkerAge,
        shiftStartDay: kstDayKey(startMs),
      });
    }
    if (age < shift.minimumAge) {
      fail(failures, 'below_shift_minimum_age', {
        age,
        minimumAge: shift.minimumAge,
        shiftStartDay: kstDayKey(startMs),
      });
    }
  }
  if (minor) {
    const days = overLimit(dayTotals, firstDay, DAY_MS, policy.minorMaxDailyHours * HOUR_MS, 'day');
    if (days) {
      fail(failures, 'minor_daily_hours_exceeded', {
        age,
        maxHours: policy.minorMaxDailyHours,
        days,
      });
    }
    const weeks = overLimit(
      weekTotals,
      firstWeek,
      WEEK_MS,
      policy.minorMaxWeeklyHours * HOUR_MS,
      'weekStart',
    );
    if (weeks) {
      fail(failures, 'minor_weekly_hours_exceeded', {
        age,
        maxHours: policy.minorMaxWeeklyHours,
        weeks,
      });
    }
    const night = nightMinutes(
      startMs,
      endMs,
      policy.minorNightStartHour,
      policy.minorNightEndHour,
    );
    if (night > 0) {
      fail(failures, 'minor_night_work', {
        age,
        nightStartHour: policy.minorNightStartHour,
        nightEndHour: policy.minorNightEndHour,
        nightMinutes: night,
      });
    }
  }

  // The worker's schedule.
  if (conflicts) {
    fail(failures, 'schedule_overlap', {
      travelBufferMinutes: policy.travelBufferMinutes,
      conflicts,
    });
  }
  if (!minor) {
    const weeks = overLimit(
      weekTotals,
      firstWeek,
      WEEK_MS,
      policy.adultMaxWeeklyHours * HOUR_MS,
      'weekStart',
    );
    if (weeks) {
      fail(failures, 'weekly_hours_exceeded', { maxHours: policy.adultMaxWeeklyHours, weeks });
    }
  }
  const restMs = policy.minimumRestHours * HOUR_MS;
  const beforeGap = daySpanStart - beforeEnd;
  const afterGap = afterStart - daySpanEnd;
  if ((before && beforeGap < restMs) || (after && afterGap < restMs)) {
    const gaps: Record<string, unknown>[] = [];
    if (before && beforeGap < restMs) {
      gaps.push({
        side: 'before',
        assignmentId: before.assignmentId,
        shiftId: before.shiftId,
        restHours: hours(Math.max(0, beforeGap)),
      });
    }
    if (after && afterGap < restMs) {
      gaps.push({
        side: 'after',
        assignmentId: after.assignmentId,
        shiftId: after.shiftId,
        restHours: hours(Math.max(0, afterGap)),
      });
    }
    fail(failures, 'insufficient_rest', { minimumRestHours: policy.minimumRestHours, gaps });
  }
  const days = overLimit(dayTotals, firstDay, DAY_MS, policy.maxDailyHours * HOUR_MS, 'day');
  if (days) fail(failures, 'daily_hours_exceeded', { maxHours: policy.maxDailyHours, days });

  // The business.
  const business = context.business;
  if (business.blockedWorkerIds.has(worker.id)) {
    fail(failures, 'worker_blocked', { businessId: business.id, workerId: worker.id });
  }
  if (!business.verified) fail(failures, 'business_not_verified', { businessId: business.id });
  if (business.ntsStatus !== 'active') {
    fail(failures, 'business_not_active', {
      businessId: business.id,
      ntsStatus: business.ntsStatus ?? null,
    });
  }

  // The shift.
  if (shift.status !== 'open') {
    fail(failures, 'shift_not_open', { shiftId: shift.id, status: shift.status });
  }
  if (startMs <= nowMs) {
    fail(failures, 'shift_already_started', {
      shiftId: shift.id,
      startsAt: iso(startMs),
      evaluatedAt: iso(nowMs),
    });
  }
  if (shift.filled >= shift.headcount) {
    fail(failures, 'shift_full', {
      shiftId: shift.id,
      headcount: shift.headcount,
      filled: shift.filled,
    });
  }
  if (sameShift) {
    fail(failures, 'already_on_shift', {
      shiftId: shift.id,
      assignmentId: sameShift.assignmentId,
    });
  }

  // Qualifications, held and unexpired at the shift's end.
  const required = shift.requiredQualifications;
  if (required.length > 0) {
    let missing: string[] | undefined;
    let expired: Record<string, unknown>[] | undefined;
    for (let r = 0; r < required.length; r++) {
      const code = required[r]!;
      if (required.indexOf(code) !== r) continue;
      let held = false;
      let latestExpiry = -Infinity;
      const qualifications = worker.qualifications;
      for (let q = 0; q < qualifications.length; q++) {
        const qualification = qualifications[q]!;
        if (qualification.code !== code) continue;
        const expiresAt = qualification.expiresAt;
        if (expiresAt === undefined) {
          held = true;
          break;
        }
        const expiresMs = expiresAt.getTime();
        if (expiresMs >= endMs) {
          held = true;
          break;
        }
        if (expiresMs > latestExpiry) latestExpiry = expiresMs;
      }
      if (held) continue;
      if (latestExpiry === -Infinity) (missing ??= []).push(code);
      else (expired ??= []).push({ code, expiresAt: iso(latestExpiry) });
    }
    if (missing) fail(failures, 'qualification_missing', { missing });
    if (expired) fail(failures, 'qualification_expired', { shiftEndsAt: iso(endMs), expired });
  }

  // No-shows in the window before now.
  const windowStart = nowMs - policy.noShowWindowDays * DAY_MS;
  let noShows = 0;
  for (let i = 0; i < worker.noShows.length; i++) {
    const at = worker.noShows[i]!.getTime();
    if (at > windowStart && at <= nowMs) noShows++;
  }
  if (noShows >= policy.maxNoShows) {
    fail(failures, 'too_many_no_shows', {
      noShows,
      maxNoShows: policy.maxNoShows,
      windowDays: policy.noShowWindowDays,
    });
  }

  return {
    eligible: failures.length === 0,
    failures,
    ...(overrides ? { overrides } : {}),
    ruleSetVersion: policy.ruleSetVersion,
    evaluatedAt: new Date(nowMs),
  };
}
