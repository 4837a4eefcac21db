import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixturesModule } from '../support/fixtures.module.js';
import { startApiWithCognito, type CognitoApi } from '../support/cognito-api.js';
import { PLANTED, plantedIn, plantedQuery } from '../support/planted.js';
import type { TestApi } from '../support/test-api.js';

/**
 * Personal data planted in every place a request can carry it (bodies, query strings, headers,
 * error messages), through the real app at LOG_LEVEL=debug: none of it may reach a log line raw.
 */
const PASSWORD = 'Shift-Work1';

let harness: CognitoApi;
let api: TestApi;

beforeAll(async () => {
  harness = await startApiWithCognito({
    modules: [FixturesModule],
    env: {
      LOGIN_THROTTLE_MAX_PER_IP: '1000',
      ENABLE_ACCESS_LOG: 'true',
      LOG_LEVEL: 'debug',
    },
  });
  api = harness.api;
});

afterAll(() => harness?.close());

const query = plantedQuery;

const PLANTED_HEADERS = {
  'x-contact-phone': PLANTED.phone,
  'x-contact-email': PLANTED.email,
  'x-registration': PLANTED.rrn,
  'x-account': PLANTED.accountDigits,
  'user-agent': `careless-client (${PLANTED.phoneDigits})`,
};

function send(method: string, route: string, body?: unknown, token?: string) {
  return fetch(`${api.url}${route}`, {
    method,
    headers: {
      ...PLANTED_HEADERS,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const codeFor = (userId: string) => harness.codeFor(userId);

describe('no personal data in logs', () => {
  it('runs the flows with planted personal data', async () => {
    // Sign-up, confirmation, login, the member's own page, failed logins, password reset.
    const signUp = await send('POST', `/auth/sign-up?${query()}`, {
      email: PLANTED.email,
      password: PASSWORD,
      phone: PLANTED.phoneIntl,
      role: 'worker',
    });
    expect(signUp.status).toBe(201);
    const { userId } = (await signUp.json()) as { userId: string };
    const confirm = await send('POST', '/auth/confirm', {
      email: PLANTED.email,
      code: codeFor(userId),
    });
    expect(confirm.status).toBeLessThan(300);
    const login = await send('POST', `/auth/login?${query()}`, {
      email: PLANTED.email,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect((await send('GET', `/me?${query()}`, undefined, accessToken)).status).toBe(200);
    expect(
      (await send('POST', '/auth/login', { email: PLANTED.email, password: 'Wrong-Pass9' })).status,
    ).toBe(401);
    expect((await send('POST', '/auth/forgot-password', { email: PLANTED.email })).status).toBe(
      202,
    );

    // Invalid bodies (400) carrying the values in fields and in unknown fields.
    const invalid = await send('POST', `/fixtures/things?${query()}`, {
      name: PLANTED.phone,
      count: PLANTED.rrn,
      [PLANTED.email]: PLANTED.account,
    });
    expect(invalid.status).toBe(400);
    const invalidSignUp = await send('POST', '/auth/sign-up', {
      email: PLANTED.phone,
      password: PLANTED.rrn,
      phone: PLANTED.email,
      role: PLANTED.account,
    });
    expect(invalidSignUp.status).toBe(400);

    // A handler that logs its input and fails with an error quoting it (500).
    const careless = await send('POST', `/fixtures/careless?${query()}`, {
      note: `call ${PLANTED.phone} or ${PLANTED.phoneDigits}, mail ${PLANTED.email}`,
      member: { rrn: PLANTED.rrnDigits, contact: [PLANTED.phoneIntl] },
      bank: `refund to ${PLANTED.account} (${PLANTED.accountDigits})`,
    });
    expect(careless.status).toBe(500);
    expect((await send('GET', `/fixtures/boom?${query()}`)).status).toBe(500);
    expect((await send('GET', `/no-such-route/${PLANTED.phoneDigits}?${query()}`)).status).toBe(
      404,
    );
  });

  it('finds none of the planted values raw in any log line', () => {
    const lines = api.logs.raw;
    // The flows did log, debug included, and the careless handler's lines are there masked.
    expect(lines.some((line) => line.includes('"level":"debug"'))).toBe(true);
    const careless = lines.filter((line) => line.includes('careless handler'));
    expect(careless.length).toBeGreaterThanOrEqual(3);
    expect(careless.join('\n')).toContain('010-****-5432');
    expect(careless.join('\n')).toContain('850315-1******');
    expect(plantedIn(lines)).toEqual([]);
  });
});
