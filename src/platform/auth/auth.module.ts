import { Global, Module } from '@nestjs/common';
import { SessionRevocations } from './session-revocations.js';
import { SessionRevocationsRepository } from './session-revocations.repository.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Authentication for every API route: token verification and revocations (each route's class is
 * enforced by the request lifecycle's hooks: route-access.ts).
 */
@Global()
@Module({
  providers: [SessionRevocationsRepository, SessionRevocations, TokenVerifier],
  exports: [SessionRevocations, TokenVerifier],
})
export class AuthPlatformModule {}
