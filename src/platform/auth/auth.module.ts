import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RouteClassGuard } from './route-class.guard.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionRevocationsRepository } from './session-revocations.repository.js';
import { TokenVerifier } from './token-verifier.js';

/** Authentication for every API route: token verification, revocations, the route-class guard. */
@Global()
@Module({
  providers: [
    SessionRevocationsRepository,
    SessionRevocations,
    TokenVerifier,
    { provide: APP_GUARD, useClass: RouteClassGuard },
  ],
  exports: [SessionRevocations, TokenVerifier],
})
export class AuthPlatformModule {}
