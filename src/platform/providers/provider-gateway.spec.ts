import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestContext } from '../logging/request-context.js';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from './provider-errors.js';
import {
  type ProviderCallRecord,
  ProviderGateway,
  type ProviderPolicyOptions,
  providerFetch,
} from './provider-gateway.js';

const FAST: ProviderPolicyOptions = {
  timeoutMs: 200,
  retries: 2,
  failuresToOpen: 3,
  halfOpenAfterMs: 150,
};

function gatewayWithRecords(options = FAST) {
  const gateway = new ProviderGateway('popbill', options);
  const records: ProviderCallRecord[] = [];
  gateway.onCall((record) => records.push(record));
  return { gateway, records };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('ProviderGateway', () => {
  it('answers 504 provider_timeout when the provider does not answer within the timeout', async () => {
    const { gateway, records } = gatewayWithRecords({ ...FAST, retries: 0 });
    const error = await gateway
      .call('status', { idempotent: true }, () => new Promise(() => undefined))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'gateway_timeout', code: 'provider_timeout' });
    expect(records).toEqual([expect.objectContaining({ outcome: 'timeout', attempts: 1 })]);
  });

  it('aborts the request it timed out, so no socket is left waiting', async () => {
    const { gateway } = gatewayWithRecords({ ...FAST, retries: 0 });
    let aborted = false;
    await gateway
      .call('status', { idempotent: true }, (signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => undefined);
      })
      .catch(() => undefined);
    expect(aborted).toBe(true);
  });

  it('retries an idempotent call that could not reach the provider, and succeeds', async () => {
    const { gateway, records } = gatewayWithRecords();
    let calls = 0;
    const result = await gateway.call('status', { idempotent: true }, () => {
      calls += 1;
      if (calls < 3) throw new ProviderUnavailableError('popbill');
      return Promise.resolve('ok');
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(records).toEqual([expect.objectContaining({ outcome: 'ok', attempts: 3 })]);
  });

  it('never retries a call that is not idempotent (a message could be sent twice)', async () => {
    const { gateway } = gatewayWithRecords();
    let calls = 0;
    const error = await gateway
      .call('sms.send', { idempotent: false }, () => {
        calls += 1;
        throw new ProviderUnavailableError('popbill');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(calls).toBe(1);
  });

  it('never retries a tampered or refused answer: the same request gets the same answer', async () => {
    const { gateway } = gatewayWithRecords();
    for (const failure of [
      new ProviderBadResponseError('popbill', 'hmac mismatch'),
      new ProviderRejectedError('popbill', '-10000034'),
    ]) {
      let calls = 0;
      const error = await gateway
        .call('account.check', { idempotent: true }, () => {
          calls += 1;
          throw failure;
        })
        .catch((e: unknown) => e);
      expect(error).toBe(failure);
      expect(calls).toBe(1);
    }
  });

  it('maps an unexpected error in reading an answer to 502 provider_bad_response, never a 500', async () => {
    const { gateway } = gatewayWithRecords();
    const error = await gateway
      .call('status', { idempotent: true }, () => Promise.resolve(JSON.parse('{')))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_gateway', code: 'provider_bad_response' });
  });

  it('opens the circuit after consecutive failures and then fails fast without calling the provider', async () => {
    const { gateway, records } = gatewayWithRecords({ ...FAST, retries: 0 });
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new ProviderUnavailableError('popbill'));
    };
    for (let i = 0; i < 3; i += 1) {
      await gateway.call('status', { idempotent: true }, failing).catch(() => undefined);
    }
    expect(gateway.circuit).toBe('open');
    const error = await gateway
      .call('status', { idempotent: true }, failing)
      .catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'provider_unavailable',
      outcome: 'circuit_open',
    });
    expect(records.at(-1)).toMatchObject({ outcome: 'circuit_open', attempts: 1 });
    expect(gateway.health()).toMatchObject({ circuit: 'open', calls: 4, errors: 4 });
  });

  it('lets one trial call through after the open period and closes the circuit when it succeeds', async () => {
    const { gateway } = gatewayWithRecords({ ...FAST, retries: 0 });
    for (let i = 0; i < 3; i += 1) {
      await gateway
        .call('status', { idempotent: true }, () =>
          Promise.reject(new ProviderUnavailableError('popbill')),
        )
        .catch(() => undefined);
    }
    await sleep(FAST.halfOpenAfterMs + 20);
    await expect(
      gateway.call('status', { idempotent: true }, () => Promise.resolve(1)),
    ).resolves.toBe(1);
    expect(gateway.circuit).toBe('closed');
  });

  it('records each call with the request id and codes, and nothing of what was sent or received', async () => {
    const { gateway, records } = gatewayWithRecords({ ...FAST, retries: 0 });
    await requestContext.run({ requestId: 'req-1', log: undefined as never }, () =>
      gateway
        .call('account.check', { idempotent: true }, () =>
          Promise.reject(new ProviderRejectedError('popbill', '-99003001')),
        )
        .catch(() => undefined),
    );
    expect(records).toEqual([
      {
        provider: 'popbill',
        operation: 'account.check',
        outcome: 'rejected',
        latencyMs: expect.any(Number) as number,
        attempts: 1,
        reqId: 'req-1',
        code: 'provider_error',
        providerCode: '-99003001',
      },
    ]);
  });
});

describe('providerFetch', () => {
  it('turns a refused connection into 503 provider_unavailable', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await providerFetch('nts', `http://127.0.0.1:${port}/`, {
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
  });

  it('answers through the gateway with a 504 when the server accepts but never answers', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const gateway = new ProviderGateway('nts', { ...FAST, retries: 0 });
    const error = await gateway
      .call('status', { idempotent: true }, (signal) =>
        providerFetch('nts', `http://127.0.0.1:${port}/`, { signal }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_timeout' });
    server.closeAllConnections();
  });
});
