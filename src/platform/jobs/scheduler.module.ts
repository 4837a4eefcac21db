import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ROOT_LOGGER } from '../logging/logging.module.js';
import type { Database } from '../storage/database.js';
import { DATABASE } from '../storage/storage.module.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { JobScheduler, type JobSchedulerOptions } from './scheduler.js';

/** The one `ScheduledJobs` registry: every module that registers a job imports this. */
@Module({ providers: [ScheduledJobs], exports: [ScheduledJobs] })
export class ScheduledJobsModule {}

export interface JobSchedulerModuleOptions extends Pick<
  JobSchedulerOptions,
  'tickMs' | 'leaseMs' | 'stopGraceMs'
> {
  /**
   * Start looking for due jobs once the application has bootstrapped (default: unless
   * `WORKER_JOBS=none`).
   */
  autoStart?: boolean;
}

const OPTIONS = Symbol('JOB_SCHEDULER_OPTIONS');

/**
 * A `JobScheduler` over the registered jobs: started once the application has bootstrapped
 * (every module has registered its jobs), stopped before the database closes. The worker imports
 * it; the CLI builds a scheduler of its own to run one job (`jobs run`) and starts no loop.
 */
@Module({})
export class JobSchedulerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly scheduler: JobScheduler,
    @Inject(OPTIONS) private readonly options: JobSchedulerModuleOptions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: ScheduledJobs,
  ) {}

  static forRoot(options: JobSchedulerModuleOptions = {}): DynamicModule {
    const { autoStart: _autoStart, ...schedulerOptions } = options;
    return {
      module: JobSchedulerModule,
      imports: [ScheduledJobsModule],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: JobScheduler,
          inject: [DATABASE, APP_CONFIG, ROOT_LOGGER, ScheduledJobs],
          useFactory: (db: Database, config: AppConfig, logger: Logger, jobs: ScheduledJobs) =>
            new JobScheduler({
              scheduled: config.scheduler.jobs,
              // Stopping the jobs is one step of the worker's shutdown, so it gets part of its grace.
              stopGraceMs: Math.min(10_000, Math.floor(config.http.shutdownGraceMs / 2)),
              ...schedulerOptions,
              db,
              jobs,
              logger: logger.child({ component: 'scheduler' }),
            }),
        },
      ],
      exports: [JobScheduler, ScheduledJobsModule],
    };
  }

  onApplicationBootstrap(): void {
    // Checked once every module has registered its jobs: a misspelt name would never run.
    const chosen = this.config.scheduler.jobs;
    const unknown = chosen === 'all' ? [] : chosen.filter((name) => !this.jobs.get(name));
    if (unknown.length > 0) {
      const known = this.jobs.list().map((job) => job.name);
      throw new Error(
        `WORKER_JOBS names ${unknown.join(', ')}, which no module registers (jobs: ${known.join(', ')})`,
      );
    }
    if (this.options.autoStart ?? this.scheduler.schedulesAny) this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
