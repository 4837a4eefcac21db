import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEligibility } from './evaluate.js';
import { describeRules } from './rules.js';
import type {
  BusinessFacts,
  EligibilityContext,
  EligibilityPolicy,
  ScheduleEntry,
  ShiftFacts,
  Verdict,
  WorkerFacts,
} from './types.js';

/*
 * Properties of the engine against a slow reference written independently of it: the KST
 * calendar comes from Intl (Asia/Seoul) instead of epoch arithmetic, hours are counted by
 * walking minute by minute, and each rule is restated on its own.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2026-11-23 00:00 KST. */
const MONDAY = Date.parse('2026-11-23T00:00:00+09:00');

// ---- the reference ---------------------------------------------------------------------------

const SEOUL = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
  weekday: 'short',
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface SeoulHour {
  day: string;
  week: string;
  hour: number;
  ymd: [number, number, number];
}

/** KST is a whole-hour offset, so everything but the minutes is fixed within a UTC hour. */
const hourCache = new Map<number, SeoulHour>();
function seoul(ms: number): SeoulHour {
  const key = Math.floor(ms / HOUR);
  let hit = hourCache.get(key);
  if (!hit) {
    const parts = Object.fromEntries(SEOUL.formatToParts(key * HOUR).map((p) => [p.type, p.value]));
    const day = `${parts.year}-${parts.month}-${parts.day}`;
    const sinceMonday = WEEKDAYS.indexOf(parts.weekday ?? '');
    const week = sinceMonday === 0 ? day : seoul(key * HOUR - sinceMonday * DAY).day;
    hit = {
      day,
      week,
      hour: Number(parts.hour),
      ymd: [Number(parts.year), Number(parts.month), Number(parts.day)],
    };
    hourCache.set(key, hit);
  }
  return hit;
}

function refAge(birthDate: string | undefined, at: number): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (!match) return undefined;
  const [by, bm, bd] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(by, bm - 1, bd));
  if (
    check.getUTCFullYear() !== by ||
    check.getUTCMonth() !== bm - 1 ||
    check.getUTCDate() !== bd
  ) {
    return undefined;
  }
  const [y, m, d] = seoul(at).ymd;
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Milliseconds per KST day and per KST week (keyed by its Monday), walking minute by minute. */
function refBuckets(intervals: readonly [number, number][]) {
  const days = new Map<string, number>();
  const weeks = new Map<string, number>();
  for (const [from, to] of intervals) {
    for (let t = from; t < to; t += MINUTE) {
      const { day, week } = seoul(t);
      const step = Math.min(MINUTE, to - t);
      days.set(day, (days.get(day) ?? 0) + step);
      weeks.set(week, (weeks.get(week) ?? 0) + step);
    }
  }
  return { days, weeks };
}

interface Input {
  worker: WorkerFacts;
  shift: ShiftFacts;
  context: EligibilityContext;
  policy: EligibilityPolicy;
}

