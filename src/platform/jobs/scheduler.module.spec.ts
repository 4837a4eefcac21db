import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Module, type INestApplicationContext, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigModule } from '../../config/config.module.js';
import { loadConfig } from '../../config/config.js';
import { LoggingModule } from '../logging/logging.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { JobSchedulerModule, ScheduledJobsModule } from './scheduler.module.js';
import { JobScheduler } from './scheduler.js';

/** A feature module registering its jobs, as AssignmentJobsModule does. */
@Module({ imports: [ScheduledJobsModule] })
class RegistersJobs implements OnModuleInit {
  constructor(private readonly jobs: ScheduledJobs) {}

  onModuleInit(): void {
    for (const name of ['repair', 'purge']) {
      this.jobs.register({ name, schedule: { dailyAtKst: '03:00' }, run: () => Promise.resolve() });
    }
  }
}

describe(JobSchedulerModule.name, () => {
  let dir: string;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-scheduler-module-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function boot(env: Record<string, string> = {}) {
    const config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir, ...env });
    app = await NestFactory.createApplicationContext(
      {
        module: class WorkerLike {},
        imports: [
          ConfigModule.forRoot(config),
          LoggingModule.forRoot(pino({ level: 'silent' })),
          StorageModule,
          RegistersJobs,
          JobSchedulerModule.forRoot(),
        ],
      },
      { logger: false, abortOnError: false },
    );
    return app.get(JobScheduler);
  }

  it('starts the scheduler once every module has registered its jobs, and stops it on close', async () => {
    const scheduler = await boot();

    expect(scheduler.isRunning).toBe(true);
    expect((await scheduler.status()).map((job) => [job.name, job.scheduled])).toEqual([
      ['repair', true],
      ['purge', true],
    ]);
    await app?.close();
    app = undefined;
    expect(scheduler.isRunning).toBe(false);
  });

  it('schedules only the jobs WORKER_JOBS names, leaving the others to EventBridge', async () => {
    const scheduler = await boot({ WORKER_JOBS: 'repair' });

    expect(scheduler.isRunning).toBe(true);
    expect((await scheduler.status()).map((job) => [job.name, job.scheduled])).toEqual([
      ['repair', true],
      ['purge', false],
    ]);
  });

  it('leaves the scheduler stopped with WORKER_JOBS=none', async () => {
    const scheduler = await boot({ WORKER_JOBS: 'none' });

    expect(scheduler.isRunning).toBe(false);
    expect(scheduler.schedulesAny).toBe(false);
  });

  it('refuses to start when WORKER_JOBS names a job no module registers', async () => {
    await expect(boot({ WORKER_JOBS: 'repair,purg' })).rejects.toThrow(
      'WORKER_JOBS names purg, which no module registers (jobs: repair, purge)',
    );
  });
});
