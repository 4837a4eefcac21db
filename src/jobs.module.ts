import { FilesJobsModule } from './modules/files/files.module.js';
import { MonthlyStatisticsService } from './modules/statistics/monthly-statistics.service.js';
import { SlackStatsNotifier } from './integrations/slack/slack-stats-notifier.js';
import { StatisticsModule } from './modules/statistics/statistics.module.js';
import { AuditModule } from './platform/audit/audit.module.js';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { APP_CONFIG, ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { AssignmentJobsModule } from './modules/assignments/assignment-jobs.module.js';
import { BusinessJobsModule } from './modules/businesses/business-jobs.module.js';
import { BusinessStaffCheckModule } from './modules/businesses/business-staff-check.module.js';
import { MigrationJobsModule } from './modules/firestore-migration/migration-jobs.module.js';
import { ScheduledJobs } from './platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from './platform/jobs/scheduler.module.js';
import { LoggingModule } from './platform/logging/logging.module.js';
import { ProviderGatewaysModule } from './platform/providers/provider-gateways.js';
import { PinoNestLogger } from './platform/logging/nest-logger.js';
import type { Database } from './platform/storage/database.js';
import { DATABASE } from './platform/storage/storage.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

/**
 * Every module that registers a named job. The worker imports them and runs the jobs on their
 * schedules; `cli jobs run` builds them to run one. The retention purge joins here.
 */
export const JOB_MODULES = [
  AssignmentJobsModule,
  BusinessJobsModule,
  MigrationJobsModule,
  // `files-cleanup`: uploads never completed within a day.
  FilesJobsModule,
  // `stats-monthly`, announcing each month on Slack when Slack is configured.
  StatisticsModule.forRoot({
    notifier: {
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.alerts.slack
          ? new SlackStatsNotifier({
              ...config.alerts.slack,
              statsChannel: config.stats.slackChannel,
            })
          : undefined,
    },
  }),
];

/** The CLI's open database, as the context's `DATABASE` (it must not open a second one). */
@Global()
@Module({})
class CliDatabaseModule {
  static forRoot(db: Database): DynamicModule {
    return {
      module: CliDatabaseModule,
      providers: [{ provide: DATABASE, useValue: db }],
      exports: [DATABASE],
    };
  }
}

/** The application context `cli jobs run` runs in: the job modules, no loops, no HTTP. */
@Module({})
class JobsContextModule {
  static forRoot(options: { config: AppConfig; logger: Logger; db: Database }): DynamicModule {
    return {
      module: JobsContextModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.logger),
        CliDatabaseModule.forRoot(options.db),
        AuditModule,
        PrivacyModule,
        // The providers jobs call (the NTS register for the daily re-check).
        ProviderGatewaysModule,
        IntegrationsModule.forRoot(options.config),
        BusinessStaffCheckModule,
        ScheduledJobsModule,
        ...JOB_MODULES,
      ],
    };
  }
}

/** The registered jobs on `db`, in a context closed by `close()` (the database stays open). */
export async function openJobs(options: {
  config: AppConfig;
  logger: Logger;
  db: Database;
}): Promise<{ jobs: ScheduledJobs; close(): Promise<void> }> {
  const app = await jobsContext(options);
  return { jobs: app.get(ScheduledJobs), close: () => app.close() };
}

/** The monthly statistics on `db`, for `cli stats monthly` (the same context as the jobs). */
export async function openStatistics(options: {
  config: AppConfig;
  logger: Logger;
  db: Database;
}): Promise<{ statistics: MonthlyStatisticsService; close(): Promise<void> }> {
  const app = await jobsContext(options);
  return { statistics: app.get(MonthlyStatisticsService), close: () => app.close() };
}

function jobsContext(options: { config: AppConfig; logger: Logger; db: Database }) {
  return NestFactory.createApplicationContext(JobsContextModule.forRoot(options), {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
  });
}
