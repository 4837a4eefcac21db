import { baseOptions } from '../logging/logger.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { LogCapture } from '../../../test/support/log-capture.js';
import { ProviderUnavailableError } from './provider-errors.js';
import { ProviderGateway } from './provider-gateway.js';
import { ProviderGateways } from './provider-gateways.js';

describe('ProviderGateways', () => {
  it('logs every call by its record only (a failure at warn) and reports each gateway’s state', async () => {
    const logs = new LogCapture();
    const sut = new ProviderGateways(pino(baseOptions('debug', 'api'), logs));
    const nts = sut.track(
      new ProviderGateway('nts', {
        timeoutMs: 100,
        retries: 0,
        failuresToOpen: 1,
        halfOpenAfterMs: 60_000,
      }),
    );
    const popbill = sut.track(new ProviderGateway('popbill'));

    await popbill.call('account.check', { idempotent: true }, () =>
      Promise.resolve({ holder: '홍길동' }),
    );
    await nts
      .call('status', { idempotent: true }, () =>
        Promise.reject(new ProviderUnavailableError('nts')),
      )
      .catch(() => undefined);

    expect(sut.health()).toEqual([
      expect.objectContaining({ provider: 'nts', circuit: 'open', calls: 1, errors: 1 }),
      expect.objectContaining({
        provider: 'popbill',
        circuit: 'closed',
        calls: 1,
        errors: 0,
        latencyMs: { mean: expect.any(Number) as number, last: expect.any(Number) as number },
      }),
    ]);
    expect(logs.lines.find((l) => l.msg === 'provider call failed')).toMatchObject({
      level: 'warn',
      providerCall: { provider: 'nts', operation: 'status', outcome: 'unavailable' },
    });
    expect(logs.text()).not.toContain('홍길동');
    // The circuit opening is an error line, which the alert tap makes an alert of.
    expect(logs.lines.filter((l) => l.code === 'provider_circuit_open')).toEqual([
      expect.objectContaining({ level: 'error', provider: 'nts' }),
    ]);
  });

  it('tracks a gateway once, however often it is given', () => {
    const sut = new ProviderGateways(pino({ level: 'silent' }));
    const gateway = new ProviderGateway('nice');
    sut.track(gateway);
    sut.track(gateway);
    expect(sut.health()).toHaveLength(1);
  });
});
