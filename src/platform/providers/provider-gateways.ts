import { Global, Injectable, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectLogger } from '../logging/logging.module.js';
import { metrics } from '../metrics/metrics.js';
import type { ProviderGateway, ProviderHealth } from './provider-gateway.js';

/**
 * The provider gateways of this process: each logs one line per call (its call record: ids,
 * outcome, latency and codes, never payloads; failures at warn), and `/health/ready` shows each
 * gateway's circuit and counters, which the alarms of the logging issue watch. A provider's
 * state never makes the process unready: operators' manual verification is the fallback.
 */
@Injectable()
export class ProviderGateways {
  private readonly gateways = new Set<ProviderGateway>();
  private readonly log: Logger;

  constructor(@InjectLogger() logger: Logger) {
    this.log = logger.child({ component: 'provider', category: 'provider' });
  }

  track(gateway: ProviderGateway): ProviderGateway {
    if (this.gateways.has(gateway)) return gateway;
    this.gateways.add(gateway);
    gateway.onCall((record) => {
      if (record.outcome === 'ok') this.log.debug({ providerCall: record }, 'provider call');
      else this.log.warn({ providerCall: record }, 'provider call failed');
      const dimensions = { Provider: record.provider };
      metrics().count('ProviderCalls', dimensions);
      metrics().time('ProviderLatency', dimensions, record.latencyMs);
      if (record.outcome !== 'ok') metrics().count('ProviderErrors', dimensions);
    });
    // An error line, so an alert (platform/alerts): calls to it fail fast until it half-opens.
    gateway.onCircuitOpen(() =>
      this.log.error(
        { provider: gateway.provider, code: 'provider_circuit_open' },
        'provider circuit opened: its calls fail fast until a trial call passes',
      ),
    );
    return gateway;
  }

  health(): ProviderHealth[] {
    return [...this.gateways]
      .map((g) => g.health())
      .sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0));
  }
}

@Global()
@Module({ providers: [ProviderGateways], exports: [ProviderGateways] })
export class ProviderGatewaysModule {}
