import { Module, type DynamicModule, type OnModuleInit, type Provider } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { createS3Client } from '../../platform/aws/clients.js';
import { ScheduledJobs } from '../../platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../../platform/jobs/scheduler.module.js';
import { AssignmentStatisticsModule } from '../assignments/assignment-statistics.js';
import { BusinessStatisticsModule } from '../businesses/business-statistics.js';
import { MemberStatisticsModule } from '../members/member-statistics.js';
import { ShiftStatisticsModule } from '../shifts/shift-statistics.js';
import { WorkerStatisticsModule } from '../workers/worker-statistics.js';
import { MonthlyStatisticsService } from './monthly-statistics.service.js';
import { STATS_NOTIFIER, type StatsNotifier } from './stats-notifier.port.js';
import { StatsStore } from './stats-store.js';
import { StatisticsController } from './statistics.controller.js';

export interface StatisticsModuleOptions {
  /** Where finished months are announced (the composition root binds Slack); none: silent. */
  notifier?: {
    inject?: (symbol | string)[];
    useFactory: (...args: never[]) => StatsNotifier | undefined;
  };
}

/** The name of the job: `cli jobs run stats-monthly`. */
const STATS_JOB = 'stats-monthly';
/** The 1st of each month at 06:00 KST; the job runs daily and acts when last month is missing. */
const STATS_AT_KST = '06:00';

/**
 * The monthly statistics: figures from each module's statistics facet, files on S3, the notice,
 * and the `stats-monthly` job.
 */
@Module({})
export class StatisticsModule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly statistics: MonthlyStatisticsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: STATS_JOB,
      schedule: { dailyAtKst: STATS_AT_KST },
      run: () => this.statistics.produceLastMonthIfMissing(),
    });
  }

  static forRoot(options: StatisticsModuleOptions = {}): DynamicModule {
    const notifier: Provider = options.notifier
      ? {
          provide: STATS_NOTIFIER,
          inject: options.notifier.inject ?? [],
          useFactory: options.notifier.useFactory as (...args: unknown[]) => unknown,
        }
      : { provide: STATS_NOTIFIER, useValue: undefined };
    return {
      module: StatisticsModule,
      imports: [
        ScheduledJobsModule,
        MemberStatisticsModule,
        WorkerStatisticsModule,
        BusinessStatisticsModule,
        ShiftStatisticsModule,
        AssignmentStatisticsModule,
      ],
      providers: [
        {
          provide: StatsStore,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            new StatsStore(createS3Client(config), config.aws.s3.bucket),
        },
        notifier,
        MonthlyStatisticsService,
      ],
      exports: [MonthlyStatisticsService],
    };
  }
}

/** The operator routes (the API's share); the worker and the CLI run the module without them. */
@Module({ imports: [StatisticsModule.forRoot()], controllers: [StatisticsController] })
export class StatisticsRoutesModule {}
