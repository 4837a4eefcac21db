import { describe, expect, it } from 'vitest';
import { evaluateEligibility } from './evaluate.js';
import { describeRules } from './rules.js';
import type {
  BusinessFacts,
  EligibilityPolicy,
  ScheduleEntry,
  ShiftFacts,
  Verdict,
  WorkerFacts,
} from './types.js';

/** An instant given as KST wall time, `2026-11-24T09:00`. */
const kst = (wall: string): Date => new Date(`${wall}:00+09:00`);

const POLICY: EligibilityPolicy = {
  ruleSetVersion: '2026.1',
  minimumWorkerAge: 15,
  adultAge: 18,
  minorMaxDailyHours: 7,
  minorMaxWeeklyHours: 35,
  minorNightStartHour: 22,
  minorNightEndHour: 6,
  adultMaxWeeklyHours: 52,
  maxDailyHours: 12,
  minimumRestHours: 11,
  travelBufferMinutes: 30,
  maxNoShows: 3,
  noShowWindowDays: 90,
};

/** The time rules one at a time: rest and buffer out of the way unless the test is about them. */
const LOOSE: EligibilityPolicy = { ...POLICY, minimumRestHours: 0, travelBufferMinutes: 0 };

const NOW = kst('2026-11-20T09:00');

interface Case {
  worker?: Partial<WorkerFacts>;
  shift?: Partial<ShiftFacts>;
  business?: Partial<BusinessFacts>;
  schedule?: ScheduleEntry[];
  policy?: Partial<EligibilityPolicy>;
  now?: Date;
}

function evaluate(c: Case = {}): Verdict {
  const worker: WorkerFacts = {
    id: 'w1',
    status: 'active',
    birthDate: '1990-05-05',
    identityVerified: true,
    bankAccount: { verified: true, holderMatchesLegalName: true },
    qualifications: [],
    noShows: [],
    ...c.worker,
  };
  // Tuesday 2026-11-24, 09:00–13:00 KST.
  const shift: ShiftFacts = {
    id: 's1',
    businessId: 'b1',
    status: 'open',
    startsAt: kst('2026-11-24T09:00'),
    endsAt: kst('2026-11-24T13:00'),
    headcount: 3,
    filled: 0,
    minimumAge: 15,
    requiredQualifications: [],
    ...c.shift,
  };
  const business: BusinessFacts = {
    id: 'b1',
    verified: true,
    ntsStatus: 'active',
    blockedWorkerIds: new Set(),
    ...c.business,
  };
  return evaluateEligibility(
    worker,
    shift,
    { now: c.now ?? NOW, business, schedule: c.schedule ?? [] },
    { ...POLICY, ...c.policy },
  );
}

let serial = 0;
function entry(from: string, to: string, more: Partial<ScheduleEntry> = {}): ScheduleEntry {
  serial++;
  return {
    assignmentId: `a${serial}`,
    shiftId: `other${serial}`,
    startsAt: kst(from),
    endsAt: kst(to),
    status: 'confirmed',
    ...more,
  };
}

const codes = (v: Verdict): string[] => v.failures.map((f) => f.code);
const failure = (v: Verdict, code: string) => v.failures.find((f) => f.code === code);

