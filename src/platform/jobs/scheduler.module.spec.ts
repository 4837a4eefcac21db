import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigModule } from '../../config/config.module.js';
import { loadConfig } from '../../config/config.js';
import { LoggingModule } from '../logging/logging.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { JobSchedulerModule } from './scheduler.module.js';
import { JobScheduler } from './scheduler.js';

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
          JobSchedulerModule.forRoot(),
        ],
      },
      { logger: false },
    );
    return app.get(JobScheduler);
  }

  it('starts the scheduler once the application has bootstrapped, and stops it on close', async () => {
    const scheduler = await boot();

    expect(scheduler.isRunning).toBe(true);
    await app?.close();
    app = undefined;
    expect(scheduler.isRunning).toBe(false);
  });

  it('leaves it stopped with ENABLE_WORKER_SCHEDULER=false (EventBridge runs the jobs)', async () => {
    const scheduler = await boot({ ENABLE_WORKER_SCHEDULER: 'false' });

    expect(scheduler.isRunning).toBe(false);
  });
});
