import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { isPlatformStaff, platformRole } from '../../platform/auth/access.js';
import type { Principal } from '../../platform/auth/principal.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { AccessService } from '../access/access.service.js';
import type { Verdict } from '../eligibility/engine/types.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { type Shift, ShiftSlots } from '../shifts/shift-slots.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { type AssignmentAction, HOLDING_STATES, transition } from './assignment-state.js';
import {
  alreadyOnShift,
  assignmentChanged,
  assignmentNotFound,
  invalidHoursWorked,
  NotEligibleError,
  shiftNotStarted,
  slotRefused,
  workersOnly,
} from './assignments.errors.js';
import {
  type AssignmentChanged,
  changeEvent,
  type Outcome,
  outcomeEvent,
} from './assignments.events.js';
import {
  type Actor,
  AlreadyOnShiftError,
  type Assignment,
  AssignmentsRepository,
  type ReadOptions,
} from './assignments.repository.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/** Attempts of a decision that lost a race on the worker's schedule (it is decided again). */
const DECIDE_ATTEMPTS = 8;
const HOUR_MS = 3_600_000;

/** The platform acting on its own (on a cancelled shift): never a member. */
const SYSTEM: Principal = {
  sub: 'system',
  username: 'system',
  groups: [],
  tokenId: 'system',
  expiresAt: Number.MAX_SAFE_INTEGER,
};

/**
 * How a caller reads an assignment's reasons: the worker and the business's staff (the parties,
 * once authorized) as written; operators masked (they reveal them with a reason).
 */
const readFor = (principal: Principal): ReadOptions => ({ notes: !isPlatformStaff(principal) });

function actorOf(principal: Principal): Actor {
  if (principal === SYSTEM) return { id: 'system', role: 'system' };
  const role =
    platformRole(principal) ?? (principal.groups.includes('business') ? 'business' : 'worker');
  return { id: principal.sub, role };
}

/**
 * Applications and assignments (배정). Every transition is checked against the state machine;
 * every change writes its outbox event in the same document write; every decision that holds a
 * worker's time re-checks eligibility and commits with optimistic concurrency on the worker's
 * schedule and a conditional reservation of the shift's slot, so neither double booking nor
 * overfilling can happen, without transactions.
 */
@Injectable()
export class AssignmentsService {
  private readonly lateCancellationMs: number;

