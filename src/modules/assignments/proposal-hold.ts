import type { Logger } from 'pino';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { EligibilityRefusalsRepository, notEligible } from './eligibility-refusals.repository.js';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/auth/principal.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { ShiftSlots } from '../shifts/shift-slots.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { actorOf, changePayload, readFor } from './assignment-transitions.js';
import { alreadyOnShift, assignmentChanged, slotRefused } from './assignments.errors.js';
import { changeEvent } from './assignments.events.js';
import {
  AlreadyOnShiftError,
  type Assignment,
  AssignmentsRepository,
} from './assignments.repository.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/**
 * The hold-and-compensate protocol of a proposal: without a transaction across three documents,
 * a worker's time, a shift's slot and the assignment are taken in an order where each step can be
 * undone by the one that failed after it, and what an interrupted process leaves behind is found
 * and given back by the holds repair (holds-repair.ts).
 */
@Injectable()
export class ProposalHold {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly schedules: WorkerSchedulesRepository,
    private readonly shifts: ShiftSlots,
    private readonly holds: AssignmentHolds,
    private readonly eligibility: EligibilityService,
    private readonly refusals: EligibilityRefusalsRepository,
    @InjectLogger() private readonly log: Logger,
  ) {}

  /**
   * One attempt at proposing: decide on fresh facts, then (1) the worker's schedule, guarded by
   * its version (a concurrent decision for the same worker makes this attempt start over: it
   * throws `ConcurrentModificationError` for the caller's retry), (2) the shift's slot, reserved
   * only while one is free, (3) the assignment with its verdict and event. A step that fails
   * undoes the ones before it.
   */
  async hold(
    principal: Principal,
    shiftId: string,
    workerId: string,
    application: Assignment | undefined,
    now: Date,
  ): Promise<Assignment> {
    const { verdict, shift, schedule } = await this.eligibility.evaluate(shiftId, workerId, {
      now,
    });
    if (!verdict.eligible) throw await notEligible(this.refusals, verdict, now, this.log);
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
      changePayload(shift, workerId, id, application?.state ?? null, 'proposed'),
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
}
