import { AssignmentsModule } from '../assignments/assignments.module.js';
import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { createCognitoClient } from '../../platform/aws/clients.js';
import { ROOT_LOGGER } from '../../platform/logging/logging.module.js';
import { LegacyAuthModule } from '../legacy-auth/legacy-auth.module.js';
import { MembersModule } from '../members/members.module.js';
import { AccountBlocks } from './account-blocks.js';
import { AccountBlocksController } from './account-blocks.controller.js';
import { AccountController, AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AwsCognitoAuth } from './aws-cognito-auth.js';
import { ConsoleSessionController } from './console-session.controller.js';
import { ConsoleSessions } from './console-sessions.js';
import { COGNITO_AUTH } from './cognito-auth.port.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { LoginThrottle } from './login-throttle.js';

@Module({
  imports: [MembersModule, LegacyAuthModule, AssignmentsModule],
  controllers: [
    AuthController,
    AccountController,
    ConsoleSessionController,
    AccountBlocksController,
  ],
  providers: [
    {
      provide: COGNITO_AUTH,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        new AwsCognitoAuth(
          createCognitoClient(config),
          config.aws.cognito,
          logger.child({ component: 'cognito' }),
        ),
    },
    AuthService,
    AccountBlocks,
    ConsoleSessions,
    LoginAttemptsRepository,
    LoginThrottle,
  ],
})
export class AuthModule {}
