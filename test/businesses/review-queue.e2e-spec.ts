import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { registerBusiness } from '../support/marketplace.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The operators' verification queue of businesses: registrations no one has decided yet, oldest
 * first, leaving the queue on a decision (verify, refuse, or the NTS check) and coming back with
 * new evidence (another registration certificate). Masked and recorded as a read.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-bq', ['operator']);
const owners = [mint.access('bq-owner-1', ['business']), mint.access('bq-owner-2', ['business'])];

let api: TestApi;
let db: Database;
const ids: string[] = [];

const call = (method: string, path: string, token: string, body?: unknown) =>
  callApi(api, method, path, token, body);

interface Page {
  items: {
    businessId: string;
    since: string;
    name: string;
    businessNumber: string | null;
    representativeName: string | null;
    registrationCertificateFileId: string | null;
    ntsStatus: { status: string } | null;
  }[];
  next: string | null;
}

async function queue(query = ''): Promise<Page> {
  const response = await call('GET', `/operator/businesses/review-queue?${query}`, operator);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Page;
}

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  for (const owner of owners) ids.push(await registerBusiness(api, owner));
});
afterAll(() => api?.close());

describe('the businesses’ review queue', () => {
  it('lists the registrations no one has decided, oldest first, masked, and records the read', async () => {
    const page = await queue();

    expect(page.items.map((i) => i.businessId)).toEqual(ids);
    expect(page.items[0]!.businessNumber).toMatch(/\*/);
    expect(page.items[0]!.representativeName).toBe('홍*동');
    expect(page.next).toBeNull();
    expect(await lastAccessRecord(db)).toMatchObject({
      action: 'read',
      dataset: 'businesses',
      subjects: ids,
    });
  });

  it('pages with `after`', async () => {
    const first = await queue('limit=1');
    expect(first.items.map((i) => i.businessId)).toEqual([ids[0]]);
    const second = await queue(`limit=1&after=${encodeURIComponent(first.next!)}`);
    expect(second.items.map((i) => i.businessId)).toEqual([ids[1]]);
    expect(second.next).toBeNull();
  });

  it('lets a decision take a registration off the queue: a verification, or a refusal once', async () => {
    const decide = (id: string, action: 'verify' | 'revoke') =>
      call('POST', `/operator/businesses/${id}/verification`, operator, {
        action,
        evidence: '사업자등록증 사본 확인, ticket 88',
        ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
        reason: '가입 심사',
      });
    expect((await decide(ids[0]!, 'verify')).status).toBe(200);
    const refused = await call('POST', `/operator/businesses/${ids[1]!}/verification`, operator, {
      action: 'revoke',
      evidence: '사업자등록증 사본이 흐려 읽을 수 없음, ticket 89',
      reason: '서류 재제출 요청',
    });
    expect(refused.status, await refused.clone().text()).toBe(200);

    expect((await queue()).items).toEqual([]);
    const again = await call('POST', `/operator/businesses/${ids[1]!}/verification`, operator, {
      action: 'revoke',
      evidence: 'ticket 90',
      reason: '중복',
    });
    expect(again.status).toBe(409);
  });

  it('is for operators, and refuses a cursor that is not one', async () => {
    expect((await call('GET', '/operator/businesses/review-queue', owners[0]!)).status).toBe(403);
    expect((await call('GET', '/operator/businesses/review-queue?after=x', operator)).status).toBe(
      400,
    );
  });
});
