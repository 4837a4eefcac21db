import { EligibilityRefusalsRepository, notEligible } from './eligibility-refusals.repository.js';
import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/auth/principal.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { HOUR_MS } from '../../platform/time/kst.js';
import { AccessService } from '../access/access.service.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { transition } from './assignment-state.js';
import {
  actorOf,
  AssignmentTransitions,
  DECIDE_ATTEMPTS,
  readFor,
} from './assignment-transitions.js';
import {
  alreadyOnShift,
  invalidHoursWorked,
  shiftNotStarted,
  workersOnly,
} from './assignments.errors.js';
import type { Outcome } from './assignments.events.js';
import {
  AlreadyOnShiftError,
  type Assignment,
  AssignmentsRepository,
} from './assignments.repository.js';
import { ProposalHold } from './proposal-hold.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/**
 * Applications and assignments (배정). Every transition is checked against the state machine;
 * every change writes its outbox event in the same document write; every decision that holds a
 * worker's time re-checks eligibility and commits with optimistic concurrency on the worker's
 * schedule and a conditional reservation of the shift's slot, so neither double booking nor
 * overfilling can happen, without transactions.
 */
@Injectable()
export class AssignmentsService {
  private readonly log: Logger;

  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly schedules: WorkerSchedulesRepository,
    private readonly transitions: AssignmentTransitions,
    private readonly proposals: ProposalHold,
    private readonly holds: AssignmentHolds,
    private readonly outcomes: AssignmentOutcomes,
    private readonly eligibility: EligibilityService,
    private readonly access: AccessService,
    private readonly refusals: EligibilityRefusalsRepository,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'assignments' });
  }

  /** A worker applies for a shift they are eligible for. */
  async apply(principal: Principal, shiftId: string, now = new Date()): Promise<Assignment> {
    if (!principal.groups.includes('worker')) throw workersOnly();
    const { verdict, shift } = await this.eligibility.evaluate(shiftId, principal.sub, { now });
    if (!verdict.eligible) throw await notEligible(this.refusals, verdict, now, this.log);
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
    return retryOnConflict(
      () => this.proposals.hold(principal, shift.id, workerId, existing, now),
      { attempts: DECIDE_ATTEMPTS },
    );
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
        if (!verdict.eligible) throw await notEligible(this.refusals, verdict, now, this.log);
        await this.schedules.replace(
          schedule,
          schedule.entries.map((e) =>
            e.assignmentId === assignment.id ? { ...e, status: 'confirmed' as const } : e,
          ),
          now,
        );
        return this.transitions.move(principal, assignment, 'accept', now, { verdict });
      },
      { attempts: DECIDE_ATTEMPTS },
    );
  }

  async decline(principal: Principal, id: string, now = new Date()): Promise<Assignment> {
    const assignment = await this.requireOwn(principal, id);
    const changed = await this.transitions.move(principal, assignment, 'decline', now);
    await this.holds.release(changed.shiftId, changed.workerId, changed.id, now);
    return changed;
  }

  async withdraw(principal: Principal, id: string, now = new Date()): Promise<Assignment> {
    const assignment = await this.requireOwn(principal, id);
    return this.transitions.move(principal, assignment, 'withdraw', now);
  }

  async reject(principal: Principal, id: string, reason: string | undefined, now = new Date()) {
    const assignment = await this.requireForBusiness(principal, id);
    return this.transitions.move(principal, assignment, 'reject', now, { reason });
  }

  /** Either side cancels with a reason; within LATE_CANCELLATION_HOURS of the start it is late. */
  async cancel(principal: Principal, id: string, reason: string, now = new Date()) {
    const assignment = await this.transitions.require(id);
    await this.authorizeEither(principal, assignment);
    const late = this.transitions.isLate(assignment, now);
    const by = actorOf(principal);
    const changed = await this.transitions.move(principal, assignment, 'cancel', now, {
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
    const changed = await this.transitions.move(principal, assignment, 'complete', now, {
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
    const changed = await this.transitions.move(principal, assignment, 'no_show', now, { outcome });
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

  /** One assignment, for its worker, the business's staff, or an operator. */
  async get(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.transitions.require(id, readFor(principal));
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

  /** The caller's own assignment; a worker acting on another worker's gets 403. */
  private async requireOwn(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.transitions.require(id);
    await this.access.require(principal, {
      permission: 'assignment.worker',
      workerId: assignment.workerId,
    });
    return assignment;
  }

  private async requireForBusiness(principal: Principal, id: string): Promise<Assignment> {
    const assignment = await this.transitions.require(id);
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
