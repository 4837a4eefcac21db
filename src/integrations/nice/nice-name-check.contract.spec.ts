import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ProviderCallRecord,
  ProviderGateway,
} from '../../platform/providers/provider-gateway.js';
import { NiceNameCheckClient } from './nice-name-check.client.js';
import { type NiceStub, startNiceStub } from './nice-stub.js';

const FAST = { timeoutMs: 300, retries: 0, failuresToOpen: 50, halfOpenAfterMs: 1_000 };
const HONG_RRN = '9001011000001';

let stub: NiceStub;
let records: ProviderCallRecord[];

function client(productId = stub.nameCheckProductId): NiceNameCheckClient {
  const gateway = new ProviderGateway('nice', FAST);
  gateway.onCall((record) => records.push(record));
  return new NiceNameCheckClient({
    baseUrl: stub.url,
    clientId: stub.clientId,
    clientSecret: stub.clientSecret,
    productId,
    gateway,
  });
}

const check = (sut: NiceNameCheckClient, name: string, rrn: string) =>
  sut.check({ name, rrn, requestId: 'name-check-1' });

beforeEach(async () => {
  records = [];
  stub = await startNiceStub();
});
afterEach(() => stub.close());

describe('NICE 실명확인 client against the NICE stub', () => {
  it('answers match for the name the register holds (the name sent as EUC-KR, the HMAC key from the end)', async () => {
    await expect(check(client(), '홍길동', HONG_RRN)).resolves.toEqual({
      outcome: 'match',
      resultCode: '1',
    });
  });

  it.each([
    ['another name', '김철수', HONG_RRN, 'mismatch', '2'],
    ['an unknown number', '홍길동', '9912312999999', 'no_record', '3'],
    [
      'a number blocked for identity theft',
      '도용된',
      '8001011000007',
      'blocked_identity_theft',
      '7',
    ],
    [
      'a number blocked for suspected fraud',
      '의심된',
      '8001011000008',
      'blocked_suspected_fraud',
      '8',
    ],
  ])('answers %s as an outcome, not an error', async (_what, name, rrn, outcome, resultCode) => {
    await expect(check(client(), name, rrn)).resolves.toEqual({ outcome, resultCode });
  });

  it('refuses a number that is not 13 digits with 400 rrn_invalid before calling NICE', async () => {
    const error = await check(client(), '홍길동', '900101-1000001').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'rrn_invalid' });
    expect(JSON.stringify(error)).not.toContain('900101');
    expect(stub.tokensIssued).toBe(0);
  });

  it('refuses another product id: 502 provider_error with the gateway code', async () => {
    await expect(check(client('9999999999'), '홍길동', HONG_RRN)).rejects.toMatchObject({
      code: 'provider_error',
      providerCode: '1501',
    });
  });

  it.each([
    [{ gatewayError: '1500' }, { code: 'provider_error', providerCode: '1500' }],
    [{ malformed: true }, { code: 'provider_bad_response' }],
    [{ down: true }, { code: 'provider_unavailable' }],
    [{ hang: true }, { code: 'provider_timeout' }],
  ] as const)('maps %j to %j', async (faults, expected) => {
    stub.setFaults(faults);
    await expect(check(client(), '홍길동', HONG_RRN)).rejects.toMatchObject(expected);
  });

  it('keeps the number and the name out of call records and errors', async () => {
    await check(client(), '홍길동', HONG_RRN);
    stub.setFaults({ gatewayError: '1500' });
    const error = await check(client(), '홍길동', HONG_RRN).catch((e: unknown) => e);
    const seen = JSON.stringify({ records, error, message: (error as Error).message });
    expect(records.map((r) => r.operation)).toEqual([
      'token',
      'crypto-token',
      'name-check',
      'token',
    ]);
    expect(seen).not.toContain(HONG_RRN);
    expect(seen).not.toContain('1000001');
    expect(seen).not.toContain('홍길동');
  });
});
