import { Module, type OnModuleInit } from '@nestjs/common';
import { ScheduledJobs } from '../../platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../../platform/jobs/scheduler.module.js';
import { BusinessesRepository } from './businesses.repository.js';
import { NTS_RECHECK_JOB, NtsRecheck } from './nts-recheck.js';

/** When the daily batches run (ARCHITECTURE: "Daily batches run at 03:00 KST"). */
const NTS_RECHECK_AT_KST = '03:00';

/**
 * The worker process's share of businesses: the daily NTS re-check (`businesses-nts-recheck`),
 * run by the worker's scheduler locally and by `cli jobs run businesses-nts-recheck` from
 * EventBridge Scheduler in AWS.
 */
@Module({
  imports: [ScheduledJobsModule],
  providers: [BusinessesRepository, NtsRecheck],
})
export class BusinessJobsModule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly recheck: NtsRecheck,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: NTS_RECHECK_JOB,
      schedule: { dailyAtKst: NTS_RECHECK_AT_KST },
      run: (signal) => this.recheck.run(new Date(), signal),
    });
  }
}
