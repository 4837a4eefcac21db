import { AccessReviewModule } from './modules/access-review/access-review.module.js';
import { AlertReviewModule } from './modules/alert-review/alert-review.controller.js';
import { FilesModule } from './modules/files/files.module.js';
import { StatisticsRoutesModule } from './modules/statistics/statistics.module.js';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule } from './config/config.module.js';
import { AuditModule } from './platform/audit/audit.module.js';
import type { AppConfig } from './config/config.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { AssignmentsModule } from './modules/assignments/assignments.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { FirestoreMigrationModule } from './modules/firestore-migration/migration.controller.js';
import { LegacyMemberIdsModule } from './modules/legacy-auth/legacy-member-ids.module.js';
import { BusinessStaffCheckModule } from './modules/businesses/business-staff-check.module.js';
import { BusinessesModule } from './modules/businesses/businesses.module.js';
import { IdentityProvidersModule } from './integrations/identity/identity-providers.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MembersModule } from './modules/members/members.module.js';
import { ShiftsModule } from './modules/shifts/shifts.module.js';
import { WorkersModule } from './modules/workers/workers.module.js';
import { AuthPlatformModule } from './platform/auth/auth.module.js';
import { HttpPlatformModule } from './platform/http/http-platform.module.js';
import { LoggingModule } from './platform/logging/logging.module.js';
import { ProviderGatewaysModule } from './platform/providers/provider-gateways.js';
import { StorageModule } from './platform/storage/storage.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

/** The feature modules the API serves. */
export const FEATURE_MODULES: Type[] = [
  HealthModule,
  MembersModule,
  AuthModule,
  WorkersModule,
  BusinessesModule,
  BusinessStaffCheckModule,
  ShiftsModule,
  AssignmentsModule,
  // Composition-level: its routes answer 404 while MIGRATION_ENABLED=false.
  FirestoreMigrationModule,
  // The operator routes of the monthly statistics (the worker's job produces them).
  StatisticsRoutesModule,
  FilesModule,
  // The access records' monthly review, for admins (the console's access review).
  AccessReviewModule,
  // What the alert pipeline counted in the last hours (the console's Today).
  AlertReviewModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        StorageModule,
        AuditModule,
        PrivacyModule,
        HttpPlatformModule,
        AuthPlatformModule,
        // Migrated members act under their Firebase uid (platform/auth/member-ids.ts).
        LegacyMemberIdsModule,
        ProviderGatewaysModule,
        IntegrationsModule.forRoot(config),
        IdentityProvidersModule.forRoot(config),
        ...FEATURE_MODULES,
        ...extra,
      ],
    };
  }
}
