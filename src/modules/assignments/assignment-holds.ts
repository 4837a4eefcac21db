import { Injectable } from '@nestjs/common';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { ShiftSlots, type SlotReservation } from '../shifts/shift-slots.service.js';
import {
  type ScheduleEntryRecord,
  WorkerSchedulesRepository,
} from './worker-schedules.repository.js';

/** Attempts of a schedule write that lost a race with another decision for the same worker. */
const SCHEDULE_ATTEMPTS = 8;

/**
 * What an assignment holds outside its own document: an entry in the worker's schedule and a
 * slot of the shift. Every change here is idempotent by assignment id, so a caller that retries,
 * the outbox handler and the holds repair may all run it again.
 */
@Injectable()
export class AssignmentHolds {
  constructor(
    private readonly schedules: WorkerSchedulesRepository,
    private readonly shifts: ShiftSlots,
  ) {}

  /**
   * Takes the slot and the time for an assignment that already exists and holds them (one the
   * migration brought from the old app): the worker's schedule entry, then the shift's slot.
   * Answers how the slot went (`full`, `not_open`, … are the caller's to report); the schedule
   * entry stays either way, as the old app had the worker on the shift.
   */
  async take(
    entry: Omit<ScheduleEntryRecord, 'heldAt'>,
    workerId: string,
    now: Date,
  ): Promise<SlotReservation> {
    await this.rewrite(workerId, now, (entries) => {
      const held = entries.find((e) => e.assignmentId === entry.assignmentId);
      if (held?.status === entry.status) return undefined;
      return [
        ...entries.filter((e) => e.assignmentId !== entry.assignmentId),
        { ...entry, heldAt: now },
      ];
    });
    return this.shifts.reserveSlot(entry.shiftId, entry.assignmentId, now, entry);
  }

  /** Gives back the slot and the time an assignment held. */
  async release(shiftId: string, workerId: string, assignmentId: string, now: Date) {
    await this.removeFromSchedule(workerId, assignmentId, now);
    await this.shifts.releaseSlot(shiftId, assignmentId);
  }

  async removeFromSchedule(workerId: string, assignmentId: string, now: Date): Promise<void> {
    await this.rewrite(workerId, now, (entries) =>
      entries.some((e) => e.assignmentId === assignmentId)
        ? entries.filter((e) => e.assignmentId !== assignmentId)
        : undefined,
    );
  }

  /** The assignment was worked: its entry counts as completed (and ages out of the schedule). */
  async markCompleted(workerId: string, assignmentId: string, now: Date): Promise<void> {
    await this.rewrite(workerId, now, (entries) =>
      entries.some((e) => e.assignmentId === assignmentId && e.status !== 'completed')
        ? entries.map((e) =>
            e.assignmentId === assignmentId ? { ...e, status: 'completed' as const } : e,
          )
        : undefined,
    );
  }

  /** Writes what `change` makes of the fresh schedule; `undefined` means nothing to write. */
  private async rewrite(
    workerId: string,
    now: Date,
    change: (entries: ScheduleEntryRecord[]) => ScheduleEntryRecord[] | undefined,
  ): Promise<void> {
    await retryOnConflict(
      async () => {
        const schedule = await this.schedules.get(workerId);
        const entries = change(schedule.entries);
        if (entries) await this.schedules.replace(schedule, entries, now);
      },
      { attempts: SCHEDULE_ATTEMPTS },
    );
  }
}
