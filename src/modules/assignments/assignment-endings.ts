import { Injectable } from '@nestjs/common';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { HOLDING_STATES } from './assignment-state.js';
import {
  actorOf,
  AssignmentTransitions,
  DECIDE_ATTEMPTS,
  SYSTEM,
} from './assignment-transitions.js';
import { AssignmentsRepository } from './assignments.repository.js';

/**
 * Assignments the platform ends on its own, because what they stood on went away: a shift that
 * was cancelled, a worker who left. Each ending is a transition by the system with its event, so
 * the other side hears of it; every one is safe to run again (the events that cause them are
 * delivered at least once).
 */
@Injectable()
export class AssignmentEndings {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly transitions: AssignmentTransitions,
    private readonly holds: AssignmentHolds,
    private readonly eligibility: EligibilityService,
  ) {}

  /**
   * A business the NTS register now calls suspended or closed: each of its assignments whose shift
   * has not started is decided again, and one that is no longer eligible ends (applications
   * rejected, holds cancelled by the system, both sides told). Safe to run again.
   */
  async reconsiderForBusiness(businessId: string, now = new Date()): Promise<number> {
    const reason = 'The business is not trading at the NTS (휴업 or 폐업).';
    let ended = 0;
    for (const found of await this.assignments.active({ businessId })) {
      if (found.startsAt.getTime() <= now.getTime()) continue;
      await retryOnConflict(
        async () => {
          const assignment = await this.transitions.require(found.id);
          const holding = HOLDING_STATES.includes(assignment.state);
          if (assignment.state !== 'applied' && !holding) return;
          const { verdict } = await this.eligibility.evaluate(
            assignment.shiftId,
            assignment.workerId,
            { now, ...(holding ? { holding: assignment.id } : {}) },
          );
          if (verdict.eligible) return;
          if (!holding) {
            await this.transitions.move(SYSTEM, assignment, 'reject', now, { reason }, true);
          } else {
            const late = this.transitions.isLate(assignment, now);
            const changed = await this.transitions.move(
              SYSTEM,
              assignment,
              'cancel',
              now,
              {
                reason,
                verdict,
                cancellation: { by: actorOf(SYSTEM), reason, late, at: now },
                // No side cancelled: both are told.
                extra: { late },
              },
              true,
            );
            await this.holds.release(changed.shiftId, changed.workerId, changed.id, now);
          }
          ended += 1;
        },
        { attempts: DECIDE_ATTEMPTS },
      );
    }
    return ended;
  }

  /**
   * A cancelled shift ends its assignments: applications are rejected, proposed and confirmed
   * assignments cancelled (by the system, late when close to the start), so the workers hear of it.
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
          const assignment = await this.transitions.require(found.id);
          if (assignment.state === 'applied') {
            const action = side === 'worker' ? 'withdraw' : 'reject';
            await this.transitions.move(SYSTEM, assignment, action, now, { reason }, true);
          } else if (HOLDING_STATES.includes(assignment.state)) {
            const late = this.transitions.isLate(assignment, now);
            const changed = await this.transitions.move(
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
}
