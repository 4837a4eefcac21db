import { afterEach, describe, expect, it } from 'vitest';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderTimeoutError,
} from '../../platform/providers/provider-errors.js';
import { popbillBankCode } from './account-check.client.js';
import { popbillUnderTest } from './popbill.test-kit.js';
import { STUB_CODES } from './stub/popbill-stub-fixtures.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setUp(...args: Parameters<typeof popbillUnderTest>) {
  const kit = await popbillUnderTest(...args);
  close = kit.stub.close;
  return kit;
}

describe('popbillBankCode', () => {
  it('pads the 3-digit 금융기관 코드 to the 4 digits Popbill uses', () => {
    expect(popbillBankCode('004')).toBe('0004');
    expect(popbillBankCode('0088')).toBe('0088');
    expect(() => popbillBankCode('4a')).toThrow(RangeError);
  });
});

describe('PopbillAccountCheckClient against the stub', () => {
  it('names the holder of an account the bank knows, with the result and the check time', async () => {
    const { clients, clock } = await setUp();
    const check = await clients.accountCheck.check({
      bankCode: '004',
      accountNumber: '12345678901234',
    });
    expect(check).toEqual({
      found: true,
      holderName: '홍길동',
      result: '0000',
      resultMessage: '정상',
      checkedAt: new Date(clock.now()),
    });
  });

  it('answers "not found" for an unknown account: an answer, not an error', async () => {
    const { clients } = await setUp();
    const check = await clients.accountCheck.check({ bankCode: '088', accountNumber: '1' });
    expect(check).toMatchObject({ found: false, holderName: undefined, result: '0001' });
  });

  it('is refused with the code when the member is out of points', async () => {
    const { clients } = await setUp({}, { points: 5 });
    const error = await clients.accountCheck
      .check({ bankCode: '004', accountNumber: '12345678901234' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.outOfPoints) });
  });

  it('rejects an account number that is not digits before asking', async () => {
    const { clients, stub } = await setUp();
    await expect(
      clients.accountCheck.check({ bankCode: '004', accountNumber: '1234-5678' }),
    ).rejects.toThrow(RangeError);
    expect(stub.tokenRequests).toBe(0);
  });

  it('retries a lookup that timed out (a lookup changes nothing) and answers', async () => {
    const { clients, stub, records } = await setUp();
    stub.control({ hang: { path: '/EasyFin', times: 1 } });
    const check = await clients.accountCheck.check({
      bankCode: '004',
      accountNumber: '12345678901234',
    });
    expect(check.found).toBe(true);
    expect(records.at(-1)).toMatchObject({ operation: 'account.check', attempts: 2 });
  });

  it('answers timeout when the bank never answers', async () => {
    const { clients, stub } = await setUp();
    stub.control({ hang: { path: '/EasyFin' } });
    await expect(
      clients.accountCheck.check({ bankCode: '004', accountNumber: '12345678901234' }),
    ).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it('answers bad response to a malformed answer', async () => {
    const { clients, stub } = await setUp();
    stub.control({ malformed: { path: '/EasyFin' } });
    await expect(
      clients.accountCheck.check({ bankCode: '004', accountNumber: '12345678901234' }),
    ).rejects.toBeInstanceOf(ProviderBadResponseError);
  });

  it('answers bad response to an answer without a result', async () => {
    const { clients, stub } = await setUp();
    stub.control({ fail: { path: '/EasyFin', status: 200, body: { accountName: '홍길동' } } });
    await expect(
      clients.accountCheck.check({ bankCode: '004', accountNumber: '12345678901234' }),
    ).rejects.toBeInstanceOf(ProviderBadResponseError);
  });
});