/** The failing codes by independent per-rule checks, in the catalogue's order. */
function referenceCodes({ worker, shift, context, policy }: Input): string[] {
  const failed = new Set<string>();
  const s0 = shift.startsAt.getTime();
  const s1 = shift.endsAt.getTime();
  const now = context.now.getTime();

  if (worker.status !== 'active') failed.add('worker_not_active');
  if (!worker.identityVerified) failed.add('identity_not_verified');
  if (!worker.bankAccount) failed.add('bank_account_missing');
  if (worker.bankAccount && !worker.bankAccount.verified) failed.add('bank_account_not_verified');
  if (worker.bankAccount && !worker.bankAccount.holderMatchesLegalName) {
    failed.add('bank_account_holder_mismatch');
  }
  const age = refAge(worker.birthDate, s0);
  if (age === undefined) failed.add('birth_date_unknown');
  if (age !== undefined && age < policy.minimumWorkerAge) failed.add('below_legal_minimum_age');
  if (age !== undefined && age < shift.minimumAge) failed.add('below_shift_minimum_age');

  const others = context.schedule.filter((e) => e.shiftId !== shift.id);
  const buffer = policy.travelBufferMinutes * MINUTE;
  const conflicting = others.filter(
    (e) => Math.max(s0, e.startsAt.getTime() - buffer) < Math.min(s1, e.endsAt.getTime() + buffer),
  );
  const own = refBuckets([[s0, s1]]);
  const all = refBuckets([
    [s0, s1],
    ...others.map((e): [number, number] => [e.startsAt.getTime(), e.endsAt.getTime()]),
  ]);
  const dayOver = (limit: number) =>
    [...own.days.keys()].some((d) => (all.days.get(d) ?? 0) > limit * HOUR);
  const weekOver = (limit: number) =>
    [...own.weeks.keys()].some((w) => (all.weeks.get(w) ?? 0) > limit * HOUR);

  const minor = age !== undefined && age < policy.adultAge;
  if (minor) {
    if (dayOver(policy.minorMaxDailyHours)) failed.add('minor_daily_hours_exceeded');
    if (weekOver(policy.minorMaxWeeklyHours)) failed.add('minor_weekly_hours_exceeded');
    const { minorNightStartHour: a, minorNightEndHour: b } = policy;
    for (let t = s0; t < s1; t += MINUTE) {
      const h = seoul(t).hour;
      if (a > b ? h >= a || h < b : h >= a && h < b) failed.add('minor_night_work');
    }
  }
  if (conflicting.length > 0) failed.add('schedule_overlap');
  if (!minor && weekOver(policy.adultMaxWeeklyHours)) failed.add('weekly_hours_exceeded');
  // Rest between working days (the KST day a shift starts on), restated from the definition:
  // this shift's working day spans its shifts; every other working day must stay the minimum
  // rest away from that span, on either side.
  const dayOf = (t: number) => seoul(t).day;
  const kept = others.filter((e) => !conflicting.includes(e));
  const mine = kept.filter((e) => dayOf(e.startsAt.getTime()) === dayOf(s0));
  const spanStart = Math.min(s0, ...mine.map((e) => e.startsAt.getTime()));
  const spanEnd = Math.max(s1, ...mine.map((e) => e.endsAt.getTime()));
  for (const e of kept) {
    if (mine.includes(e)) continue;
    const earlier = e.startsAt.getTime() < s0;
    const gap = earlier ? spanStart - e.endsAt.getTime() : e.startsAt.getTime() - spanEnd;
    if (gap < policy.minimumRestHours * HOUR) failed.add('insufficient_rest');
  }
  if (dayOver(policy.maxDailyHours)) failed.add('daily_hours_exceeded');

  if (context.business.blockedWorkerIds.has(worker.id)) failed.add('worker_blocked');
  if (!context.business.verified) failed.add('business_not_verified');
  if (context.business.ntsStatus !== 'active') failed.add('business_not_active');
  if (shift.status !== 'open') failed.add('shift_not_open');
  if (!(s0 > now)) failed.add('shift_already_started');
  if (!(shift.filled < shift.headcount)) failed.add('shift_full');
  if (context.schedule.some((e) => e.shiftId === shift.id)) failed.add('already_on_shift');
  for (const code of shift.requiredQualifications) {
    const held = worker.qualifications.filter((q) => q.code === code);
    if (held.length === 0) failed.add('qualification_missing');
    else if (!held.some((q) => q.expiresAt === undefined || q.expiresAt.getTime() >= s1)) {
      failed.add('qualification_expired');
    }
  }
  const recent = worker.noShows.filter(
    (d) => d.getTime() <= now && now - d.getTime() < policy.noShowWindowDays * DAY,
  );
  if (recent.length >= policy.maxNoShows) failed.add('too_many_no_shows');

  return describeRules()
    .map((r) => r.code)
    .filter((code) => failed.has(code));
}

// ---- generators ------------------------------------------------------------------------------

const at = (ms: number) => new Date(ms);
/** A duration in [min, max] minutes; often a whole number of hours, so limits are hit exactly. */
const minutes = (min: number, max: number) =>
  fc
    .oneof(
      fc.integer({ min, max }),
      fc.integer({ min: Math.ceil(min / 60), max: Math.floor(max / 60) }).map((h) => h * 60),
    )
    .map((m) => m * MINUTE);
const QUALIFICATIONS = ['health-certificate', 'forklift', 'food-handling'];

const policyArb: fc.Arbitrary<EligibilityPolicy> = fc.record({
  ruleSetVersion: fc.constant('test'),
  minimumWorkerAge: fc.constant(15),
  adultAge: fc.constant(18),
  minorMaxDailyHours: fc.integer({ min: 1, max: 8 }),
  minorMaxWeeklyHours: fc.integer({ min: 5, max: 40 }),
  minorNightStartHour: fc.integer({ min: 0, max: 23 }),
  minorNightEndHour: fc.integer({ min: 0, max: 23 }),
  adultMaxWeeklyHours: fc.integer({ min: 5, max: 60 }),
  maxDailyHours: fc.integer({ min: 2, max: 24 }),
  minimumRestHours: fc.integer({ min: 0, max: 12 }),
  travelBufferMinutes: fc.integer({ min: 0, max: 60 }),
  maxNoShows: fc.integer({ min: 1, max: 4 }),
  noShowWindowDays: fc.integer({ min: 1, max: 120 }),
});

