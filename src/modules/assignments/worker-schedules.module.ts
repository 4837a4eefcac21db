import { Module } from '@nestjs/common';
import { WORKER_SCHEDULES } from '../eligibility/worker-schedules.port.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/**
 * The workers' schedules the assignments module keeps, on their own so that eligibility can be
 * given them (`EligibilityModule.register`) without importing the assignments module, which
 * imports eligibility.
 */
@Module({
  providers: [
    WorkerSchedulesRepository,
    { provide: WORKER_SCHEDULES, useExisting: WorkerSchedulesRepository },
  ],
  exports: [WorkerSchedulesRepository, WORKER_SCHEDULES],
})
export class WorkerSchedulesModule {}
