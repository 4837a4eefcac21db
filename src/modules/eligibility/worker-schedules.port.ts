import { Inject } from '@nestjs/common';
import type { ScheduleEntry } from './engine/types.js';

/** A schedule entry as stored: the engine's entry and when it was written. */
export interface ScheduleEntryRecord extends ScheduleEntry {
  /** When the entry was written (orphans of an interrupted write are repaired after a while). */
  heldAt: Date;
}

/**
 * A worker's schedule, as the assignments module keeps it (one document per worker, written with
 * optimistic concurrency on `version`). Eligibility reads it; assignments writes it back on the
 * version it read, so the shape is declared here, on the reading side of the port.
 */
export interface Schedule {
  workerId: string;
  /** 0 when the worker has no schedule document yet. */
  version: number;
  entries: ScheduleEntryRecord[];
}

/**
 * The workers' schedules eligibility reads (other assignments: hours, rest, overlaps). The
 * assignments module keeps them and binds its repository to this port, so eligibility never
 * imports that repository (ARCHITECTURE: "Who may import whom").
 */
export interface WorkerSchedules {
  get(workerId: string): Promise<Schedule>;
  /** By worker id; a worker without a schedule has an empty one. */
  getMany(workerIds: readonly string[]): Promise<Map<string, Schedule>>;
}

export const WORKER_SCHEDULES = Symbol('WORKER_SCHEDULES');

export const InjectWorkerSchedules = () => Inject(WORKER_SCHEDULES);
