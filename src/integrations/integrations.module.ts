import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { BUSINESS_REGISTRY } from '../modules/businesses/business-registry.port.js';
import { VIRUS_SCANNER, type VirusScanner } from '../modules/files/inspection/virus-scan.port.js';
import { BANK_ACCOUNT_VERIFIER } from '../modules/workers/ports/bank-account-verifier.port.js';
import { ProviderGateway } from '../platform/providers/provider-gateway.js';
import { ProviderGateways } from '../platform/providers/provider-gateways.js';
import { ClamdVirusScanner } from './clamav/clamd.client.js';
import { StubVirusScanner } from './clamav/stub-scanner.js';
import { NtsBusinessRegistryClient } from './nts/nts.client.js';
import { createPopbillClients, type PopbillClients } from './popbill/popbill.clients.js';

/** The Popbill clients of this process (one gateway, one token cache), when Popbill is configured. */
export const POPBILL_CLIENTS = Symbol('POPBILL_CLIENTS');
/** The NTS client, when a serviceKey is configured. */
const NTS_CLIENT = Symbol('NTS_CLIENT');

/**
 * Binds the ports the provider clients implement, from configuration: `BANK_ACCOUNT_VERIFIER` →
 * Popbill 예금주 조회, `BUSINESS_REGISTRY` → the NTS register, `VIRUS_SCANNER` → clamd (or the
 * local stub; always bound). A port whose provider is not configured (aws mode without its
 * credentials) stays unbound, and its routes answer 503 as before. Global, so the modules'
 * optional injections see the bindings.
 */
@Global()
@Module({})
export class IntegrationsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { popbill, nts } = config.providers;
    const providers: Provider[] = [
      {
        provide: POPBILL_CLIENTS,
        inject: [APP_CONFIG, ProviderGateways],
        useFactory: (cfg: AppConfig, gateways: ProviderGateways): PopbillClients | undefined => {
          const settings = cfg.providers.popbill;
          if (!settings) return undefined;
          const clients = createPopbillClients(settings);
          gateways.track(clients.gateway);
          return clients;
        },
      },
      {
        provide: NTS_CLIENT,
        inject: [APP_CONFIG, ProviderGateways],
        useFactory: (cfg: AppConfig, gateways: ProviderGateways) => {
          const settings = cfg.providers.nts;
          if (!settings) return undefined;
          return new NtsBusinessRegistryClient(
            settings,
            gateways.track(new ProviderGateway('nts')),
          );
        },
      },
      {
        provide: VIRUS_SCANNER,
        inject: [APP_CONFIG, ProviderGateways],
        useFactory: (cfg: AppConfig, gateways: ProviderGateways): VirusScanner => {
          const settings = cfg.providers.virusScanner;
          if (settings.kind === 'stub') return new StubVirusScanner();
          const scanner = new ClamdVirusScanner(settings);
          gateways.track(scanner.gateway);
          return scanner;
        },
      },
    ];
    const exported: Array<symbol> = [POPBILL_CLIENTS, NTS_CLIENT, VIRUS_SCANNER];
    if (popbill) {
      providers.push({
        provide: BANK_ACCOUNT_VERIFIER,
        inject: [POPBILL_CLIENTS],
        useFactory: (clients: PopbillClients) => clients.accountCheck,
      });
      exported.push(BANK_ACCOUNT_VERIFIER);
    }
    if (nts) {
      providers.push({ provide: BUSINESS_REGISTRY, useExisting: NTS_CLIENT });
      exported.push(BUSINESS_REGISTRY);
    }
    return { module: IntegrationsModule, providers, exports: exported };
  }
}
