import { Injectable } from '@nestjs/common';
import { idCreatedAt } from '../../platform/storage/ids.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { ShiftSlots } from '../shifts/shift-slots.service.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { type Schedule, WorkerSchedulesRepository } from './worker-schedules.repository.js';

/** How long a hold may exist without its assignment before it counts as left behind. */
export const ORPHAN_GRACE_MS = 2 * 60_000;
const BATCH = 200;
const LOOK_BACK_MS = 7 * 24 * 3_600_000;

/**
 * Proposing writes the worker's schedule, then the shift's slot, then the assignment; ending an
 * assignment writes the assignment, then gives back the slot and the time. A process that dies
 * between those writes leaves a hold whose assignment does not hold (or does not exist): this
 * finds such holds, older than a grace period so decisions in flight are never touched, and
 * gives them back. Nothing a client was told succeeded is undone: an assignment that holds
 * keeps its holds. The `holds-repair` job runs it every minute; an aborted run stops between
 * pages, and what it gave back so far stays given back (each repair is whole on its own).
 */
@Injectable()
export class HoldsRepair {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly schedules: WorkerSchedulesRepository,
    private readonly shifts: ShiftSlots,
  ) {}

  async run(
    now = new Date(),
    signal?: AbortSignal,
  ): Promise<{ scheduleEntries: number; slots: number }> {
    const before = new Date(now.getTime() - ORPHAN_GRACE_MS);
    // Orphans are made at write time; a week back covers any outage of the repair itself.
    const from = new Date(now.getTime() - LOOK_BACK_MS);
    let scheduleEntries = 0;
    for (let after: string | undefined; ;) {
      signal?.throwIfAborted();
      const page = await this.schedules.withEntriesHeld(from, before, { after, limit: BATCH });
      for (const schedule of page)
        scheduleEntries += await this.repairSchedule(schedule, before, now);
      if (page.length < BATCH) break;
      after = page.at(-1)?.workerId;
    }
    let slots = 0;
    for (let after: string | undefined; ;) {
      signal?.throwIfAborted();
      const page = await this.shifts.withHolders(before, { after, limit: BATCH });
      for (const shift of page) slots += await this.repairSlots(shift, before);
      if (page.length < BATCH) break;
      after = page.at(-1)?.id;
    }
    return { scheduleEntries, slots };
  }

  private async repairSchedule(schedule: Schedule, before: Date, now: Date): Promise<number> {
    const old = schedule.entries.filter((e) => e.heldAt < before).map((e) => e.assignmentId);
    const holding = await this.assignments.holding(old);
    const orphans = new Set(old.filter((id) => !holding.has(id)));
    if (!orphans.size) return 0;
    let removed = 0;
    await retryOnConflict(async () => {
      const fresh = await this.schedules.get(schedule.workerId);
      const kept = fresh.entries.filter((e) => !orphans.has(e.assignmentId));
      removed = fresh.entries.length - kept.length;
      if (removed) await this.schedules.replace(fresh, kept, now);
    });
    return removed;
  }

  private async repairSlots(shift: { id: string; holders: string[] }, before: Date) {
    // A holder is an assignment id: an ObjectId, which carries when it was made.
    const old = shift.holders.filter((id) => (idCreatedAt(id) ?? before) < before);
    const holding = await this.assignments.holding(old);
    let released = 0;
    for (const id of old) {
      if (holding.has(id)) continue;
      await this.shifts.releaseSlot(shift.id, id);
      released += 1;
    }
    return released;
  }
}