const birthDateArb = fc.oneof(
  fc.constant(undefined),
  fc.constant('2008-02-30'),
  fc
    .tuple(
      fc.integer({ min: 1995, max: 2013 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
);

/** An entry placed relative to the shift's start, sometimes on the shift itself. */
const entryArb = (shiftStart: number, shiftId: string) =>
  fc
    .record({
      offset: minutes(-3 * 24 * 60, 3 * 24 * 60),
      length: minutes(1, 12 * 60),
      status: fc.constantFrom<ScheduleEntry['status']>('proposed', 'confirmed', 'completed'),
      same: fc.integer({ min: 0, max: 14 }).map((n) => n === 0),
      n: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map(({ offset, length, status, same, n }): ScheduleEntry => ({
      assignmentId: `a${n}`,
      shiftId: same ? shiftId : `s${n}`,
      startsAt: at(shiftStart + offset),
      endsAt: at(shiftStart + offset + length),
      status,
    }));

const inputArb: fc.Arbitrary<Input> = fc
  .record({
    start: minutes(-3 * 24 * 60, 10 * 24 * 60).map((m) => MONDAY + m),
    length: minutes(1, 24 * 60),
    nowBefore: minutes(-60, 5 * 24 * 60),
    policy: policyArb,
  })
  .chain(({ start, length, nowBefore, policy }) => {
    const end = start + length;
    const now = start - nowBefore;
    return fc.record({
      worker: fc.record({
        id: fc.constant('w1'),
        status: fc.constantFrom<WorkerFacts['status']>(
          'active',
          'active',
          'suspended',
          'withdrawn',
        ),
        birthDate: birthDateArb,
        identityVerified: fc.boolean(),
        bankAccount: fc.option(
          fc.record({ verified: fc.boolean(), holderMatchesLegalName: fc.boolean() }),
          { nil: undefined },
        ),
        qualifications: fc.array(
          fc.record({
            code: fc.constantFrom(...QUALIFICATIONS),
            expiresAt: fc.option(
              minutes(-2 * 24 * 60, 2 * 24 * 60).map((m) => at(end + m)),
              {
                nil: undefined,
              },
            ),
          }),
          { maxLength: 4 },
        ),
        noShows: fc.array(
          minutes(-150 * 24 * 60, 24 * 60).map((m) => at(now + m)),
          {
            maxLength: 6,
          },
        ),
      }),
      shift: fc.record({
        id: fc.constant('target'),
        businessId: fc.constant('b1'),
        status: fc.constantFrom<ShiftFacts['status']>('open', 'open', 'cancelled'),
        startsAt: fc.constant(at(start)),
        endsAt: fc.constant(at(end)),
        headcount: fc.integer({ min: 1, max: 5 }),
        filled: fc.integer({ min: 0, max: 6 }),
        minimumAge: fc.constantFrom(0, 15, 16, 18, 19),
        requiredQualifications: fc.subarray(QUALIFICATIONS),
      }),
      context: fc.record({
        now: fc.constant(at(now)),
        business: fc.record({
          id: fc.constant('b1'),
          verified: fc.boolean(),
          ntsStatus: fc.constantFrom<BusinessFacts['ntsStatus']>(
            'active',
            'active',
            'suspended',
            'closed',
            undefined,
          ),
          blockedWorkerIds: fc.constantFrom(
            new Set<string>(),
            new Set(['w1', 'w7']),
            new Set(['w7']),
          ),
        }),
        schedule: fc.array(entryArb(start, 'target'), { maxLength: 8 }),
      }),
      policy: fc.constant(policy),
    });
  });

const run = ({ worker, shift, context, policy }: Input): Verdict =>
  evaluateEligibility(worker, shift, context, policy);
const codes = (v: Verdict) => v.failures.map((f) => f.code);

// ---- properties ------------------------------------------------------------------------------

describe('evaluateEligibility properties', () => {
  it('lists exactly the rules that independent per-rule checks find failing, in catalogue order', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const verdict = run(input);
        expect(codes(verdict)).toEqual(referenceCodes(input));
        expect(verdict.eligible).toBe(verdict.failures.length === 0);
      }),
      { numRuns: 400 },
    );
  });

  it('never makes an ineligible worker eligible by adding an assignment; it only adds failures', () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) =>
          fc.tuple(
            fc.constant(input),
            entryArb(input.shift.startsAt.getTime(), input.shift.id),
            fc.nat({ max: input.context.schedule.length }),
          ),
        ),
        ([input, extra, position]) => {
          const before = run(input);
          const schedule = [...input.context.schedule];
          schedule.splice(position, 0, extra);
          const after = run({ ...input, context: { ...input.context, schedule } });
          if (!before.eligible) expect(after.eligible).toBe(false);
          expect(codes(after)).toEqual(expect.arrayContaining(codes(before)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('counts the hours of a shift near a KST week boundary in the right weeks and days', () => {
    const adult: WorkerFacts = {
      id: 'w1',
      status: 'active',
      birthDate: '1990-01-01',
      identityVerified: true,
      bankAccount: { verified: true, holderMatchesLegalName: true },
      qualifications: [],
      noShows: [],
    };
    const business: BusinessFacts = {
      id: 'b1',
      verified: true,
      ntsStatus: 'active',
      blockedWorkerIds: new Set(),
    };
    const nearBoundary = fc
      .record({
        week: fc.integer({ min: -1, max: 2 }),
        offset: minutes(-26 * 60, 2 * 60),
        length: minutes(1, 24 * 60),
      })
      .map(({ week, offset, length }) => {
        const start = MONDAY + week * 7 * DAY + offset;
        return { start, end: start + length };
      })
      .chain(({ start, end }) =>
        fc.record({
          start: fc.constant(start),
          end: fc.constant(end),
          schedule: fc.array(entryArb(start, 'target'), { maxLength: 6 }),
        }),
      );
    fc.assert(
      fc.property(nearBoundary, ({ start, end, schedule }) => {
        const shift: ShiftFacts = {
          id: 'target',
          businessId: 'b1',
          status: 'open',
          startsAt: at(start),
          endsAt: at(end),
          headcount: 1,
          filled: 0,
          minimumAge: 0,
          requiredQualifications: [],
        };
        const policy: EligibilityPolicy = {
          ruleSetVersion: 'test',
          minimumWorkerAge: 15,
          adultAge: 18,
          minorMaxDailyHours: 7,
          minorMaxWeeklyHours: 35,
          minorNightStartHour: 22,
          minorNightEndHour: 6,
          // Zero limits make every touched day and week fail, so the verdict shows their hours.
          adultMaxWeeklyHours: 0,
          maxDailyHours: 0,
          minimumRestHours: 0,
          travelBufferMinutes: 0,
          maxNoShows: 1,
          noShowWindowDays: 90,
        };
        const verdict = evaluateEligibility(
          adult,
          shift,
          { now: at(start - DAY), business, schedule },
          policy,
        );
        const others = schedule
          .filter((e) => e.shiftId !== 'target')
          .map((e): [number, number] => [e.startsAt.getTime(), e.endsAt.getTime()]);
        const own = refBuckets([[start, end]]);
        const all = refBuckets([[start, end], ...others]);
        const weeks = [...own.weeks.keys()]
          .sort()
          .map((w) => ({ weekStart: w, hours: (all.weeks.get(w) ?? 0) / HOUR }));
        const days = [...own.days.keys()]
          .sort()
          .map((d) => ({ day: d, hours: (all.days.get(d) ?? 0) / HOUR }));
        const data = (code: string) => verdict.failures.find((f) => f.code === code)?.data;
        expect(data('weekly_hours_exceeded')).toEqual({ maxHours: 0, weeks });
        expect(data('daily_hours_exceeded')).toEqual({ maxHours: 0, days });
        // This shift's own share of each week, by itself.
        const alone = evaluateEligibility(
          adult,
          shift,
          { now: at(start - DAY), business, schedule: [] },
          policy,
        );
        expect(alone.failures.find((f) => f.code === 'weekly_hours_exceeded')?.data).toEqual({
          maxHours: 0,
          weeks: [...own.weeks.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([w, ms]) => ({ weekStart: w, hours: ms / HOUR })),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and pure: the same inputs give the same verdict and are left untouched', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const snapshot = structuredClone(input);
        const first = run(input);
        const second = run(input);
        expect(second).toEqual(first);
        expect(input).toEqual(snapshot);
        // Verdicts share nothing: changing one changes neither the next nor the rule catalogue.
        const failure = first.failures[0];
        if (failure) {
          failure.message.en = 'changed';
          failure.data.changed = true;
          const third = run(input);
          expect(third.failures[0]?.message.en).not.toBe('changed');
          expect(third.failures[0]?.data.changed).toBeUndefined();
          expect(describeRules().some((r) => r.message.en === 'changed')).toBe(false);
        }
        first.evaluatedAt.setTime(0);
        expect(input.context.now).toEqual(snapshot.context.now);
      }),
      { numRuns: 300 },
    );
  });

  it('takes no notice of the order of the schedule', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), (input, seed) => {
        const shuffled = [...input.context.schedule];
        for (let i = shuffled.length - 1, s = seed; i > 0; i--) {
          s = (s * 1_103_515_245 + 12_345) | 0;
          const j = Math.abs(s) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = codes(run(input));
        const b = codes(run({ ...input, context: { ...input.context, schedule: shuffled } }));
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});
