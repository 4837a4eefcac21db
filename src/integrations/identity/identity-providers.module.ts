import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config.js';
import { ROOT_LOGGER } from '../../platform/logging/logging.module.js';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import { IDENTITY_VERIFIER } from '../../modules/workers/ports/identity-verifier.port.js';
import { DanalIdentityClient } from '../danal/danal-identity.client.js';
import { NiceIdentityClient } from '../nice/nice-identity.client.js';
import {
  FailoverIdentityVerifier,
  type IdentityProviderEntry,
} from './failover-identity.verifier.js';

/**
 * A person waits at the start: a provider that does not answer in 5 s is tried once more, and
 * then the next provider starts, so the failover lands within about 10 s rather than the 30 s
 * of the default policy (three 10 s attempts).
 */
const START_POLICY = { timeoutMs: 5_000, retries: 1, failuresToOpen: 5, halfOpenAfterMs: 30_000 };

/** One client per configured provider, each with its gateway, in the configured order. */
function identityProviderEntries(
  identity: AppConfig['identity'],
  logger?: Logger,
): IdentityProviderEntry[] {
  return identity.providers.map((provider) => {
    const gateway = new ProviderGateway(provider, START_POLICY);
    // The call record holds ids, codes and timings only (ProviderCallRecord), never payloads.
    if (logger) gateway.onCall((record) => logger.info({ providerCall: record }, 'provider call'));
    const verifier =
      provider === 'nice'
        ? new NiceIdentityClient({
            baseUrl: identity.nice.apiUrl,
            windowUrl: identity.nice.windowUrl,
            clientId: identity.nice.clientId,
            clientSecret: identity.nice.clientSecret,
            productId: identity.nice.productId,
            gateway,
          })
        : new DanalIdentityClient({
            uasUrl: identity.danal.uasUrl,
            windowUrl: identity.danal.windowUrl,
            cpId: identity.danal.cpId,
            cpPwd: identity.danal.cpPwd,
            cpTitle: identity.danal.cpTitle,
            gateway,
          });
    return { provider, verifier, gateway };
  });
}

/**
 * Binds {@link IDENTITY_VERIFIER} to the failover verifier over the providers IDENTITY_PROVIDERS
 * names. With none, nothing is bound and the identity routes answer 503 (operators verify on
 * evidence), as before.
 */
@Global()
@Module({})
export class IdentityProvidersModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.identity.providers.length === 0) return { module: IdentityProvidersModule };
    return {
      module: IdentityProvidersModule,
      providers: [
        {
          provide: IDENTITY_VERIFIER,
          inject: [ROOT_LOGGER],
          useFactory: (logger: Logger) =>
            new FailoverIdentityVerifier(identityProviderEntries(config.identity, logger)),
        },
      ],
      exports: [IDENTITY_VERIFIER],
    };
  }
}
