import { Module, type OnModuleInit } from '@nestjs/common';
import { ScheduledJobs } from '../../platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../../platform/jobs/scheduler.module.js';
import { LegacyAuthModule } from '../legacy-auth/legacy-auth.module.js';
import { FirestoreMigrationService } from './migration.service.js';

/** The daily batch's name: `cli jobs run firestore-migration-daily` (EventBridge Scheduler). */
const MIGRATION_DAILY_JOB = 'firestore-migration-daily';
/** When the daily batches run (ARCHITECTURE: "Daily batches run at 03:00 KST"). */
const MIGRATION_AT_KST = '03:00';

/**
 * The worker's share of the migration: today's quota of the staged copy, then the verification
 * of the stages it finished, daily at 03:00 KST (the worker's scheduler locally, EventBridge
 * Scheduler running `cli jobs run firestore-migration-daily` in AWS). With MIGRATION_ENABLED=false
 * or no source the job runs and does nothing, saying why in its result.
 */
@Module({
  imports: [ScheduledJobsModule, LegacyAuthModule],
  providers: [FirestoreMigrationService],
})
export class MigrationJobsModule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly migration: FirestoreMigrationService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: MIGRATION_DAILY_JOB,
      schedule: { dailyAtKst: MIGRATION_AT_KST },
      run: (signal) => this.migration.dailyRun(signal),
    });
  }
}
