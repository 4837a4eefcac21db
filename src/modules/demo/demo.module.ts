import { AuditModule } from '../../platform/audit/audit.module.js';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { IntegrationsModule } from '../../integrations/integrations.module.js';
import { LoggingModule } from '../../platform/logging/logging.module.js';
import { ProviderGatewaysModule } from '../../platform/providers/provider-gateways.js';
import type { Database } from '../../platform/storage/database.js';
import { DATABASE } from '../../platform/storage/storage.module.js';
import { PrivacyModule } from '../../privacy/privacy.module.js';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { COGNITO_AUTH, type CognitoAuth } from '../auth/cognito-auth.port.js';
import { StaffAccounts } from '../auth/staff-accounts.js';
import { BusinessStaffCheckModule } from '../businesses/business-staff-check.module.js';
import { BusinessesModule } from '../businesses/businesses.module.js';
import { MembersModule } from '../members/members.module.js';
import { MembersService } from '../members/members.service.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { DemoAccounts } from './demo-accounts.js';
import { DemoSeed } from './demo-seed.js';

/** The demo seed on the feature modules' services, wired as the API wires them. */
@Module({
  imports: [MembersModule, WorkersModule, BusinessesModule, ShiftsModule, AssignmentsModule],
  providers: [
    {
      provide: StaffAccounts,
      inject: [COGNITO_AUTH, MembersService],
      useFactory: (cognito: CognitoAuth, members: MembersService) =>
        new StaffAccounts(cognito, members),
    },
    DemoAccounts,
    DemoSeed,
  ],
  exports: [DemoSeed],
})
class DemoModule {}

/**
 * What the CLI hands the seed: its open database (the CLI opens and closes it, so the context
 * must not open a second one: the embedded engine admits one owner) and the Cognito port.
 */
@Global()
@Module({})
class DemoSeedPortsModule {
  static forRoot(db: Database, cognito: CognitoAuth): DynamicModule {
    return {
      module: DemoSeedPortsModule,
      providers: [
        { provide: DATABASE, useValue: db },
        { provide: COGNITO_AUTH, useValue: cognito },
      ],
      exports: [DATABASE, COGNITO_AUTH],
    };
  }
}

/** The application context `cli demo seed` runs in: no HTTP, no worker jobs. */
@Module({})
export class DemoSeedContextModule {
  static forRoot(options: {
    config: AppConfig;
    logger: Logger;
    db: Database;
    cognito: CognitoAuth;
  }): DynamicModule {
    return {
      module: DemoSeedContextModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.logger),
        DemoSeedPortsModule.forRoot(options.db, options.cognito),
        AuditModule,
        PrivacyModule,
        // The ports the feature modules need bound (the files' virus scanner among them).
        ProviderGatewaysModule,
        IntegrationsModule.forRoot(options.config),
        BusinessStaffCheckModule,
        DemoModule,
      ],
    };
  }
}
