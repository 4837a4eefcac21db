import { Injectable } from '@nestjs/common';
import { idCreatedAt } from '../../platform/storage/ids.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { ShiftsRepository } from '../shifts/shifts.repository.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/** How long a hold may exist without its assignment before it counts as left behind. */
export const ORPHAN_GRACE_MS = 2 * 60_000;
const BATCH = 200;

/**
 * Proposing writes the worker's schedule, then the shift's slot, then the assignment; ending an
 * assignment writes the assignment, then gives back the slot and the time. A process that dies
 * between those writes leaves a hold whose assignment does not hold (or does not exist): this
 * finds such holds, older than a grace period so decisions in flight are never touched, and
 * gives them back. Nothing a client was told succeeded is undone: an assignment that holds
 * keeps its holds. The worker process runs it every minute.
 */
@Injectable()
export class HoldsRepair {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly schedules: WorkerSchedulesRepository,
    private readonly shifts: ShiftsRepository,
  ) {}

  async run(now = new Date()): Promise<{ scheduleEntries: number; slots: number }> {
    const before = new Date(now.getTime() - ORPHAN_GRACE_MS);
    let scheduleEntries = 0;
    for (const schedule of await this.schedules.withEntriesHeldBefore(before, BATCH)) {
      const old = schedule.entries.filter((e) => e.heldAt < before).map((e) => e.assignmentId);
      const holding = await this.assignments.holding(old);
      const orphans = new Set(old.filter((id) => !holding.has(id)));
      if (!orphans.size) continue;
      await retryOnConflict(async () => {
        const fresh = await this.schedules.get(schedule.workerId);
        const kept = fresh.entries.filter((e) => !orphans.has(e.assignmentId));
        if (kept.length === fresh.entries.length) return;
        await this.schedules.replace(fresh, kept, now);
        scheduleEntries += fresh.entries.length - kept.length;
      });
    }
    let slots = 0;
    for (const shift of await this.shifts.withHolders(before, BATCH)) {
      // A holder is an assignment id: an ObjectId, which carries when it was made.
      const old = shift.holders.filter((id) => (idCreatedAt(id) ?? now) < before);
      const holding = await this.assignments.holding(old);
      for (const id of old) {
        if (holding.has(id)) continue;
        await this.shifts.releaseSlot(shift.id, id);
        slots += 1;
      }
    }
    return { scheduleEntries, slots };
  }
}
