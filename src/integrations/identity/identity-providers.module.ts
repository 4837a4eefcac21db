import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import { ProviderGateways } from '../../platform/providers/provider-gateways.js';
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
  gateways: ProviderGateways,
): IdentityProviderEntry[] {
  return identity.providers.map((provider) => {
    const gateway = gateways.track(new ProviderGateway(provider, START_POLICY));
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
          inject: [ProviderGateways],
          useFactory: (gateways: ProviderGateways) =>
            new FailoverIdentityVerifier(identityProviderEntries(config.identity, gateways)),
        },
      ],
      exports: [IDENTITY_VERIFIER],
    };
  }
}