  private readonly log: Logger;

  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly schedules: WorkerSchedulesRepository,
    private readonly shifts: ShiftSlots,
    private readonly holds: AssignmentHolds,
    private readonly outcomes: AssignmentOutcomes,
    private readonly eligibility: EligibilityService,
    private readonly access: AccessService,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.lateCancellationMs = config.shifts.lateCancellationHours * HOUR_MS;
    this.log = logger.child({ component: 'assignments' });
  }

  /** A worker applies for a shift they are eligible for. */
  async apply(principal: Principal, shiftId: string, now = new Date()): Promise<Assignment> {
    if (!principal.groups.includes('worker')) throw workersOnly();
    const { verdict, shift } = await this.eligibility.evaluate(shiftId, principal.sub, { now });
    if (!verdict.eligible) throw new NotEligibleError(verdict);
    try {
      return await this.assignments.insert(
        {
          id: this.assignments.newId(),
          shiftId: shift.id,
          businessId: shift.businessId,
          workerId: principal.sub,
          state: 'applied',
          origin: 'application',
          startsAt: shift.startsAt,
          endsAt: shift.endsAt,
          verdict,
          history: { from: null, to: 'applied', at: now, by: actorOf(principal) },
          event: undefined,
        },
        now,
      );
    } catch (error) {
      if (error instanceof AlreadyOnShiftError) throw alreadyOnShift();
      throw error;
    }
  }

  /**
   * The business (or an operator) proposes the worker for the shift: from the worker's
   * application when there is one, directly otherwise.
   */
  async propose(
    principal: Principal,
    shiftId: string,
    workerId: string,
    now = new Date(),
  ): Promise<Assignment> {
    const shift = await this.eligibility.requireShift(shiftId);
    await this.authorizeBusiness(principal, shift.businessId);
    const existing = await this.assignments.findActive(shift.id, workerId);
    if (existing && existing.state !== 'applied') throw alreadyOnShift();
    if (existing) transition(existing.state, 'propose');
    return retryOnConflict(() => this.hold(principal, shift.id, workerId, existing, now), {
      attempts: DECIDE_ATTEMPTS,
    });
  }

  /**
   * One attempt at proposing: decide on fresh facts, then (1) the worker's schedule, guarded by
   * its version (a concurrent decision for the same worker makes this attempt start over), (2)
   * the shift's slot, reserved only while one is free, (3) the assignment with its verdict and
   * event. A step that fails undoes the ones before it.
   */
  private async hold(
    principal: Principal,
    shiftId: string,
    workerId: string,
    application: Assignment | undefined,
    now: Date,
  ): Promise<Assignment> {
    const { verdict, shift, schedule } = await this.eligibility.evaluate(shiftId, workerId, {
      now,
    });
    if (!verdict.eligible) throw new NotEligibleError(verdict);
    const id = application?.id ?? this.assignments.newId();
    const entry = {
      assignmentId: id,
      shiftId: shift.id,
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
      status: 'proposed' as const,
      heldAt: now,
    };
    await this.schedules.replace(schedule, [...schedule.entries, entry], now);
    // Only at the times the verdict and the schedule entry were made for: an edit that moved the
    // shift since makes this 409 shift_changed (and the edit is refused once a slot is held), so
    // an assignment never keeps times its shift no longer has.
    const slot = await this.shifts.reserveSlot(shift.id, id, now, shift);
    if (slot !== 'reserved') {
      await this.holds.removeFromSchedule(workerId, id, now);
      throw slotRefused(slot);
    }
    const event = changeEvent(
      'proposed',
      this.payload(shift, workerId, id, application?.state ?? null, 'proposed'),
      now,
    );
    const history = {
      from: application?.state ?? null,
      to: 'proposed' as const,
      at: now,
      by: actorOf(principal),
    };
    try {
      if (application) {
        return await this.assignments.change(
          application,
          // The application's times are those the shift had then; it may have moved since.
          {
            state: 'proposed',
            history,
            events: [event],
            verdict,
            times: { startsAt: shift.startsAt, endsAt: shift.endsAt },
          },
          now,
          readFor(principal),
        );
      }
      return await this.assignments.insert(
        {
          id,
          shiftId: shift.id,
          businessId: shift.businessId,
          workerId,
          state: 'proposed',
          origin: 'proposal',
          startsAt: shift.startsAt,
          endsAt: shift.endsAt,
          verdict,
          history,
          event,
        },
        now,
      );
    } catch (error) {
      await this.holds.release(shift.id, workerId, id, now);
      if (error instanceof AlreadyOnShiftError) throw alreadyOnShift();
      if (error instanceof ConcurrentModificationError) throw assignmentChanged();
      throw error;
    }
  }

  /** The worker accepts a proposal; eligibility is checked again, on the facts of now. */
  async accept(principal: Principal, id: string, now = new Date()): Promise<Assignment> {
    return retryOnConflict(
      async () => {
        const assignment = await this.requireOwn(principal, id);
        transition(assignment.state, 'accept');
        const { verdict, schedule } = await this.eligibility.evaluate(
          assignment.shiftId,
          assignment.workerId,
          { holding: assignment.id, now },
        );
        if (!verdict.eligible) throw new NotEligibleError(verdict);
        await this.schedules.replace(
          schedule,
          schedule.entries.map((e) =>
            e.assignmentId === assignment.id ? { ...e, status: 'confirmed' as const } : e,
          ),
          now,
        );
        return this.move(principal, assignment, 'accept', now, { verdict });
      },
      { attempts: DECIDE_ATTEMPTS },
    );
  }

  async decline(principal: Principal, id: string, now = new Date()): Promise<Assignment> {
    const assignment = await this.requireOwn(principal, id);
    const changed = await this.move(principal, assignment, 'decline', now);
    await this.holds.release(changed.shiftId, changed.workerId, changed.id, now);
    return changed;
  }

  async withdraw(principal: Principal, id: string, now = new Date()): Promise<Assignment> {
    const assignment = await this.requireOwn(principal, id);
    return this.move(principal, assignment, 'withdraw', now);
  }

  async reject(principal: Principal, id: string, reason: string | undefined, now = new Date()) {
    const assignment = await this.requireForBusiness(principal, id);
    return this.move(principal, assignment, 'reject', now, { reason });
  }

  /** Either side cancels with a reason; within LATE_CANCELLATION_HOURS of the start it is late. */
  async cancel(principal: Principal, id: string, reason: string, now = new Date()) {
    const assignment = await this.require(id);
    await this.authorizeEither(principal, assignment);
    const late = assignment.startsAt.getTime() - now.getTime() < this.lateCancellationMs;
    const by = actorOf(principal);
    const changed = await this.move(principal, assignment, 'cancel', now, {
      reason,
      cancellation: { by, reason, late, at: now },
      extra: { cancelledBy: by.role === 'worker' ? 'worker' : 'business', late },
    });
    await this.holds.release(changed.shiftId, changed.workerId, changed.id, now);
    return changed;
  }

  /**
   * The business marks the shift worked, with the hours (once the shift has started). The
   * assignment's write carries the outcome; the schedule entry follows from it (see `settle`).
   */
  async complete(principal: Principal, id: string, hoursWorked: number, now = new Date()) {
    const assignment = await this.requireForBusiness(principal, id);
    transition(assignment.state, 'complete');
    this.assertStarted(assignment, now);
    const maxHours = (assignment.endsAt.getTime() - assignment.startsAt.getTime()) / HOUR_MS;
    if (!(hoursWorked > 0 && hoursWorked <= maxHours)) throw invalidHoursWorked(maxHours);
    const outcome: Outcome = {
      type: 'completed',
      payload: { ...this.ids(assignment), hoursWorked },
    };
    const changed = await this.move(principal, assignment, 'complete', now, {
      hoursWorked,
      extra: { hoursWorked },
      outcome,
    });
    await this.settle(outcome, now);
    return changed;
  }

  /**
   * The worker did not come: recorded on the worker (it counts against future eligibility) and
   * the holds given back. The assignment's write carries the outcome (see `settle`).
   */
  async noShow(principal: Principal, id: string, now = new Date()) {
    const assignment = await this.requireForBusiness(principal, id);
    transition(assignment.state, 'no_show');
    this.assertStarted(assignment, now);
    const outcome: Outcome = {
      type: 'no_show',
      payload: { ...this.ids(assignment), at: assignment.startsAt.toISOString() },
    };
    const changed = await this.move(principal, assignment, 'no_show', now, { outcome });
    await this.settle(outcome, now);
    return changed;
  }

  /**
   * Applies an outcome the assignment's write has just committed, so that what the API answers
   * next (eligibility, the worker's schedule) already reflects it. Best effort: the same outcome
   * travels as an outbox event in that write and the worker process applies it (both idempotent
   * by assignment id), so a failure here delays the record and loses nothing. The caller was told
   * the truth: the assignment did change.
   */
  private async settle(outcome: Outcome, now: Date): Promise<void> {
    try {
      await this.outcomes.apply(outcome, now);
    } catch (error) {
      this.log.warn(
        { err: error, assignmentId: outcome.payload.assignmentId, outcome: outcome.type },
        'applying an assignment outcome failed; the worker process applies it from the outbox',
      );
    }
  }

  /**
   * A cancelled shift ends its assignments: applications are rejected, proposed and confirmed
   * assignments cancelled (by the system, late when close to the start), each with its event,
   * so the workers hear of it. Safe to run again (delivery of `shift.cancelled` is at least once).
   */
  endForCancelledShift(shiftId: string, now = new Date()): Promise<number> {
    return this.endAll({ shiftId }, 'The shift was cancelled.', 'business', now);
  }

  /**
   * A worker who leaves the platform leaves their shifts: applications are withdrawn, proposed
   * and confirmed assignments cancelled by the system (the business hears of it), and the slots
   * and time given back.
   */
  endForWithdrawnWorker(workerId: string, now = new Date()): Promise<number> {
    return this.endAll({ workerId }, 'The worker left the platform.', 'worker', now);
  }

  private async endAll(
    by: { shiftId: string } | { workerId: string },
    reason: string,
    side: 'business' | 'worker',
    now: Date,
  ): Promise<number> {
    let ended = 0;
    for (const found of await this.assignments.active(by)) {
      // Another change may land first (the worker declines): decide again on what it is now.
      await retryOnConflict(
        async () => {
          const assignment = await this.require(found.id);
          if (assignment.state === 'applied') {
            const action = side === 'worker' ? 'withdraw' : 'reject';
            await this.move(SYSTEM, assignment, action, now, { reason }, true);
          } else if (HOLDING_STATES.includes(assignment.state)) {
            const late = assignment.startsAt.getTime() - now.getTime() < this.lateCancellationMs;
            const changed = await this.move(
              SYSTEM,
              assignment,
              'cancel',
              now,
              {
                reason,
                cancellation: { by: actorOf(SYSTEM), reason, late, at: now },
                extra: { cancelledBy: side, late },
              },
              true,
            );
            await this.holds.release(changed.shiftId, changed.workerId, changed.id, now);
          } else {
            return;
          }
          ended += 1;
        },
        { attempts: DECIDE_ATTEMPTS },
      );
    }
    return ended;
  }

  /** One assignment, for its worker, the business's staff, or an operator. */
  async get(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.require(id, readFor(principal));
    await this.authorizeEither(principal, assignment);
    return assignment;
  }

  async listForShift(
    principal: Principal,
    shiftId: string,
    page: { before?: string; limit: number },
  ) {
    const shift = await this.eligibility.requireShift(shiftId);
    await this.authorizeBusiness(principal, shift.businessId);
    return this.assignments.list({ shiftId: shift.id }, page, readFor(principal));
  }

  listMine(principal: Principal, page: { before?: string; limit: number }) {
    return this.assignments.list({ workerId: principal.sub }, page, { notes: true });
  }

  private async move(
    principal: Principal,
    assignment: Assignment,
    action: AssignmentAction,
    now: Date,
    options: {
      reason?: string;
      verdict?: Verdict;
      cancellation?: Assignment['cancellation'];
      hoursWorked?: number;
      extra?: Pick<AssignmentChanged, 'cancelledBy' | 'late' | 'hoursWorked'>;
      /** Written first, so it never waits behind (or is parked with) the notification. */
      outcome?: Outcome;
    } = {},
    /** Let a lost race through as `ConcurrentModificationError`, for a caller that retries. */
    raceAsIs = false,
  ): Promise<Assignment> {
    const to = transition(assignment.state, action);
    const events: OutboxEvent[] = [
      ...(options.outcome ? [outcomeEvent(options.outcome, now)] : []),
      changeEvent(
        to,
        {
          ...this.payload(assignment, assignment.workerId, assignment.id, assignment.state, to),
          ...options.extra,
        },
        now,
      ),
    ];
    try {
      return await this.assignments.change(
        assignment,
        {
          state: to,
          history: {
            from: assignment.state,
            to,
            at: now,
            by: actorOf(principal),
            ...(options.reason ? { reason: options.reason } : {}),
          },
          events,
          ...(options.verdict ? { verdict: options.verdict } : {}),
          ...(options.cancellation ? { cancellation: options.cancellation } : {}),
          ...(options.hoursWorked === undefined ? {} : { hoursWorked: options.hoursWorked }),
        },
        now,
        readFor(principal),
      );
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || raceAsIs) throw error;
      // Someone moved it first: answer against the state it is in now.
      const current = await this.require(assignment.id);
      transition(current.state, action);
      throw assignmentChanged();
    }
  }

  private payload(
    shift: Pick<Shift, 'businessId' | 'startsAt'> & ({ id: string } | { shiftId: string }),
    workerId: string,
    assignmentId: string,
    from: string | null,
    to: string,
  ): AssignmentChanged {
    return {
      assignmentId,
      shiftId: 'shiftId' in shift ? shift.shiftId : shift.id,
      workerId,
      businessId: shift.businessId,
      startsAt: shift.startsAt.toISOString(),
      from,
      to,
    };
  }

  private assertStarted(assignment: Assignment, now: Date): void {
    if (now.getTime() < assignment.startsAt.getTime()) throw shiftNotStarted(assignment.startsAt);
  }

  private ids(assignment: Assignment) {
    return {
      assignmentId: assignment.id,
      shiftId: assignment.shiftId,
      workerId: assignment.workerId,
    };
  }

  private async require(id: string, read: ReadOptions = {}): Promise<Assignment> {
    const assignment = await this.assignments.getById(id, read);
    if (!assignment) throw assignmentNotFound();
    return assignment;
  }

  /** The caller's own assignment; a worker acting on another worker's gets 403. */
  private async requireOwn(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.require(id);
    await this.access.require(principal, {
      permission: 'assignment.worker',
      workerId: assignment.workerId,
    });
    return assignment;
  }

  private async requireForBusiness(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.require(id);
    await this.authorizeBusiness(principal, assignment.businessId);
    return assignment;
  }

  private authorizeBusiness(principal: Principal, businessId: string): Promise<void> {
    return this.access.require(principal, { permission: 'business.act', businessId });
  }

  private authorizeEither(principal: Principal, assignment: Assignment): Promise<void> {
    const { workerId, businessId } = assignment;
    return this.access.require(principal, { permission: 'assignment.party', workerId, businessId });
  }
}
