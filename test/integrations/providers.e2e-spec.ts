import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NtsStub, startNtsStub } from '../../src/integrations/nts/nts-stub.js';
import { STUB_SERVICE_KEY } from '../../src/integrations/nts/nts-stub-fixtures.js';
import {
  STUB_CORP_NUM,
  STUB_LINK_ID,
  STUB_SECRET_KEY,
  STUB_SENDER_NUMBERS,
} from '../../src/integrations/popbill/stub/popbill-stub-fixtures.js';
import {
  type PopbillStub,
  startPopbillStub,
} from '../../src/integrations/popbill/stub/popbill-stub.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The provider ports bound from configuration to the real clients, through the API, against the
 * stubs (aws mode with Popbill and NTS configured, as a deployment is).
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-1', ['operator']);
const owner = mint.access('biz-owner', ['business']);

interface Profile {
  bankAccount: {
    verified: boolean;
    method: string | null;
    holderMatchesLegalName: boolean;
    lastCheck: { result: string; resultMessage: string } | null;
  } | null;
}

describe('provider ports through the API, against the Popbill and NTS stubs', () => {
  let popbill: PopbillStub;
  let nts: NtsStub;
  let api: TestApi;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    callApi(api, method, path, token, body);

  beforeAll(async () => {
    popbill = await startPopbillStub();
    nts = await startNtsStub();
    api = await startTestApi({
      env: {
        POPBILL_LINK_ID: STUB_LINK_ID,
        POPBILL_SECRET_KEY: STUB_SECRET_KEY,
        POPBILL_CORP_NUM: STUB_CORP_NUM,
        POPBILL_SERVICE_ID: 'POPBILL_TEST',
        POPBILL_SENDER_NUMBER: STUB_SENDER_NUMBERS[0]!,
        POPBILL_AUTH_URL: popbill.url,
        POPBILL_API_URL: popbill.url,
        NTS_BASE_URL: nts.baseUrl,
        NTS_SERVICE_KEY: STUB_SERVICE_KEY,
      },
    });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  });
  afterAll(async () => {
    await api?.close();
    await popbill?.close();
    await nts?.close();
  });

  async function workerWithAccount(id: string, number: string, bankCode = '004') {
    const token = mint.access(id, ['worker']);
    const profile = { legalName: '홍길동', birthDate: '1990-01-01', phone: '010-1234-5678' };
    expect((await call('PUT', '/workers/me', token, profile)).status).toBe(200);
    const account = { bankCode, number, holderName: '홍길동' };
    expect((await call('PUT', '/workers/me/bank-account', token, account)).status).toBe(200);
    return token;
  }

  it('verifies a payout account the bank knows through Popbill 예금주 조회', async () => {
    const token = await workerWithAccount('worker-hong', '1234-5678-901234');
    const response = await call('POST', '/workers/me/bank-account/verify', token);
    expect(response.status).toBe(200);
    const { bankAccount } = (await response.json()) as Profile;
    expect(bankAccount).toMatchObject({
      verified: true,
      method: 'popbill',
      holderMatchesLegalName: true,
      lastCheck: { result: '0000' },
    });
    expect(api.logs.text()).not.toContain('12345678901234');
  });

  it('leaves an account the bank does not know unverified, with the bank’s answer', async () => {
    const token = await workerWithAccount('worker-nobody', '999-999-999');
    const response = await call('POST', '/workers/me/bank-account/verify', token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Profile).bankAccount).toMatchObject({
      verified: false,
      lastCheck: { result: '0001' },
    });
  });

  it('asks the bank at registration; when Popbill fails the account stays unverified with no check, and the verify route asks again', async () => {
    const token = mint.access('worker-retry', ['worker']);
    const profile = { legalName: '홍길동', birthDate: '1990-01-01', phone: '010-1234-5678' };
    expect((await call('PUT', '/workers/me', token, profile)).status).toBe(200);
    // Three failures: the gateway's attempts at one lookup (a lookup may be repeated).
    popbill.control({ fail: { path: '/EasyFin', status: 500, body: {}, times: 3 } });
    const account = { bankCode: '088', number: '110-123-456789', holderName: '홍길동' };
    const registered = await call('PUT', '/workers/me/bank-account', token, account);

    // The registration stands; only the check failed, and nothing holds the retry back.
    expect(registered.status).toBe(200);
    expect(((await registered.json()) as Profile).bankAccount).toMatchObject({
      verified: false,
      lastCheck: null,
    });
    const retried = await call('POST', '/workers/me/bank-account/verify', token);
    expect(((await retried.json()) as Profile).bankAccount).toMatchObject({ verified: true });
  });

  it('checks a business at the NTS: status, tax type, and the authenticity match verifies it', async () => {
    const created = await call('POST', '/businesses', owner, {
      businessNumber: '124-81-00998',
      name: '테스트상회',
      representativeName: '김대표',
      openingDate: '1969-01-13',
      address: '서울특별시 중구 세종대로 110',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const checked = await call('POST', `/operator/businesses/${id}/nts-check`, operator, {
      validate: true,
    });
    expect(checked.status).toBe(200);
    expect(await checked.json()).toMatchObject({
      ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자', source: 'nts' },
      verification: { verified: true, method: 'nts' },
    });
  });

  it('stores a closed business as closed', async () => {
    const created = await call('POST', '/businesses', mint.access('biz-2', ['business']), {
      businessNumber: '220-81-00035',
      name: '폐업상회',
      representativeName: '오폐업',
      openingDate: '2015-05-01',
      address: '서울특별시 중구 세종대로 110',
    });
    const { id } = (await created.json()) as { id: string };
    const checked = await call('POST', `/operator/businesses/${id}/nts-check`, operator, {});
    expect(await checked.json()).toMatchObject({ ntsStatus: { status: 'closed', source: 'nts' } });
  });

  it('shows each provider gateway in /health/ready, informational only: its circuit and counters', async () => {
    const ready = await fetch(`${api.url}/health/ready`);
    const body = (await ready.json()) as {
      status: string;
      providers?: { provider: string; circuit: string; calls: number; errors: number }[];
    };
    expect(ready.status).toBe(200);
    // clamav too: aws mode scans uploads with clamd (not called here).
    expect(body.providers?.map((p) => p.provider)).toEqual(['clamav', 'nts', 'popbill']);
    // The tests above called both, and Popbill failed three times before a lookup succeeded.
    const popbillState = body.providers?.find((p) => p.provider === 'popbill');
    expect(popbillState).toMatchObject({ circuit: 'closed' });
    expect(popbillState!.calls).toBeGreaterThan(0);
    expect(popbillState!.errors).toBeGreaterThan(0);
  });
});
