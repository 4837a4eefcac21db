import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { isPlatformStaff, platformRole } from '../../platform/auth/access.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { HOUR_MS } from '../../platform/time/kst.js';
import type { Verdict } from '../eligibility/engine/types.js';
import type { Shift } from '../shifts/shift-slots.service.js';
import { type AssignmentAction, transition } from './assignment-state.js';
import { assignmentChanged, assignmentNotFound } from './assignments.errors.js';
import {
  type AssignmentChanged,
  changeEvent,
  type Outcome,
  outcomeEvent,
} from './assignments.events.js';
import {
  type Actor,
  type Assignment,
  AssignmentsRepository,
  type ReadOptions,
} from './assignments.repository.js';

/** Attempts of a decision that lost a race (on the worker's schedule, or on the assignment). */
export const DECIDE_ATTEMPTS = 8;

/** The platform acting on its own (on a cancelled shift, a worker who left): never a member. */
export const SYSTEM: Principal = {
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
export const readFor = (principal: Principal): ReadOptions => ({
  notes: !isPlatformStaff(principal),
});

export function actorOf(principal: Principal): Actor {
  if (principal === SYSTEM) return { id: 'system', role: 'system' };
  const role =
    platformRole(principal) ?? (principal.groups.includes('business') ? 'business' : 'worker');
  return { id: principal.sub, role };
}

/** What every assignment change event says of the assignment. */
export function changePayload(
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

export interface MoveOptions {
  reason?: string;
  verdict?: Verdict;
  cancellation?: Assignment['cancellation'];
  hoursWorked?: number;
  extra?: Pick<AssignmentChanged, 'cancelledBy' | 'late' | 'hoursWorked'>;
  /** Written first, so it never waits behind (or is parked with) the notification. */
  outcome?: Outcome;
}

/**
 * One step of an assignment along its state machine, written with its history and its outbox
 * events in the same document write (optimistic on the assignment's version). What the users'
 * actions (AssignmentsService) and the system's endings (AssignmentEndings) have in common.
 */
@Injectable()
export class AssignmentTransitions {
  private readonly lateCancellationMs: number;

  constructor(
    private readonly assignments: AssignmentsRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.lateCancellationMs = config.shifts.lateCancellationHours * HOUR_MS;
  }

  /** A cancellation within LATE_CANCELLATION_HOURS of the start is late. */
  isLate(assignment: Pick<Assignment, 'startsAt'>, now: Date): boolean {
    return assignment.startsAt.getTime() - now.getTime() < this.lateCancellationMs;
  }

  async require(id: string, read: ReadOptions = {}): Promise<Assignment> {
    const assignment = await this.assignments.getById(id, read);
    if (!assignment) throw assignmentNotFound();
    return assignment;
  }

  async move(
    principal: Principal,
    assignment: Assignment,
    action: AssignmentAction,
    now: Date,
    options: MoveOptions = {},
    /** Let a lost race through as `ConcurrentModificationError`, for a caller that retries. */
    raceAsIs = false,
  ): Promise<Assignment> {
    const to = transition(assignment.state, action);
    const events: OutboxEvent[] = [
      ...(options.outcome ? [outcomeEvent(options.outcome, now)] : []),
      changeEvent(
        to,
        {
          ...changePayload(assignment, assignment.workerId, assignment.id, assignment.state, to),
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
}
