import { afterEach, describe, expect, it } from 'vitest';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import {
  type ProviderCallRecord,
  ProviderGateway,
} from '../../platform/providers/provider-gateway.js';
import { NtsBusinessRegistryClient } from './nts.client.js';
import { STUB_SERVICE_KEY, STUB_UNREGISTERED_NUMBER } from './nts-stub-fixtures.js';
import { type NtsStub, type NtsStubOptions, startNtsStub } from './nts-stub.js';

let stub: NtsStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** The stub as the real register behaves: a number it does not list is unregistered. */
async function setUp(serviceKey = STUB_SERVICE_KEY, options: NtsStubOptions = {}) {
  stub = await startNtsStub({ unknownNumbers: 'unregistered', ...options });
  const gateway = new ProviderGateway('nts', {
    timeoutMs: 300,
    retries: 2,
    failuresToOpen: 50,
    halfOpenAfterMs: 1_000,
  });
  const records: ProviderCallRecord[] = [];
  gateway.onCall((r) => records.push(r));
  const sut = new NtsBusinessRegistryClient({ baseUrl: stub.baseUrl, serviceKey }, gateway);
  return { sut, stub, records };
}

describe('NtsBusinessRegistryClient against the stub', () => {
  it('maps 01/02/03 to active/suspended/closed with the tax type and the closing date', async () => {
    const { sut } = await setUp();
    expect(await sut.lookup('1248100998')).toEqual({
      status: 'active',
      taxType: '부가가치세 일반과세자',
    });
    expect(await sut.lookup('2208100016')).toEqual({
      status: 'active',
      taxType: '부가가치세 간이과세자',
    });
    expect(await sut.lookup('2208100020')).toMatchObject({ status: 'suspended' });
    expect(await sut.lookup('2208100035')).toEqual({
      status: 'closed',
      taxType: '부가가치세 일반과세자',
      closedAt: '2025-12-31',
    });
  });

  it('answers undefined for a number the NTS does not have: an answer, not an error', async () => {
    const { sut } = await setUp();
    expect(await sut.lookup(STUB_UNREGISTERED_NUMBER)).toBeUndefined();
  });

  it('sends a decoded key with +, / and = encoded once, so it reaches the API intact', async () => {
    const key = 'a+b/c=d+e/f==';
    const { sut } = await setUp(key, { serviceKey: key });
    await expect(sut.lookup('1248100998')).resolves.toMatchObject({ status: 'active' });
  });

  it('is refused with the gateway code when the key is wrong (e.g. already encoded)', async () => {
    const { sut } = await setUp(encodeURIComponent(STUB_SERVICE_KEY));
    const error = await sut.lookup('1248100998').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ provider: 'nts', providerCode: '-4' });
  });

  it('splits many numbers into calls of at most 100 and answers for every number', async () => {
    const { sut, stub } = await setUp();
    const numbers = Array.from({ length: 250 }, (_, i) => `30${String(i).padStart(8, '0')}`);
    numbers[137] = '2208100035';
    const statuses = await sut.lookupMany(numbers);
    expect(stub.calls).toBe(3);
    expect(statuses.size).toBe(250);
    expect(statuses.get('2208100035')).toMatchObject({ status: 'closed' });
    expect(statuses.get(numbers[0]!)).toBeUndefined();
  });

  it('validates number, representative and opening date: 01 valid with the status, 02 invalid', async () => {
    const { sut } = await setUp();
    expect(
      await sut.validate({
        businessNumber: '2208804739',
        representativeName: '정하늘',
        openingDate: '2018-04-02',
      }),
    ).toEqual({ result: 'valid', status: { status: 'active', taxType: '부가가치세 일반과세자' } });
    expect(
      await sut.validate({
        businessNumber: '2208804739',
        representativeName: '정하늘',
        openingDate: '2018-04-03',
      }),
    ).toEqual({ result: 'invalid', message: '확인할 수 없습니다' });
  });

  it('is refused with the API status_code when the request is malformed for it', async () => {
    const { sut, stub } = await setUp();
    stub.control({
      fail: { status: 400, body: { status_code: 'REQUEST_DATA_MALFORMED' }, times: 1 },
    });
    await expect(sut.lookup('1248100998')).rejects.toMatchObject({
      providerCode: 'REQUEST_DATA_MALFORMED',
    });
  });

  it('is refused with the gateway code when the daily quota is spent', async () => {
    const { sut, stub } = await setUp();
    stub.control({ quotaExceeded: true });
    await expect(sut.lookup('1248100998')).rejects.toMatchObject({ providerCode: '-401' });
  });

  it('rejects a number that is not ten digits before asking', async () => {
    const { sut, stub } = await setUp();
    await expect(sut.lookup('124-81-00998')).rejects.toThrow(RangeError);
    expect(stub.calls).toBe(0);
  });

  it('retries a lookup that timed out (it only reads) and answers', async () => {
    const { sut, stub, records } = await setUp();
    stub.control({ hang: { times: 1 } });
    await expect(sut.lookup('1248100998')).resolves.toMatchObject({ status: 'active' });
    expect(records.at(-1)).toMatchObject({ operation: 'status', outcome: 'ok', attempts: 2 });
  });

  it('answers timeout when the API never answers', async () => {
    const { sut, stub } = await setUp();
    stub.control({ hang: {} });
    await expect(sut.lookup('1248100998')).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it('answers unavailable to repeated 5xx without a body it knows', async () => {
    const { sut, stub } = await setUp();
    stub.control({ fail: { status: 502, body: {} } });
    await expect(sut.lookup('1248100998')).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('answers bad response to a malformed answer', async () => {
    const { sut, stub } = await setUp();
    stub.control({ malformed: {} });
    await expect(sut.lookup('1248100998')).rejects.toBeInstanceOf(ProviderBadResponseError);
  });
});

describe('NTS stub', () => {
  it('refuses more than 100 numbers with TOO_LARGE_REQUEST', async () => {
    stub = await startNtsStub();
    const url = `${stub.baseUrl}/status?serviceKey=${encodeURIComponent(STUB_SERVICE_KEY)}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ b_no: Array.from({ length: 101 }, () => '1248100998') }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ status_code: 'TOO_LARGE_REQUEST' });
  });

  it('refuses a body that is not JSON with BAD_JSON_REQUEST', async () => {
    stub = await startNtsStub();
    const url = `${stub.baseUrl}/status?serviceKey=${encodeURIComponent(STUB_SERVICE_KEY)}`;
    const response = await fetch(url, { method: 'POST', body: '{' });
    expect(await response.json()).toEqual({ status_code: 'BAD_JSON_REQUEST' });
  });

  it('refuses a raw + in the key, which the gateway decodes to a space', async () => {
    stub = await startNtsStub();
    const response = await fetch(`${stub.baseUrl}/status?serviceKey=${STUB_SERVICE_KEY}`, {
      method: 'POST',
      body: JSON.stringify({ b_no: ['1248100998'] }),
    });
    expect(response.status).toBe(401);
  });

  it('answers a number it does not list as trading by default (the local stack), and as registers change', async () => {
    stub = await startNtsStub();
    const gateway = new ProviderGateway('nts');
    const sut = new NtsBusinessRegistryClient(
      { baseUrl: stub.baseUrl, serviceKey: STUB_SERVICE_KEY },
      gateway,
    );
    expect(await sut.lookup('1208100011')).toMatchObject({ status: 'active' });
    expect(await sut.lookup(STUB_UNREGISTERED_NUMBER)).toBeUndefined();
    stub.control({ register: { '1208100011': { statusCode: '03', endDate: '20261201' } } });
    expect(await sut.lookup('1208100011')).toMatchObject({
      status: 'closed',
      closedAt: '2026-12-01',
    });
  });
});
