import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ROOT_LOGGER } from '../logging/logging.module.js';
import type { Database } from '../storage/database.js';
import { DATABASE } from '../storage/storage.module.js';
import { AuditLog } from './audit-log.js';

/** The process's audit log (who changed what), for every module's services. */
@Global()
@Module({
  providers: [
    {
      provide: AuditLog,
      inject: [DATABASE, ROOT_LOGGER, APP_CONFIG],
      useFactory: (db: Database, logger: Logger, config: AppConfig) =>
        new AuditLog(db, logger, config.log.auditRetentionDays),
    },
  ],
  exports: [AuditLog],
})
export class AuditModule {}
