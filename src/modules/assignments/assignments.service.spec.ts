import type { EligibilityRefusalsRepository } from './eligibility-refusals.repository.js';
import type { Logger } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import { loadConfig } from '../../config/config.js';
import type { Principal } from '../../platform/auth/principal.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { AccessService } from '../access/access.service.js';
import type { BusinessesService } from '../businesses/businesses.service.js';
import type { Verdict } from '../eligibility/engine/types.js';
import type { EligibilityService, Evaluation } from '../eligibility/eligibility.service.js';
import type { Shift, ShiftSlots } from '../shifts/shift-slots.service.js';
import type { WorkersService } from '../workers/workers.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentEndings } from './assignment-endings.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { AssignmentTransitions } from './assignment-transitions.js';
import {
  AlreadyOnShiftError,
  type Assignment,
  type AssignmentsRepository,
  type Change,
} from './assignments.repository.js';
import { AssignmentsService } from './assignments.service.js';
import { ProposalHold } from './proposal-hold.js';
import type { Schedule, WorkerSchedulesRepository } from './worker-schedules.repository.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T00:00:00Z');
const START = new Date('2026-12-01T00:00:00Z');
const END = new Date(START.getTime() + 4 * HOUR);
const SHIFT_ID = '0123456789abcdef01234567';
const ASSIGNMENT_ID = '89abcdef0123456789abcdef';

const principal = (sub: string, groups: Principal['groups']): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const WORKER = principal('w-kim', ['worker']);
const OTHER_WORKER = principal('w-lee', ['worker']);
const OWNER = principal('biz-owner', ['business']);
const OPERATOR = principal('op-1', ['operator']);

const SHIFT: Shift = {
  id: SHIFT_ID,
  businessId: 'biz-1',
  title: 'Banquet service',
  description: undefined,
  startsAt: START,
  endsAt: END,
  place: { address: '서울 강남구 테헤란로 152', regionCode: '1168010100', lat: 37.5, lng: 127.04 },
  headcount: 3,
  hourlyPayKrw: 12_000,
  requiredQualifications: [],
  minimumAge: 15,
  status: 'open',
  filled: 0,
  version: 1,
  createdBy: 'biz-owner',
  createdAt: NOW,
  updatedAt: NOW,
  cancelledAt: undefined,
  cancelReason: undefined,
  cancelledBy: undefined,
};

const ELIGIBLE: Verdict = {
  eligible: true,
  failures: [],
  ruleSetVersion: '2026.1',
  evaluatedAt: NOW,
};
const INELIGIBLE: Verdict = {
  eligible: false,
  failures: [
    { code: 'identity_not_verified', message: { ko: '본인인증', en: 'identity' }, data: {} },
    { code: 'bank_account_missing', message: { ko: '계좌', en: 'account' }, data: {} },
  ],
  ruleSetVersion: '2026.1',
  evaluatedAt: NOW,
};

const EMPTY_SCHEDULE: Schedule = { workerId: 'w-kim', version: 0, entries: [] };
const entry = (status: 'proposed' | 'confirmed' | 'completed', assignmentId = ASSIGNMENT_ID) => ({
  assignmentId,
  shiftId: SHIFT_ID,
  startsAt: START,
  endsAt: END,
  status,
  heldAt: NOW,
});

