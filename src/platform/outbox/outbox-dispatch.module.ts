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
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher.js';
import { OutboxHandlers } from './outbox-handlers.js';

/** The one `OutboxHandlers` registry: every module that registers or dispatches imports this. */
@Module({ providers: [OutboxHandlers], exports: [OutboxHandlers] })
export class OutboxHandlersModule {}

export interface OutboxDispatchModuleOptions extends Pick<
  OutboxDispatcherOptions,
  'sources' | 'batchSize' | 'concurrency' | 'leaseMs' | 'maxAttempts' | 'backoff'
> {
  /** Start polling when the application has bootstrapped (default true). */
  autoStart?: boolean;
}

const OPTIONS = Symbol('OUTBOX_DISPATCH_OPTIONS');

/**
 * The worker's outbox delivery: an `OutboxDispatcher` over `sources`, polling every
 * `OUTBOX_POLL_MS`, started once the application has bootstrapped (every handler registered) and
 * stopped, draining what it holds, before the database closes.
 */
@Module({})
export class OutboxDispatchModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly dispatcher: OutboxDispatcher,
    @Inject(OPTIONS) private readonly options: OutboxDispatchModuleOptions,
  ) {}

  static forRoot(options: OutboxDispatchModuleOptions): DynamicModule {
    return {
      module: OutboxDispatchModule,
      imports: [OutboxHandlersModule],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: OutboxDispatcher,
          inject: [DATABASE, APP_CONFIG, ROOT_LOGGER, OutboxHandlers],
          useFactory: (db: Database, config: AppConfig, logger: Logger, handlers: OutboxHandlers) =>
            new OutboxDispatcher({
              ...withoutAutoStart(options),
              db,
              handlers,
              pollMs: config.outbox.pollMs,
              logger: logger.child({ component: 'outbox' }),
            }),
        },
      ],
      exports: [OutboxDispatcher, OutboxHandlersModule],
    };
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart ?? true) this.dispatcher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
  }
}

function withoutAutoStart(options: OutboxDispatchModuleOptions) {
  const { autoStart: _autoStart, ...rest } = options;
  return rest;
}
