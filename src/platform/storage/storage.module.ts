import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ROOT_LOGGER } from '../logging/logging.module.js';
import type { Database } from './database.js';
import { openDatabase } from './open-database.js';

export const DATABASE = Symbol('DATABASE');

/** Injects the database (the driver or the embedded engine, by configuration). */
export const InjectDatabase = () => Inject(DATABASE);

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        openDatabase(config.database, logger.child({ component: 'storage' })),
    },
  ],
  exports: [DATABASE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Runs after the HTTP server has drained, so no request loses its write. */
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
