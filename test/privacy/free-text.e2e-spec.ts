import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { registerBusiness } from '../support/marketplace.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * Free text never stores a registration, card or account number: the request is a 422 naming
 * the field and the kind, the value is not echoed anywhere, and nothing is written.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('owner-free-text', ['business']);
const operator = mint.access('op-free-text', ['operator']);

const RRN = '900101-1234567';
const FRN = '900101-5234567';
const CARD = '4111 1111 1111 1111';
const ACCOUNT = '110-123-456789';
const YEAR = new Date().getUTCFullYear() + 1;

let api: TestApi;
let db: Database;
let businessId: string;

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  businessId = await registerBusiness(api, owner, { name: '행복베이커리' });
});
afterAll(() => api?.close());

function call(method: string, path: string, token: string, body: unknown) {
  return fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function shift(overrides: Record<string, unknown> = {}) {
  return {
    title: '주말 매장 정리',
    description: '문의 02-555-0123',
    startsAt: `${YEAR}-03-10T09:00:00+09:00`,
    endsAt: `${YEAR}-03-10T18:00:00+09:00`,
    place: {
      address: '서울 강남구 테헤란로 152',
      regionCode: '1168010100',
      lat: 37.5,
      lng: 127.04,
    },
    headcount: 2,
    hourlyPayKrw: 12_000,
    ...overrides,
  };
}

async function snapshot() {
  const names = ['shifts', 'businesses', 'privacy_access_records', 'idempotency_keys'];
  return Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [name, await db.collection(name).find({}).toArray()] as const),
    ),
  );
}

async function expectRefused(response: Response, field: string, kind: string, planted: string) {
  const text = await response.text();
  expect(response.status, text).toBe(422);
  const problem = JSON.parse(text) as { code: string; errors: unknown[] };
  expect(problem.code).toBe('personal_data_in_free_text');
  expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', field, kind })]);
  expect(text).not.toContain(planted);
  expect(text).not.toContain(planted.replace(/[- ]/g, ''));
}

describe('personal data in free text', () => {
  it.each([
    ['a shift description', 'description', RRN, 'resident_registration_number'],
    ['a shift title', 'title', CARD, 'card_number'],
    ['a shift address', 'place.address', ACCOUNT, 'bank_account_number'],
    ['a shift description (foreigner)', 'description', FRN, 'foreigner_registration_number'],
  ])('refuses %s holding one and writes nothing', async (_name, field, planted, kind) => {
    const before = await snapshot();
    const body =
      field === 'place.address'
        ? shift({ place: { ...shift().place, address: `강남구 ${planted}` } })
        : shift({ [field]: `연락 ${planted}` });
    const response = await call('POST', `/businesses/${businessId}/shifts`, owner, body);
    await expectRefused(response, field, kind, planted);
    expect(await snapshot()).toEqual(before);
    expect(api.logs.text()).not.toContain(planted);
  });

  it('refuses a business name, a block reason and an operator reason holding one', async () => {
    const before = await snapshot();
    await expectRefused(
      await call('PATCH', `/businesses/${businessId}`, owner, { name: `가게 ${ACCOUNT}` }),
      'name',
      'bank_account_number',
      ACCOUNT,
    );
    await expectRefused(
      await call('PUT', `/businesses/${businessId}/blocked-workers/worker-kim`, owner, {
        reason: `주민번호 ${RRN} 확인`,
      }),
      'reason',
      'resident_registration_number',
      RRN,
    );
    await expectRefused(
      await call('POST', '/operator/members/worker-kim/reveal', operator, {
        fields: ['phone'],
        reason: `카드 ${CARD} 분실 문의`,
      }),
      'reason',
      'card_number',
      CARD,
    );
    expect(await snapshot()).toEqual(before);
  });

  it("takes a business's own phone and email in a shift description", async () => {
    const response = await call(
      'POST',
      `/businesses/${businessId}/shifts`,
      owner,
      shift({ description: '문의 02-555-0123 또는 help@bakery.kr' }),
    );
    expect(response.status).toBe(201);
  });

  it('answers 400 with every issue when free text holds one and another field is malformed', async () => {
    const response = await call(
      'POST',
      `/businesses/${businessId}/shifts`,
      owner,
      shift({ description: `연락 ${RRN}`, headcount: 0 }),
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { field: string; code: string }[] };
    expect(problem.errors.map((e) => [e.field, e.code]).sort()).toEqual([
      ['description', 'personal_data_in_free_text'],
      ['headcount', 'too_small'],
    ]);
  });

  it('refuses a qualification code that is not in the catalogue, an RRN-shaped one included', async () => {
    const response = await call(
      'POST',
      `/businesses/${businessId}/shifts`,
      owner,
      shift({ requiredQualifications: ['900101-1234567'] }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('900101');
  });
});
