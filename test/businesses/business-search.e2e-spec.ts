import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { businessNumber, registerBusiness } from '../support/marketplace.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * Operators find a business by its registration number (사업자등록번호), written any way a person
 * writes it: through the number's blind index (the number is stored encrypted), masked, and the
 * lookup recorded as a read of the business found. The number travels in the body, never a URL.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-bsearch', ['operator']);
const owner = mint.access('bsearch-owner', ['business']);

let api: TestApi;
let db: Database;
let id: string;
/** A serial far from those the helper numbers registrations with (1, 2, …). */
const number = businessNumber(7_777);

interface Found {
  items: { id: string; name: string; businessNumber: string | null; history: unknown[] }[];
}

const search = (body: unknown, token = operator) =>
  callApi(api, 'POST', '/operator/businesses/search', token, body);

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  id = await registerBusiness(api, owner, { businessNumber: number });
  await registerBusiness(api, owner);
});
afterAll(() => api?.close());

describe('finding a business by its registration number', () => {
  it('finds it written with dashes, without, or with spaces, masked, and records the read', async () => {
    const digits = number.replaceAll('-', '');
    for (const written of [
      number,
      digits,
      `${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`,
    ]) {
      const response = await search({ businessNumber: written });
      expect(response.status, await response.clone().text()).toBe(200);
      const found = (await response.json()) as Found;
      expect(found.items.map((b) => b.id)).toEqual([id]);
      expect(found.items[0]!.businessNumber).toMatch(/\*/);
      expect(found.items[0]!.history).toEqual([]);
    }
    expect(await lastAccessRecord(db)).toMatchObject({
      action: 'read',
      dataset: 'businesses',
      subjects: [id],
    });
  });

  it('answers an empty list for a valid number no business holds, and records nothing', async () => {
    const before = await lastAccessRecord(db);
    const found = (await (await search({ businessNumber: businessNumber(9_876) })).json()) as Found;
    expect(found.items).toEqual([]);
    expect(await lastAccessRecord(db)).toEqual(before);
  });

  it('refuses a number with a wrong check digit or the wrong shape, without echoing it', async () => {
    const digits = number.replaceAll('-', '');
    const wrong = `${digits.slice(0, 9)}${String((Number(digits[9]) + 1) % 10)}`;
    const refused = await search({ businessNumber: wrong });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { code: string };
    expect(problem.code).toBe('invalid_business_number');
    expect(JSON.stringify(problem)).not.toContain(wrong);

    for (const body of [{ businessNumber: '12-34' }, {}, { businessNumber: number, extra: 1 }]) {
      expect((await search(body)).status).toBe(400);
    }
  });

  it('is for operators', async () => {
    expect((await search({ businessNumber: number }, owner)).status).toBe(403);
  });
});
