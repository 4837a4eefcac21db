import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import type { Database } from '../storage/database.js';
import { DATABASE } from '../storage/storage.module.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { ProblemFilter } from './problem.filter.js';
import { ZodValidationPipe } from './zod-dto.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_PIPE, useClass: ZodValidationPipe },
    {
      provide: IdempotencyRepository,
      inject: [DATABASE],
      useFactory: (db: Database) => new IdempotencyRepository(db),
    },
  ],
  exports: [IdempotencyRepository],
})
export class HttpPlatformModule {}
