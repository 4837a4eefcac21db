import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MembersModule } from './modules/members/members.module.js';
import { AuthPlatformModule } from './platform/auth/auth.module.js';
import { HttpPlatformModule } from './platform/http/http-platform.module.js';
import { LoggingModule } from './platform/logging/logging.module.js';
import { StorageModule } from './platform/storage/storage.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

/** The feature modules the API serves. */
export const FEATURE_MODULES: Type[] = [HealthModule, MembersModule, AuthModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        StorageModule,
        PrivacyModule,
        HttpPlatformModule,
        AuthPlatformModule,
        ...FEATURE_MODULES,
        ...extra,
      ],
    };
  }
}