function assignment(overrides: Partial<Assignment> = {}): Assignment {
  return {
    id: ASSIGNMENT_ID,
    shiftId: SHIFT_ID,
    businessId: 'biz-1',
    workerId: 'w-kim',
    state: 'confirmed',
    origin: 'proposal',
    startsAt: START,
    endsAt: END,
    verdict: ELIGIBLE,
    cancellation: undefined,
    hoursWorked: undefined,
    history: [],
    version: 3,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

const evaluation = (verdict: Verdict, schedule = EMPTY_SCHEDULE, shift = SHIFT): Evaluation => ({
  verdict,
  shift,
  schedule,
});

/**
 * Unit: the service (with the proposal hold and the system endings it is made with) on strict
 * fakes of its repositories and of the services it asks.
 */
describe(AssignmentsService.name, () => {
  let assignments: StrictFake<AssignmentsRepository>;
  let schedules: StrictFake<WorkerSchedulesRepository>;
  let shifts: StrictFake<ShiftSlots>;
  let eligibility: StrictFake<EligibilityService>;
  let businesses: StrictFake<BusinessesService>;
  let workers: StrictFake<WorkersService>;
  let log: StrictFake<Pick<Logger, 'warn'>>;
  let refusals: StrictFake<EligibilityRefusalsRepository>;
  let sut: AssignmentsService;
  let endings: AssignmentEndings;

  beforeEach(() => {
    assignments = strictFake<AssignmentsRepository>('AssignmentsRepository');
    schedules = strictFake<WorkerSchedulesRepository>('WorkerSchedulesRepository');
    shifts = strictFake<ShiftSlots>('ShiftSlots');
    eligibility = strictFake<EligibilityService>('EligibilityService');
    businesses = strictFake<BusinessesService>('BusinessesService');
    workers = strictFake<WorkersService>('WorkersService');
    log = strictFake<Pick<Logger, 'warn'>>('Logger');
    // The service logs through a child of the root logger.
    const root = { child: () => log } as unknown as Logger;
    const holds = new AssignmentHolds(schedules, shifts);
    const transitions = new AssignmentTransitions(
      assignments,
      loadConfig({ DATA_DIR: '/tmp/unused', LATE_CANCELLATION_HOURS: '24' }),
    );
    // Refusals are counted; that count's own rules are the medium spec's.
    refusals = strictFake<EligibilityRefusalsRepository>('EligibilityRefusalsRepository');
    refusals.record.mockResolvedValue(undefined);
    sut = new AssignmentsService(
      assignments,
      schedules,
      transitions,
      new ProposalHold(
        assignments,
        schedules,
        shifts,
        holds,
        eligibility,
        refusals,
        log as unknown as Logger,
      ),
      holds,
      new AssignmentOutcomes(workers, holds),
      eligibility,
      new AccessService(businesses),
      refusals,
      root,
    );
    endings = new AssignmentEndings(assignments, transitions, holds, eligibility);
  });

  /** `change` answers the assignment as the change makes it. */
  const changeApplies = () =>
    assignments.change.mockImplementation((a: Assignment, change: Change) =>
      Promise.resolve({
        ...a,
        state: change.state,
        ...(change.times ?? {}),
        version: a.version + 1,
      }),
    );
  const businessStaff = () => businesses.assertStaff.mockResolvedValue();
  const writtenChange = (call = 0) => assignments.change.mock.calls[call]?.[1];

  describe('apply', () => {
    it('refuses a member who is not a worker before evaluating anything', async () => {
      await expect(sut.apply(OWNER, SHIFT_ID, NOW)).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'workers_only',
      });
      expect(eligibility.evaluate).not.toHaveBeenCalled();
    });

    it('answers not_eligible with every failing rule and writes nothing', async () => {
      eligibility.evaluate.mockResolvedValue(evaluation(INELIGIBLE));

      await expect(sut.apply(WORKER, SHIFT_ID, NOW)).rejects.toMatchObject({
        kind: 'unprocessable',
        code: 'not_eligible',
        extensions: { failures: INELIGIBLE.failures, ruleSetVersion: '2026.1' },
      });
      expect(assignments.insert).not.toHaveBeenCalled();
    });

    it('stores the application at the shift’s times with its verdict and no event', async () => {
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
      assignments.newId.mockReturnValue(ASSIGNMENT_ID);
      assignments.insert.mockResolvedValue(assignment({ state: 'applied' }));

      await sut.apply(WORKER, SHIFT_ID, NOW);

      expect(assignments.insert).toHaveBeenCalledWith(
        expect.objectContaining({
          id: ASSIGNMENT_ID,
          workerId: 'w-kim',
          state: 'applied',
          origin: 'application',
          startsAt: START,
          endsAt: END,
          verdict: ELIGIBLE,
          event: undefined,
        }),
        NOW,
      );
    });

    it('answers already_on_shift when the worker is on the shift already', async () => {
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
      assignments.newId.mockReturnValue(ASSIGNMENT_ID);
      assignments.insert.mockRejectedValue(new AlreadyOnShiftError());

      await expect(sut.apply(WORKER, SHIFT_ID, NOW)).rejects.toMatchObject({
        kind: 'conflict',
        code: 'already_on_shift',
      });
    });
  });

  describe('propose', () => {
    beforeEach(() => {
      eligibility.requireShift.mockResolvedValue(SHIFT);
      businessStaff();
    });

    it('refuses a business member who is not on the business’s staff', async () => {
      businesses.assertStaff.mockRejectedValue(
        new DomainError('forbidden', 'not_business_staff', 'no'),
      );

      await expect(sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
      expect(assignments.findActive).not.toHaveBeenCalled();
    });

    it('answers already_on_shift for a worker proposed or confirmed there, deciding nothing', async () => {
      assignments.findActive.mockResolvedValue(assignment({ state: 'proposed' }));

      await expect(sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW)).rejects.toMatchObject({
        code: 'already_on_shift',
      });
      expect(eligibility.evaluate).not.toHaveBeenCalled();
    });

    it('holds the time, then the slot at the times decided on, then writes the proposal', async () => {
      assignments.findActive.mockResolvedValue(undefined);
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
      assignments.newId.mockReturnValue(ASSIGNMENT_ID);
      schedules.replace.mockResolvedValue();
      shifts.reserveSlot.mockResolvedValue('reserved');
      assignments.insert.mockImplementation((a) =>
        Promise.resolve(assignment({ ...a, history: [a.history] })),
      );

      const proposed = await sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW);

      expect(proposed.state).toBe('proposed');
      expect(schedules.replace).toHaveBeenCalledWith(EMPTY_SCHEDULE, [entry('proposed')], NOW);
      expect(shifts.reserveSlot).toHaveBeenCalledWith(SHIFT_ID, ASSIGNMENT_ID, NOW, SHIFT);
      expect(assignments.insert.mock.calls[0]?.[0]).toMatchObject({
        state: 'proposed',
        origin: 'proposal',
        verdict: ELIGIBLE,
        history: { from: null, to: 'proposed', by: { id: 'biz-owner', role: 'business' } },
        event: { type: 'assignment.proposed', payload: { assignmentId: ASSIGNMENT_ID } },
      });
    });

    it('decides again on fresh facts when the worker’s schedule changed under it', async () => {
      assignments.findActive.mockResolvedValue(undefined);
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
      assignments.newId.mockReturnValue(ASSIGNMENT_ID);
      schedules.replace
        .mockRejectedValueOnce(new ConcurrentModificationError('worker_schedules', 0, 1))
        .mockResolvedValue();
      shifts.reserveSlot.mockResolvedValue('reserved');
      assignments.insert.mockResolvedValue(assignment({ state: 'proposed' }));

      await sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW);

      expect(eligibility.evaluate).toHaveBeenCalledTimes(2);
      expect(shifts.reserveSlot).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['full', 'shift_full'],
      ['moved', 'shift_changed'],
      ['not_open', 'shift_not_open'],
    ] as const)(
      'answers a %s slot with 409 %s and gives the worker’s time back',
      async (slot, code) => {
        assignments.findActive.mockResolvedValue(undefined);
        eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
        assignments.newId.mockReturnValue(ASSIGNMENT_ID);
        schedules.replace.mockResolvedValue();
        shifts.reserveSlot.mockResolvedValue(slot);
        schedules.get.mockResolvedValue({
          ...EMPTY_SCHEDULE,
          version: 1,
          entries: [entry('proposed')],
        });

        await expect(sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW)).rejects.toMatchObject({
          kind: 'conflict',
          code,
        });
        expect(schedules.replace).toHaveBeenLastCalledWith(
          expect.objectContaining({ version: 1 }),
          [],
          NOW,
        );
        expect(assignments.insert).not.toHaveBeenCalled();
      },
    );

    it('proposes from the application at the shift’s times now, with the new verdict', async () => {
      const moved = { ...SHIFT, startsAt: new Date(START.getTime() + HOUR) };
      const application = assignment({ state: 'applied', origin: 'application' });
      assignments.findActive.mockResolvedValue(application);
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE, EMPTY_SCHEDULE, moved));
      schedules.replace.mockResolvedValue();
      shifts.reserveSlot.mockResolvedValue('reserved');
      changeApplies();

      const proposed = await sut.propose(OPERATOR, SHIFT_ID, 'w-kim', NOW);

      expect(proposed).toMatchObject({
        id: ASSIGNMENT_ID,
        state: 'proposed',
        startsAt: moved.startsAt,
      });
      expect(writtenChange()).toMatchObject({
        state: 'proposed',
        verdict: ELIGIBLE,
        times: { startsAt: moved.startsAt, endsAt: END },
        history: { from: 'applied', to: 'proposed', by: { id: 'op-1', role: 'operator' } },
      });
      expect(writtenChange()?.events.map((e) => e.type)).toEqual(['assignment.proposed']);
      expect(businesses.assertStaff).not.toHaveBeenCalled();
    });

    it('answers assignment_changed and gives back time and slot when the application moved meanwhile', async () => {
      assignments.findActive.mockResolvedValue(assignment({ state: 'applied' }));
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE));
      schedules.replace.mockResolvedValue();
      shifts.reserveSlot.mockResolvedValue('reserved');
      assignments.change.mockRejectedValue(new ConcurrentModificationError('assignments', 3, 4));
      schedules.get.mockResolvedValue({
        ...EMPTY_SCHEDULE,
        version: 1,
        entries: [entry('proposed')],
      });
      shifts.releaseSlot.mockResolvedValue();

      await expect(sut.propose(OWNER, SHIFT_ID, 'w-kim', NOW)).rejects.toMatchObject({
        code: 'assignment_changed',
      });
      expect(schedules.replace).toHaveBeenLastCalledWith(expect.anything(), [], NOW);
      expect(shifts.releaseSlot).toHaveBeenCalledWith(SHIFT_ID, ASSIGNMENT_ID);
    });
  });

  describe('accept', () => {
    it('refuses a worker accepting another worker’s proposal', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));

      await expect(sut.accept(OTHER_WORKER, ASSIGNMENT_ID, NOW)).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'not_your_assignment',
      });
      expect(eligibility.evaluate).not.toHaveBeenCalled();
    });

    it('answers assignment_not_found for an id that names no assignment', async () => {
      assignments.getById.mockResolvedValue(undefined);

      await expect(sut.accept(WORKER, ASSIGNMENT_ID, NOW)).rejects.toMatchObject({
        kind: 'not_found',
        code: 'assignment_not_found',
      });
    });

    it('checks eligibility again, leaving its own hold out, and refuses when it no longer holds', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));
      eligibility.evaluate.mockResolvedValue(evaluation(INELIGIBLE));

      await expect(sut.accept(WORKER, ASSIGNMENT_ID, NOW)).rejects.toMatchObject({
        code: 'not_eligible',
      });
      expect(eligibility.evaluate).toHaveBeenCalledWith(SHIFT_ID, 'w-kim', {
        holding: ASSIGNMENT_ID,
        now: NOW,
      });
      expect(schedules.replace).not.toHaveBeenCalled();
      expect(assignments.change).not.toHaveBeenCalled();
    });

    it('confirms the schedule entry and the assignment with the verdict of now', async () => {
      const schedule = { ...EMPTY_SCHEDULE, version: 2, entries: [entry('proposed')] };
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));
      eligibility.evaluate.mockResolvedValue(evaluation(ELIGIBLE, schedule));
      schedules.replace.mockResolvedValue();
      changeApplies();

      const confirmed = await sut.accept(WORKER, ASSIGNMENT_ID, NOW);

      expect(confirmed.state).toBe('confirmed');
      expect(schedules.replace).toHaveBeenCalledWith(schedule, [entry('confirmed')], NOW);
      expect(writtenChange()).toMatchObject({ state: 'confirmed', verdict: ELIGIBLE });
      expect(writtenChange()?.events.map((e) => e.type)).toEqual(['assignment.confirmed']);
    });

    it('answers illegal_transition for an application, naming the states', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'applied' }));

      await expect(sut.accept(WORKER, ASSIGNMENT_ID, NOW)).rejects.toMatchObject({
        code: 'illegal_transition',
        extensions: { action: 'accept', from: 'applied', allowedFrom: ['proposed'] },
      });
    });
  });

  describe('decline, withdraw and reject', () => {
    it('declines a proposal and gives back its time and slot', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));
      changeApplies();
      schedules.get.mockResolvedValue({
        ...EMPTY_SCHEDULE,
        version: 1,
        entries: [entry('proposed')],
      });
      schedules.replace.mockResolvedValue();
      shifts.releaseSlot.mockResolvedValue();

      const declined = await sut.decline(WORKER, ASSIGNMENT_ID, NOW);

      expect(declined.state).toBe('declined');
      expect(writtenChange()?.events.map((e) => e.type)).toEqual(['assignment.declined']);
      expect(schedules.replace).toHaveBeenCalledWith(expect.anything(), [], NOW);
      expect(shifts.releaseSlot).toHaveBeenCalledWith(SHIFT_ID, ASSIGNMENT_ID);
    });

    it('withdraws the worker’s own application, holding nothing to give back', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'applied' }));
      changeApplies();

      const withdrawn = await sut.withdraw(WORKER, ASSIGNMENT_ID, NOW);

      expect(withdrawn.state).toBe('withdrawn');
      expect(writtenChange()).toMatchObject({
        history: { from: 'applied', to: 'withdrawn', by: { id: 'w-kim', role: 'worker' } },
      });
    });

    it('rejects an application for the business, keeping the reason in the history', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'applied' }));
      businessStaff();
      changeApplies();

      await sut.reject(OWNER, ASSIGNMENT_ID, '경력 부족', NOW);

      expect(businesses.assertStaff).toHaveBeenCalledWith('biz-1', 'biz-owner');
      expect(writtenChange()).toMatchObject({
        state: 'rejected',
        history: { from: 'applied', to: 'rejected', reason: '경력 부족' },
      });
    });

    it('refuses a worker rejecting an application (the business decides)', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'applied' }));
      businesses.assertStaff.mockRejectedValue(
        new DomainError('forbidden', 'not_business_staff', 'no'),
      );

      await expect(sut.reject(WORKER, ASSIGNMENT_ID, undefined, NOW)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
      expect(assignments.change).not.toHaveBeenCalled();
    });
  });

  describe('cancel', () => {
    beforeEach(() => {
      changeApplies();
      schedules.get.mockResolvedValue({
        ...EMPTY_SCHEDULE,
        version: 1,
        entries: [entry('confirmed')],
      });
      schedules.replace.mockResolvedValue();
      shifts.releaseSlot.mockResolvedValue();
    });

    it('is late within LATE_CANCELLATION_HOURS of the start, and says the worker cancelled', async () => {
      assignments.getById.mockResolvedValue(assignment());
      const late = new Date(START.getTime() - 23 * HOUR);

      await sut.cancel(WORKER, ASSIGNMENT_ID, 'Sick', late);

      expect(writtenChange()).toMatchObject({
        state: 'cancelled',
        cancellation: { by: { id: 'w-kim', role: 'worker' }, reason: 'Sick', late: true, at: late },
      });
      expect(writtenChange()?.events[0]).toMatchObject({
        type: 'assignment.cancelled',
        payload: { cancelledBy: 'worker', late: true, from: 'confirmed', to: 'cancelled' },
      });
      expect(shifts.releaseSlot).toHaveBeenCalledWith(SHIFT_ID, ASSIGNMENT_ID);
    });

    it('is not late before that, and says the business cancelled', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));
      businessStaff();
      const early = new Date(START.getTime() - 24 * HOUR);

      await sut.cancel(OWNER, ASSIGNMENT_ID, 'Event moved', early);

      expect(writtenChange()).toMatchObject({ cancellation: { late: false } });
      expect(writtenChange()?.events[0]?.payload).toMatchObject({
        cancelledBy: 'business',
        late: false,
      });
    });

    it('answers assignment_changed when a move it may still make lost a race', async () => {
      assignments.getById
        .mockResolvedValueOnce(assignment({ state: 'proposed' }))
        .mockResolvedValueOnce(assignment({ state: 'confirmed', version: 4 }));
      assignments.change.mockRejectedValue(new ConcurrentModificationError('assignments', 3, 4));

      await expect(sut.cancel(WORKER, ASSIGNMENT_ID, 'Sick', NOW)).rejects.toMatchObject({
        code: 'assignment_changed',
      });
      expect(shifts.releaseSlot).not.toHaveBeenCalled();
    });

    it('answers illegal_transition when the race left it in a state it cannot leave so', async () => {
      assignments.getById
        .mockResolvedValueOnce(assignment({ state: 'proposed' }))
        .mockResolvedValueOnce(assignment({ state: 'declined', version: 4 }));
      assignments.change.mockRejectedValue(new ConcurrentModificationError('assignments', 3, 4));

      await expect(sut.cancel(WORKER, ASSIGNMENT_ID, 'Sick', NOW)).rejects.toMatchObject({
        code: 'illegal_transition',
        extensions: { from: 'declined' },
      });
    });
  });

  describe('complete', () => {
    const started = new Date(START.getTime() + HOUR);

    beforeEach(() => {
      assignments.getById.mockResolvedValue(assignment());
      businessStaff();
    });

    it('refuses before the shift has started, writing nothing', async () => {
      await expect(sut.complete(OWNER, ASSIGNMENT_ID, 4, NOW)).rejects.toMatchObject({
        code: 'shift_not_started',
        extensions: { startsAt: START.toISOString() },
      });
      expect(assignments.change).not.toHaveBeenCalled();
    });

    it.each([4.25, 0, -1])('refuses %s hours worked on a 4-hour shift', async (hours) => {
      await expect(sut.complete(OWNER, ASSIGNMENT_ID, hours, started)).rejects.toMatchObject({
        kind: 'invalid',
        code: 'invalid_hours_worked',
        extensions: { maxHours: 4 },
      });
      expect(assignments.change).not.toHaveBeenCalled();
    });

    it('writes the outcome with the assignment, first, then marks the schedule entry worked', async () => {
      changeApplies();
      schedules.get.mockResolvedValue({
        ...EMPTY_SCHEDULE,
        version: 5,
        entries: [entry('confirmed')],
      });
      schedules.replace.mockResolvedValue();

      const completed = await sut.complete(OWNER, ASSIGNMENT_ID, 3.5, started);

      expect(completed.state).toBe('completed');
      expect(writtenChange()).toMatchObject({ state: 'completed', hoursWorked: 3.5 });
      expect(writtenChange()?.events).toMatchObject([
        {
          type: 'assignment_outcome.completed',
          payload: {
            assignmentId: ASSIGNMENT_ID,
            shiftId: SHIFT_ID,
            workerId: 'w-kim',
            hoursWorked: 3.5,
          },
        },
        { type: 'assignment.completed', payload: { hoursWorked: 3.5 } },
      ]);
      expect(schedules.replace).toHaveBeenCalledWith(
        expect.objectContaining({ version: 5 }),
        [entry('completed')],
        started,
      );
      // The assignment was written before the schedule: the record follows from it.
      expect(assignments.change.mock.invocationCallOrder[0]).toBeLessThan(
        schedules.replace.mock.invocationCallOrder[0]!,
      );
    });

    it('answers completed even when the schedule write fails: the outbox carries the record', async () => {
      changeApplies();
      schedules.get.mockRejectedValue(new Error('connection reset'));
      log.warn.mockReturnValue(undefined);

      const completed = await sut.complete(OWNER, ASSIGNMENT_ID, 4, started);

      expect(completed.state).toBe('completed');
      expect(log.warn).toHaveBeenCalledWith(
        expect.objectContaining({ assignmentId: ASSIGNMENT_ID, outcome: 'completed' }),
        expect.any(String),
      );
    });
  });

  describe('no-show', () => {
    const started = new Date(START.getTime() + HOUR);

    beforeEach(() => {
      businessStaff();
    });

    it('refuses a proposal (only a confirmed assignment can be a no-show), writing nothing', async () => {
      assignments.getById.mockResolvedValue(assignment({ state: 'proposed' }));

      await expect(sut.noShow(OWNER, ASSIGNMENT_ID, started)).rejects.toMatchObject({
        code: 'illegal_transition',
        extensions: { action: 'no_show', from: 'proposed', allowedFrom: ['confirmed'] },
      });
      expect(assignments.change).not.toHaveBeenCalled();
    });

    it('refuses before the shift has started', async () => {
      assignments.getById.mockResolvedValue(assignment());

      await expect(sut.noShow(OWNER, ASSIGNMENT_ID, NOW)).rejects.toMatchObject({
        code: 'shift_not_started',
      });
    });

    it('writes the outcome with the assignment, then records it on the worker and gives back the holds', async () => {
      assignments.getById.mockResolvedValue(assignment());
      changeApplies();
      workers.recordNoShow.mockResolvedValue();
      schedules.get.mockResolvedValue({
        ...EMPTY_SCHEDULE,
        version: 5,
        entries: [entry('confirmed')],
      });
      schedules.replace.mockResolvedValue();
      shifts.releaseSlot.mockResolvedValue();

      const marked = await sut.noShow(OWNER, ASSIGNMENT_ID, started);

      expect(marked.state).toBe('no_show');
      expect(writtenChange()?.events).toMatchObject([
        {
          type: 'assignment_outcome.no_show',
          payload: {
            assignmentId: ASSIGNMENT_ID,
            shiftId: SHIFT_ID,
            workerId: 'w-kim',
            at: START.toISOString(),
          },
        },
        { type: 'assignment.no_show' },
      ]);
      expect(workers.recordNoShow).toHaveBeenCalledWith(
        'w-kim',
        { assignmentId: ASSIGNMENT_ID, shiftId: SHIFT_ID, at: START },
        started,
      );
      expect(assignments.change.mock.invocationCallOrder[0]).toBeLessThan(
        workers.recordNoShow.mock.invocationCallOrder[0]!,
      );
      expect(schedules.replace).toHaveBeenCalledWith(expect.anything(), [], started);
      expect(shifts.releaseSlot).toHaveBeenCalledWith(SHIFT_ID, ASSIGNMENT_ID);
    });

    it('answers no_show even when recording it fails, logging ids only: the outbox carries it', async () => {
      assignments.getById.mockResolvedValue(assignment());
      changeApplies();
      workers.recordNoShow.mockRejectedValue(new Error('connection reset'));
      log.warn.mockReturnValue(undefined);

      const marked = await sut.noShow(OWNER, ASSIGNMENT_ID, started);

      expect(marked.state).toBe('no_show');
      expect(writtenChange()?.events[0]?.type).toBe('assignment_outcome.no_show');
      expect(log.warn).toHaveBeenCalledWith(
        { err: expect.any(Error) as unknown, assignmentId: ASSIGNMENT_ID, outcome: 'no_show' },
        expect.stringContaining('outbox'),
      );
    });

    it('records nothing when the assignment’s own write fails', async () => {
      assignments.getById.mockResolvedValue(assignment());
      assignments.change.mockRejectedValue(new Error('connection reset'));

      await expect(sut.noShow(OWNER, ASSIGNMENT_ID, started)).rejects.toThrow('connection reset');
      expect(workers.recordNoShow).not.toHaveBeenCalled();
    });
  });

  describe('ending the assignments of a cancelled shift', () => {
    it('rejects applications, cancels holds as the system, and leaves ended ones alone', async () => {
      const applied = assignment({ id: 'a'.repeat(24), state: 'applied' });
      const confirmed = assignment({ id: 'b'.repeat(24), state: 'confirmed' });
      const ended = assignment({ id: 'c'.repeat(24), state: 'cancelled' });
      assignments.active.mockResolvedValue([applied, confirmed, ended]);
      assignments.getById.mockImplementation((id: string) =>
        Promise.resolve([applied, confirmed, ended].find((a) => a.id === id)),
      );
      changeApplies();
      schedules.get.mockResolvedValue({ ...EMPTY_SCHEDULE, version: 1, entries: [] });
      shifts.releaseSlot.mockResolvedValue();

      const count = await endings.endForCancelledShift(SHIFT_ID, NOW);

      expect(count).toBe(2);
      expect(assignments.change.mock.calls.map(([a, c]) => [a.id, c.state, c.history.by])).toEqual([
        [applied.id, 'rejected', { id: 'system', role: 'system' }],
        [confirmed.id, 'cancelled', { id: 'system', role: 'system' }],
      ]);
      expect(writtenChange(1)?.events[0]?.payload).toMatchObject({ cancelledBy: 'business' });
      expect(shifts.releaseSlot).toHaveBeenCalledWith(SHIFT_ID, confirmed.id);
    });
  });

  describe('reading', () => {
    it('shows an assignment to its worker, and asks the staff check for anyone else', async () => {
      assignments.getById.mockResolvedValue(assignment());
      businesses.assertStaff.mockRejectedValue(
        new DomainError('forbidden', 'not_business_staff', 'no'),
      );

      await expect(sut.get(WORKER, ASSIGNMENT_ID)).resolves.toMatchObject({ id: ASSIGNMENT_ID });
      expect(assignments.getById).toHaveBeenCalledWith(ASSIGNMENT_ID, { notes: true });
      await expect(sut.get(OTHER_WORKER, ASSIGNMENT_ID)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
    });

    it('gives operators the reasons masked', async () => {
      assignments.getById.mockResolvedValue(assignment());

      await sut.get(OPERATOR, ASSIGNMENT_ID);

      expect(assignments.getById).toHaveBeenCalledWith(ASSIGNMENT_ID, { notes: false });
    });
  });
});
