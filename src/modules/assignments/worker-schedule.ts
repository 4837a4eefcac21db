import type { ScheduleEntry } from '../eligibility/engine/types.js';

/**
 * A worker's schedule as the assignments module keeps it (worker-schedules.repository.ts writes
 * it); here, apart from the repository, so eligibility can read the shape through its port.
 */

export interface ScheduleEntryRecord extends ScheduleEntry {
  /** When the entry was written (orphans of an interrupted write are repaired after a while). */
  heldAt: Date;
}

export interface Schedule {
  workerId: string;
  /** 0 when the worker has no schedule document yet. */
  version: number;
  entries: ScheduleEntryRecord[];
}