describe('evaluateEligibility', () => {
  it('finds a complete, free, adult worker eligible for an open shift of a verified business', () => {
    const verdict = evaluate();
    expect(verdict).toEqual({
      eligible: true,
      failures: [],
      ruleSetVersion: '2026.1',
      evaluatedAt: NOW,
    });
  });

  describe('the worker', () => {
    it.each([
      ['suspended', true],
      ['withdrawn', true],
      ['active', false],
    ] as const)('worker_not_active: a %s worker fails: %s', (status, fails) => {
      const verdict = evaluate({ worker: { status } });
      expect(codes(verdict).includes('worker_not_active')).toBe(fails);
      if (fails)
        expect(failure(verdict, 'worker_not_active')?.data).toEqual({ workerId: 'w1', status });
    });

    it('identity_not_verified: a worker without identity verification fails, a verified one passes', () => {
      expect(codes(evaluate({ worker: { identityVerified: false } }))).toEqual([
        'identity_not_verified',
      ]);
      expect(codes(evaluate({ worker: { identityVerified: true } }))).toEqual([]);
    });

    it('bank_account_missing: a worker with no payout account fails', () => {
      expect(codes(evaluate({ worker: { bankAccount: undefined } }))).toEqual([
        'bank_account_missing',
      ]);
    });

    it('bank_account_not_verified and bank_account_holder_mismatch are separate failures', () => {
      expect(
        codes(
          evaluate({ worker: { bankAccount: { verified: false, holderMatchesLegalName: true } } }),
        ),
      ).toEqual(['bank_account_not_verified']);
      expect(
        codes(
          evaluate({ worker: { bankAccount: { verified: true, holderMatchesLegalName: false } } }),
        ),
      ).toEqual(['bank_account_holder_mismatch']);
      expect(
        codes(
          evaluate({ worker: { bankAccount: { verified: false, holderMatchesLegalName: false } } }),
        ),
      ).toEqual(['bank_account_not_verified', 'bank_account_holder_mismatch']);
    });
  });

  describe('overrides', () => {
    it('passes a holder match that stands by an operator override, and says so in the verdict', () => {
      const at = kst('2026-11-19T10:00');
      const verdict = evaluate({
        worker: {
          bankAccount: {
            verified: true,
            holderMatchesLegalName: true,
            holderMismatchOverride: { by: 'op-1', at },
          },
        },
      });
      expect(verdict.eligible).toBe(true);
      expect(verdict.overrides).toEqual([
        {
          code: 'bank_account_holder_mismatch',
          data: { workerId: 'w1', by: 'op-1', at: at.toISOString() },
        },
      ]);
      expect(evaluate()).not.toHaveProperty('overrides');
    });
  });

  describe('age at the shift start (KST calendar)', () => {
    it.each([undefined, '2008-02-30', '08-11-25'])(
      'birth_date_unknown: birth date %s fails the age rules without an age',
      (birthDate) => {
        const verdict = evaluate({ worker: { birthDate } });
        expect(codes(verdict)).toEqual(['birth_date_unknown']);
        expect(failure(verdict, 'birth_date_unknown')?.data).toEqual({ workerId: 'w1' });
      },
    );

    it('below_shift_minimum_age: born 2008-11-25 is 17 on 2026-11-24 KST, 18 from 00:00 KST on 2026-11-25', () => {
      const worker = { birthDate: '2008-11-25' };
      const late = evaluate({
        worker,
        shift: {
          minimumAge: 18,
          startsAt: kst('2026-11-24T17:00'),
          endsAt: kst('2026-11-24T21:00'),
        },
      });
      expect(codes(late)).toEqual(['below_shift_minimum_age']);
      expect(failure(late, 'below_shift_minimum_age')?.data).toEqual({
        age: 17,
        minimumAge: 18,
        shiftStartDay: '2026-11-24',
      });
      // 2026-11-25 00:00 KST is still 2026-11-24 in UTC: the KST birthday counts.
      const midnight = evaluate({
        worker,
        shift: {
          minimumAge: 18,
          startsAt: kst('2026-11-25T00:00'),
          endsAt: kst('2026-11-25T04:00'),
        },
      });
      expect(codes(midnight)).toEqual([]);
    });

    it('below_legal_minimum_age: 14 fails even for a shift without a minimum, 15 passes', () => {
      const shift = {
        minimumAge: 0,
        startsAt: kst('2026-11-24T09:00'),
        endsAt: kst('2026-11-24T13:00'),
      };
      const fourteen = evaluate({ worker: { birthDate: '2011-11-25' }, shift });
      expect(codes(fourteen)).toEqual(['below_legal_minimum_age']);
      expect(failure(fourteen, 'below_legal_minimum_age')?.data).toMatchObject({
        age: 14,
        minimumAge: 15,
      });
      expect(codes(evaluate({ worker: { birthDate: '2011-11-24' }, shift }))).toEqual([]);
    });

    it('a 14-year-old on an 18+ shift fails both age rules', () => {
      expect(
        codes(evaluate({ worker: { birthDate: '2012-01-01' }, shift: { minimumAge: 18 } })),
      ).toEqual(['below_legal_minimum_age', 'below_shift_minimum_age']);
    });
  });

  describe('minors (under 18)', () => {
    const minor = { birthDate: '2009-06-01' };

    it('minor_daily_hours_exceeded: 4 h at 00:00–04:00 KST plus this 4 h shift make 8 h on one KST day', () => {
      // 00:00–04:00 KST is the previous day in UTC: only KST days make it the same day.
      const schedule = [entry('2026-11-24T00:00', '2026-11-24T04:00')];
      const verdict = evaluate({ worker: minor, schedule, policy: LOOSE });
      expect(codes(verdict)).toEqual(['minor_daily_hours_exceeded']);
      expect(failure(verdict, 'minor_daily_hours_exceeded')?.data).toEqual({
        age: 17,
        maxHours: 7,
        days: [{ day: '2026-11-24', hours: 8 }],
      });
    });

    it('minor_daily_hours_exceeded: exactly 7 h passes, and an adult may work the 8 h', () => {
      const schedule = [entry('2026-11-24T01:00', '2026-11-24T04:00')];
      expect(codes(evaluate({ worker: minor, schedule, policy: LOOSE }))).toEqual([]);
      const eight = [entry('2026-11-24T00:00', '2026-11-24T04:00')];
      expect(codes(evaluate({ schedule: eight, policy: LOOSE }))).toEqual([]);
    });

    it('minor_daily_hours_exceeded: hours on the previous KST day do not count', () => {
      const schedule = [entry('2026-11-23T17:00', '2026-11-23T23:59')];
      expect(codes(evaluate({ worker: minor, schedule, policy: LOOSE }))).toEqual([]);
    });

    it('minor_weekly_hours_exceeded: 35 h in a Monday–Sunday KST week passes, 35.25 h fails', () => {
      // Monday, Wednesday, Thursday, Friday 7 h each = 28 h; this Tuesday shift is 7 h.
      const week = [
        entry('2026-11-23T08:00', '2026-11-23T15:00'),
        entry('2026-11-25T08:00', '2026-11-25T15:00'),
        entry('2026-11-26T08:00', '2026-11-26T15:00'),
        entry('2026-11-27T08:00', '2026-11-27T15:00'),
        // The next week's Monday does not count.
        entry('2026-11-30T08:00', '2026-11-30T15:00'),
      ];
      const shift = { startsAt: kst('2026-11-24T08:00'), endsAt: kst('2026-11-24T15:00') };
      expect(codes(evaluate({ worker: minor, shift, schedule: week, policy: LOOSE }))).toEqual([]);
      const more = [...week, entry('2026-11-29T10:00', '2026-11-29T10:15')];
      const verdict = evaluate({ worker: minor, shift, schedule: more, policy: LOOSE });
      expect(codes(verdict)).toEqual(['minor_weekly_hours_exceeded']);
      expect(failure(verdict, 'minor_weekly_hours_exceeded')?.data).toEqual({
        age: 17,
        maxHours: 35,
        weeks: [{ weekStart: '2026-11-23', hours: 35.25 }],
      });
    });

    it.each([
      ['21:00', '23:00', 60],
      ['05:00', '07:00', 60],
      ['22:00', '23:00', 60],
    ])(
      'minor_night_work: a minor on %s–%s KST fails with %i night minutes',
      (from, to, minutes) => {
        const shift = { startsAt: kst(`2026-11-24T${from}`), endsAt: kst(`2026-11-24T${to}`) };
        const verdict = evaluate({ worker: minor, shift });
        expect(codes(verdict)).toEqual(['minor_night_work']);
        expect(failure(verdict, 'minor_night_work')?.data).toEqual({
          age: 17,
          nightStartHour: 22,
          nightEndHour: 6,
          nightMinutes: minutes,
        });
      },
    );

    it.each([
      ['06:00', '10:00'],
      ['15:00', '22:00'],
    ])('minor_night_work: a minor on %s–%s KST passes', (from, to) => {
      const shift = { startsAt: kst(`2026-11-24T${from}`), endsAt: kst(`2026-11-24T${to}`) };
      expect(codes(evaluate({ worker: minor, shift }))).toEqual([]);
    });

    it('minor_night_work: an adult may work at night', () => {
      const shift = { startsAt: kst('2026-11-24T21:00'), endsAt: kst('2026-11-24T23:00') };
      expect(codes(evaluate({ shift }))).toEqual([]);
    });

    it('a minor turning 18 on the shift day is an adult for the minor rules', () => {
      const shift = { startsAt: kst('2026-11-24T21:00'), endsAt: kst('2026-11-24T23:00') };
      expect(codes(evaluate({ worker: { birthDate: '2008-11-24' }, shift }))).toEqual([]);
      expect(codes(evaluate({ worker: { birthDate: '2008-11-25' }, shift }))).toEqual([
        'minor_night_work',
      ]);
    });
  });

  describe("the worker's schedule", () => {
    it('schedule_overlap: an assignment ending 20 min before the start fails with a 30 min travel buffer', () => {
      const near = entry('2026-11-24T05:00', '2026-11-24T08:40', {
        assignmentId: 'a-near',
        shiftId: 's-near',
      });
      const verdict = evaluate({ schedule: [near], policy: { minimumRestHours: 0 } });
      expect(codes(verdict)).toEqual(['schedule_overlap']);
      expect(failure(verdict, 'schedule_overlap')?.data).toEqual({
        travelBufferMinutes: 30,
        conflicts: [
          {
            assignmentId: 'a-near',
            shiftId: 's-near',
            status: 'confirmed',
            startsAt: '2026-11-23T20:00:00.000Z',
            endsAt: '2026-11-23T23:40:00.000Z',
          },
        ],
      });
    });

    it('schedule_overlap: exactly the travel buffer apart on either side passes', () => {
      const schedule = [
        entry('2026-11-24T05:00', '2026-11-24T08:30'),
        entry('2026-11-24T13:30', '2026-11-24T14:00'),
      ];
      expect(codes(evaluate({ schedule, policy: { minimumRestHours: 0 } }))).toEqual([]);
    });

    it.each(['proposed', 'confirmed', 'completed'] as const)(
      'schedule_overlap: overlapping a %s assignment is a conflict',
      (status) => {
        const schedule = [entry('2026-11-24T12:00', '2026-11-24T14:00', { status })];
        expect(codes(evaluate({ schedule, policy: LOOSE }))).toEqual(['schedule_overlap']);
      },
    );

    it('schedule_overlap: lists every conflicting assignment', () => {
      const schedule = [
        entry('2026-11-24T08:00', '2026-11-24T10:00'),
        entry('2026-11-24T11:00', '2026-11-24T12:00'),
      ];
      const data = failure(evaluate({ schedule, policy: LOOSE }), 'schedule_overlap')?.data;
      expect((data?.conflicts as unknown[]).length).toBe(2);
    });

    it('weekly_hours_exceeded: a shift Sunday 23:00–Monday 03:00 KST counts 1 h in one week and 3 h in the next', () => {
      const shift = { startsAt: kst('2026-11-29T23:00'), endsAt: kst('2026-11-30T03:00') };
      const verdict = evaluate({ shift, policy: { ...LOOSE, adultMaxWeeklyHours: 0 } });
      expect(failure(verdict, 'weekly_hours_exceeded')?.data).toEqual({
        maxHours: 0,
        weeks: [
          { weekStart: '2026-11-23', hours: 1 },
          { weekStart: '2026-11-30', hours: 3 },
        ],
      });
    });

    it('weekly_hours_exceeded: 51 h before Sunday 23:00 plus its 1 h make 52 (passes); 51.5 h make 52.5 (fails)', () => {
      const shift = { startsAt: kst('2026-11-29T23:00'), endsAt: kst('2026-11-30T03:00') };
      const policy = { ...LOOSE, maxDailyHours: 24 };
      const base = ['23', '24', '25', '26', '27'].map((d) =>
        entry(`2026-11-${d}T08:00`, `2026-11-${d}T18:00`),
      );
      const fiftyOne = [...base, entry('2026-11-28T08:00', '2026-11-28T09:00')];
      expect(codes(evaluate({ shift, schedule: fiftyOne, policy }))).toEqual([]);
      const more = [...base, entry('2026-11-28T08:00', '2026-11-28T09:30')];
      const verdict = evaluate({ shift, schedule: more, policy });
      expect(codes(verdict)).toEqual(['weekly_hours_exceeded']);
      expect(failure(verdict, 'weekly_hours_exceeded')?.data).toEqual({
        maxHours: 52,
        weeks: [{ weekStart: '2026-11-23', hours: 52.5 }],
      });
    });

    it('weekly_hours_exceeded: the hours of the next week do not count towards this one', () => {
      const shift = { startsAt: kst('2026-11-29T09:00'), endsAt: kst('2026-11-29T13:00') };
      const next = ['30'].map((d) => entry(`2026-11-${d}T00:00`, `2026-11-${d}T23:59`));
      const nextWeek = [
        ...next,
        ...['01', '02', '03', '04', '05', '06'].map((d) =>
          entry(`2026-12-${d}T00:00`, `2026-12-${d}T23:00`),
        ),
      ];
      expect(
        codes(evaluate({ shift, schedule: nextWeek, policy: { ...LOOSE, maxDailyHours: 24 } })),
      ).toEqual([]);
    });

    it('insufficient_rest: 10 h between the previous assignment and this start fails, 11 h passes', () => {
      const short = entry('2026-11-23T18:00', '2026-11-23T23:00', {
        assignmentId: 'a-prev',
        shiftId: 's-prev',
      });
      const verdict = evaluate({ schedule: [short] });
      expect(codes(verdict)).toEqual(['insufficient_rest']);
      expect(failure(verdict, 'insufficient_rest')?.data).toEqual({
        minimumRestHours: 11,
        gaps: [{ side: 'before', assignmentId: 'a-prev', shiftId: 's-prev', restHours: 10 }],
      });
      expect(
        codes(evaluate({ schedule: [entry('2026-11-23T17:00', '2026-11-23T22:00')] })),
      ).toEqual([]);
    });

    it('insufficient_rest: 10.5 h between this end and the next working day fails, with exact hours', () => {
      const next = entry('2026-11-24T23:30', '2026-11-25T03:00', {
        assignmentId: 'a-next',
        shiftId: 's-next',
      });
      const shift = { startsAt: kst('2026-11-24T16:00'), endsAt: kst('2026-11-24T20:00') };
      const later = entry('2026-11-25T06:30', '2026-11-25T09:00', {
        assignmentId: 'a-next',
        shiftId: 's-next',
      });
      // 23:30 the same KST day is the same working day: no rest rule between them.
      expect(codes(evaluate({ shift, schedule: [next] }))).toEqual([]);
      const verdict = evaluate({ shift, schedule: [later] });
      expect(failure(verdict, 'insufficient_rest')?.data).toEqual({
        minimumRestHours: 11,
        gaps: [{ side: 'after', assignmentId: 'a-next', shiftId: 's-next', restHours: 10.5 }],
      });
    });

    it('insufficient_rest: names the nearest working day on each side', () => {
      const shift = { startsAt: kst('2026-11-24T09:00'), endsAt: kst('2026-11-24T16:00') };
      const schedule = [
        entry('2026-11-23T10:00', '2026-11-23T12:00'),
        entry('2026-11-23T20:00', '2026-11-23T22:30', { assignmentId: 'a-nearest' }),
        entry('2026-11-25T02:00', '2026-11-25T05:00', { assignmentId: 'a-after' }),
        entry('2026-11-25T09:00', '2026-11-25T12:00'),
      ];
      const gaps = failure(evaluate({ shift, schedule }), 'insufficient_rest')?.data.gaps;
      expect(gaps).toEqual([
        expect.objectContaining({ side: 'before', assignmentId: 'a-nearest', restHours: 10.5 }),
        expect.objectContaining({ side: 'after', assignmentId: 'a-after', restHours: 10 }),
      ]);
    });

    /*
     * A working day is the KST day a shift starts on; rest is between working days, measured
     * from the span of this shift's working day (its shifts, this one included). The shift is
     * Tuesday 2026-11-24 09:00–13:00 unless a case says otherwise; rest 11 h, buffer 30 min,
     * at most 12 h a day.
     */
    it.each<[string, { shift?: [string, string]; schedule: [string, string][]; codes: string[] }]>([
      [
        'a split shift the same day after the buffer',
        { schedule: [['2026-11-24T13:30', '2026-11-24T17:00']], codes: [] },
      ],
      [
        'a split shift the same day inside the buffer',
        { schedule: [['2026-11-24T13:29', '2026-11-24T17:00']], codes: ['schedule_overlap'] },
      ],
      [
        'a split shift the same evening (one working day)',
        { schedule: [['2026-11-24T19:00', '2026-11-24T23:00']], codes: [] },
      ],
      [
        'a split day of 12 h in all',
        { schedule: [['2026-11-24T14:00', '2026-11-24T22:00']], codes: [] },
      ],
      [
        'a split day of 12 h 1 min in all',
        { schedule: [['2026-11-24T14:00', '2026-11-24T22:01']], codes: ['daily_hours_exceeded'] },
      ],
      [
        'the day before ending 11 h before',
        { schedule: [['2026-11-23T18:00', '2026-11-23T22:00']], codes: [] },
      ],
      [
        'the day before ending 10 h 59 min before',
        { schedule: [['2026-11-23T18:00', '2026-11-23T22:01']], codes: ['insufficient_rest'] },
      ],
      [
        'the next day starting 11 h after',
        {
          shift: ['2026-11-24T14:00', '2026-11-24T18:00'],
          schedule: [['2026-11-25T05:00', '2026-11-25T08:00']],
          codes: [],
        },
      ],
      [
        'the next day starting 10 h 59 min after',
        {
          shift: ['2026-11-24T14:00', '2026-11-24T18:00'],
          schedule: [['2026-11-25T04:59', '2026-11-25T08:00']],
          codes: ['insufficient_rest'],
        },
      ],
      [
        'just after midnight: another working day',
        {
          shift: ['2026-11-24T18:00', '2026-11-24T23:00'],
          schedule: [['2026-11-25T00:30', '2026-11-25T04:00']],
          codes: ['insufficient_rest'],
        },
      ],
      [
        'just before midnight: the same working day',
        {
          shift: ['2026-11-24T18:00', '2026-11-24T21:00'],
          schedule: [['2026-11-24T21:30', '2026-11-24T23:59']],
          codes: [],
        },
      ],
      [
        'a shift crossing midnight, then the next morning 7 h later',
        {
          shift: ['2026-11-23T20:00', '2026-11-24T02:00'],
          schedule: [['2026-11-24T09:00', '2026-11-24T13:00']],
          codes: ['insufficient_rest'],
        },
      ],
      [
        'a shift crossing midnight, then the next day 11 h later',
        {
          shift: ['2026-11-23T20:00', '2026-11-24T02:00'],
          schedule: [['2026-11-24T13:00', '2026-11-24T17:00']],
          codes: [],
        },
      ],
      [
        'a same-day shift that crosses midnight is the same working day',
        {
          shift: ['2026-11-24T08:00', '2026-11-24T12:00'],
          schedule: [['2026-11-24T19:00', '2026-11-25T03:00']],
          codes: [],
        },
      ],
      [
        'the working day starts with its earlier shift: rest counts from there',
        {
          shift: ['2026-11-24T17:00', '2026-11-24T20:00'],
          schedule: [
            ['2026-11-24T09:00', '2026-11-24T12:00'],
            ['2026-11-23T18:00', '2026-11-23T23:00'],
          ],
          codes: ['insufficient_rest'],
        },
      ],
      [
        'the working day starts with its earlier shift, rested 11 h',
        {
          shift: ['2026-11-24T17:00', '2026-11-24T20:00'],
          schedule: [
            ['2026-11-24T10:00', '2026-11-24T12:00'],
            ['2026-11-23T18:00', '2026-11-23T23:00'],
          ],
          codes: [],
        },
      ],
    ])('working days: %s', (_name, c) => {
      const shift = c.shift ? { startsAt: kst(c.shift[0]), endsAt: kst(c.shift[1]) } : {};
      const schedule = c.schedule.map(([from, to]) => entry(from, to));
      expect(codes(evaluate({ shift, schedule }))).toEqual(c.codes);
    });

    it('insufficient_rest: an overlapping assignment is reported as an overlap only, not twice', () => {
      const schedule = [entry('2026-11-24T08:00', '2026-11-24T08:45')];
      expect(codes(evaluate({ schedule }))).toEqual(['schedule_overlap']);
    });

    it('daily_hours_exceeded: 8 h plus 5 h on one KST day fail a 12 h maximum; 8 h plus 4 h pass', () => {
      const shift = { startsAt: kst('2026-11-24T06:00'), endsAt: kst('2026-11-24T14:00') };
      const verdict = evaluate({
        shift,
        schedule: [entry('2026-11-24T15:00', '2026-11-24T20:00')],
        policy: LOOSE,
      });
      expect(codes(verdict)).toEqual(['daily_hours_exceeded']);
      expect(failure(verdict, 'daily_hours_exceeded')?.data).toEqual({
        maxHours: 12,
        days: [{ day: '2026-11-24', hours: 13 }],
      });
      expect(
        codes(
          evaluate({
            shift,
            schedule: [entry('2026-11-24T15:00', '2026-11-24T19:00')],
            policy: LOOSE,
          }),
        ),
      ).toEqual([]);
    });

    it('daily_hours_exceeded: a shift crossing midnight KST splits its hours between the two days', () => {
      const shift = { startsAt: kst('2026-11-24T20:00'), endsAt: kst('2026-11-25T08:00') };
      const policy = { ...LOOSE, maxDailyHours: 0 };
      expect(failure(evaluate({ shift, policy }), 'daily_hours_exceeded')?.data).toEqual({
        maxHours: 0,
        days: [
          { day: '2026-11-24', hours: 4 },
          { day: '2026-11-25', hours: 8 },
        ],
      });
    });
  });

  describe('the business', () => {
    it('worker_blocked: a worker on the business block list fails, others pass', () => {
      const verdict = evaluate({ business: { blockedWorkerIds: new Set(['w1']) } });
      expect(codes(verdict)).toEqual(['worker_blocked']);
      expect(failure(verdict, 'worker_blocked')?.data).toEqual({
        businessId: 'b1',
        workerId: 'w1',
      });
      expect(codes(evaluate({ business: { blockedWorkerIds: new Set(['w2']) } }))).toEqual([]);
    });

    it('business_not_verified: an unverified business fails', () => {
      expect(codes(evaluate({ business: { verified: false } }))).toEqual(['business_not_verified']);
    });

    it.each([
      ['suspended', 'suspended'],
      ['closed', 'closed'],
      [undefined, null],
    ] as const)('business_not_active: NTS status %s fails', (ntsStatus, reported) => {
      const verdict = evaluate({ business: { ntsStatus } });
      expect(codes(verdict)).toEqual(['business_not_active']);
      expect(failure(verdict, 'business_not_active')?.data).toEqual({
        businessId: 'b1',
        ntsStatus: reported,
      });
    });
  });

  describe('the shift', () => {
    it('shift_not_open: a cancelled shift fails', () => {
      expect(codes(evaluate({ shift: { status: 'cancelled' } }))).toEqual(['shift_not_open']);
    });

    it('shift_already_started: a shift starting now fails, one starting a millisecond later passes', () => {
      const startsAt = kst('2026-11-24T09:00');
      const verdict = evaluate({ now: startsAt });
      expect(codes(verdict)).toEqual(['shift_already_started']);
      expect(failure(verdict, 'shift_already_started')?.data).toEqual({
        shiftId: 's1',
        startsAt: '2026-11-24T00:00:00.000Z',
        evaluatedAt: '2026-11-24T00:00:00.000Z',
      });
      expect(codes(evaluate({ now: new Date(startsAt.getTime() - 1) }))).toEqual([]);
    });

    it('shift_full: filled equal to headcount fails, one slot left passes', () => {
      expect(codes(evaluate({ shift: { headcount: 3, filled: 3 } }))).toEqual(['shift_full']);
      expect(codes(evaluate({ shift: { headcount: 3, filled: 2 } }))).toEqual([]);
    });

    it('already_on_shift: an assignment on this shift fails, and is not also an overlap', () => {
      const mine = entry('2026-11-24T09:00', '2026-11-24T13:00', {
        assignmentId: 'a-mine',
        shiftId: 's1',
      });
      const verdict = evaluate({ schedule: [mine] });
      expect(codes(verdict)).toEqual(['already_on_shift']);
      expect(failure(verdict, 'already_on_shift')?.data).toEqual({
        shiftId: 's1',
        assignmentId: 'a-mine',
      });
    });
  });

  describe('qualifications, held at the shift end', () => {
    const shift = {
      requiredQualifications: ['health-certificate'],
      endsAt: kst('2026-11-24T13:00'),
    };

    it('qualification_missing: a required qualification not held fails', () => {
      const verdict = evaluate({
        shift,
        worker: { qualifications: [{ code: 'forklift', expiresAt: undefined }] },
      });
      expect(codes(verdict)).toEqual(['qualification_missing']);
      expect(failure(verdict, 'qualification_missing')?.data).toEqual({
        missing: ['health-certificate'],
      });
    });

    it('qualification_expired: one expiring during the shift fails, one expiring at the end passes', () => {
      const during = evaluate({
        shift,
        worker: {
          qualifications: [{ code: 'health-certificate', expiresAt: kst('2026-11-24T12:59') }],
        },
      });
      expect(codes(during)).toEqual(['qualification_expired']);
      expect(failure(during, 'qualification_expired')?.data).toEqual({
        shiftEndsAt: '2026-11-24T04:00:00.000Z',
        expired: [{ code: 'health-certificate', expiresAt: '2026-11-24T03:59:00.000Z' }],
      });
      const atEnd = evaluate({
        shift,
        worker: {
          qualifications: [{ code: 'health-certificate', expiresAt: kst('2026-11-24T13:00') }],
        },
      });
      expect(codes(atEnd)).toEqual([]);
    });

    it('a renewed or non-expiring qualification passes', () => {
      const renewed = [
        { code: 'health-certificate', expiresAt: kst('2026-01-01T00:00') },
        { code: 'health-certificate', expiresAt: kst('2027-01-01T00:00') },
      ];
      expect(codes(evaluate({ shift, worker: { qualifications: renewed } }))).toEqual([]);
      const forever = [{ code: 'health-certificate', expiresAt: undefined }];
      expect(codes(evaluate({ shift, worker: { qualifications: forever } }))).toEqual([]);
    });

    it('lists missing and expired qualifications together', () => {
      const verdict = evaluate({
        shift: { requiredQualifications: ['health-certificate', 'forklift'] },
        worker: {
          qualifications: [{ code: 'health-certificate', expiresAt: kst('2026-01-01T00:00') }],
        },
      });
      expect(codes(verdict)).toEqual(['qualification_missing', 'qualification_expired']);
    });
  });

  describe('no-shows', () => {
    const daysBefore = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);

    it('too_many_no_shows: three in the last 90 days fail, two pass', () => {
      const three = [daysBefore(1), daysBefore(30), daysBefore(89)];
      const verdict = evaluate({ worker: { noShows: three } });
      expect(codes(verdict)).toEqual(['too_many_no_shows']);
      expect(failure(verdict, 'too_many_no_shows')?.data).toEqual({
        noShows: 3,
        maxNoShows: 3,
        windowDays: 90,
      });
      expect(codes(evaluate({ worker: { noShows: three.slice(1) } }))).toEqual([]);
    });

    it('too_many_no_shows: no-shows 90 days ago or older do not count', () => {
      const noShows = [daysBefore(1), daysBefore(30), daysBefore(90), daysBefore(400)];
      expect(codes(evaluate({ worker: { noShows } }))).toEqual([]);
    });
  });

  it('lists every failing rule at once, in the fixed order: five failures give exactly five codes', () => {
    const verdict = evaluate({
      worker: { identityVerified: false, noShows: [NOW, NOW, NOW] },
      shift: { status: 'cancelled', headcount: 1, filled: 1 },
      business: { ntsStatus: 'closed' },
    });
    expect(verdict.eligible).toBe(false);
    expect(codes(verdict)).toEqual([
      'identity_not_verified',
      'business_not_active',
      'shift_not_open',
      'shift_full',
      'too_many_no_shows',
    ]);
  });

  it('refuses a shift that does not end after it starts (corrupt data, not a verdict)', () => {
    const at = kst('2026-11-24T09:00');
    expect(() => evaluate({ shift: { startsAt: at, endsAt: at } })).toThrow(RangeError);
    expect(() => evaluate({ shift: { endsAt: new Date(Number.NaN) } })).toThrow(RangeError);
  });

  it('gives each failure its Korean and English message from the rule catalogue', () => {
    const catalogue = new Map(describeRules().map((r) => [r.code, r.message]));
    const verdict = evaluate({ worker: { status: 'suspended', birthDate: undefined } });
    for (const f of verdict.failures) {
      expect(f.message).toEqual(catalogue.get(f.code));
      expect(f.message.ko).toMatch(/[가-힣]/);
    }
  });

  it('describes every rule once, with a snake_case code and both messages', () => {
    const rules = describeRules();
    expect(new Set(rules.map((r) => r.code)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(rule.message.ko.length).toBeGreaterThan(0);
      expect(rule.message.en.length).toBeGreaterThan(0);
    }
  });
});
