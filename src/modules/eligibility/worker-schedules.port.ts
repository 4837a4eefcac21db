import { Inject } from '@nestjs/common';
import type { Schedule } from '../assignments/worker-schedule.js';

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
