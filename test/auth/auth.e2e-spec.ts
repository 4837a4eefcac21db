import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWithCognito, type CognitoApi } from '../support/cognito-api.js';
import type { TestApi } from '../support/test-api.js';

/** Meets the pool's policy: 8+ characters, upper, lower, number, symbol. */
const PASSWORD = 'Shift-Work1';
const MAX_FAILURES_PER_USERNAME = 3;

let harness: CognitoApi;
let api: TestApi;
let emails = 0;

beforeAll(async () => {
  harness = await startApiWithCognito({
    env: {
      LOGIN_THROTTLE_MAX_PER_USERNAME: String(MAX_FAILURES_PER_USERNAME),
      // Every request of this file comes from 127.0.0.1; the per-IP limit has its own test.
      LOGIN_THROTTLE_MAX_PER_IP: '1000',
      LOG_LEVEL: 'debug',
    },
  });
  api = harness.api;
});

afterAll(() => harness?.close());

function newEmail(): string {
  emails += 1;
  return `worker${emails}.${process.pid}@example.com`;
}

function send(method: string, route: string, body?: unknown, token?: string) {
  return fetch(`${api.url}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const post = (route: string, body?: unknown, token?: string) => send('POST', route, body, token);

const codeFor = (userId: string) => harness.codeFor(userId);

async function signUpConfirmed(email: string, role: 'worker' | 'business' = 'worker') {
  const signUp = await post('/auth/sign-up', {
    email,
    password: PASSWORD,
    phone: '010-1234-5678',
    role,
  });
  expect(signUp.status).toBe(201);
  const { userId } = (await signUp.json()) as { userId: string };
  const confirm = await post('/auth/confirm', { email, code: codeFor(userId) });
  expect(confirm.status).toBe(200);
  return userId;
}

async function login(email: string, password = PASSWORD) {
  const response = await post('/auth/login', { email, password });
  expect(response.status).toBe(200);
  return (await response.json()) as { accessToken: string; refreshToken: string; idToken: string };
}

/** A problem without the parts that differ per request. */
async function problemBody(response: Response) {
  const {
    requestId: _requestId,
    instance: _instance,
    ...rest
  } = (await response.json()) as Record<string, unknown>;
  return rest;
}

describe('a worker signs up, confirms, signs in and out', () => {
  it('runs sign-up → confirm → login → /me → refresh → logout, and the old token is refused', async () => {
    const email = newEmail();
    const signUp = await post('/auth/sign-up', {
      email,
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
    });
    expect(signUp.status).toBe(201);
    const created = (await signUp.json()) as { userId: string; delivery: { destination: string } };
    expect(created.delivery.destination).toBe('wo***@example.com');

    const wrongCode = await post('/auth/confirm', { email, code: '000000' });
    expect(wrongCode.status).toBe(400);
    expect(((await wrongCode.json()) as { code: string }).code).toBe('invalid_code');

    const confirm = await post('/auth/confirm', { email, code: codeFor(created.userId) });
    expect(confirm.status).toBe(200);

    const tokens = await login(email);
    expect(tokens.refreshToken).toBeTruthy();

    const me = await send('GET', '/me', undefined, tokens.accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      id: created.userId,
      role: 'worker',
      status: 'active',
      email: 'wo***@example.com',
      phone: '010-****-5678',
    });

    const refreshed = await post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const { accessToken: fresh } = (await refreshed.json()) as { accessToken: string };
    expect((await send('GET', '/me', undefined, fresh)).status).toBe(200);

    const logout = await post('/auth/logout', undefined, tokens.accessToken);
    expect(logout.status).toBe(204);

    const after = await send('GET', '/me', undefined, tokens.accessToken);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe('token_revoked');
    expect((await send('GET', '/me', undefined, fresh)).status).toBe(401);
    // Global sign-out: the refresh token is dead too.
    const refreshAfter = await post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshAfter.status).toBe(401);
  });

  it('refuses /me, logout and account deletion without a token', async () => {
    expect((await send('GET', '/me')).status).toBe(401);
    expect((await post('/auth/logout')).status).toBe(401);
    expect((await send('DELETE', '/me')).status).toBe(401);
  });

  it('refuses a login before the account is confirmed with 403 not_confirmed', async () => {
    const email = newEmail();
    await post('/auth/sign-up', {
      email,
      password: PASSWORD,
      phone: '01012345678',
      role: 'business',
    });

    const response = await post('/auth/login', { email, password: PASSWORD });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('not_confirmed');
  });

  it('answers a second sign-up with the same email with 409 account_exists', async () => {
    const email = newEmail();
    await signUpConfirmed(email);

    const again = await post('/auth/sign-up', {
      email,
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
    });

    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('account_exists');
  });

  it('changes the password: the old one stops working, the new one signs in', async () => {
    const email = newEmail();
    await signUpConfirmed(email);
    const { accessToken } = await login(email);

    const wrong = await post(
      '/auth/change-password',
      { currentPassword: 'Not-the-one1', newPassword: 'Other-Pass2' },
      accessToken,
    );
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { code: string }).code).toBe('wrong_password');

    const changed = await post(
      '/auth/change-password',
      { currentPassword: PASSWORD, newPassword: 'Other-Pass2' },
      accessToken,
    );
    expect(changed.status).toBe(200);
    expect((await post('/auth/login', { email, password: PASSWORD })).status).toBe(401);
    await login(email, 'Other-Pass2');
  });

  it('resets a forgotten password with the emailed code', async () => {
    const email = newEmail();
    const userId = await signUpConfirmed(email);

    const forgot = await post('/auth/forgot-password', { email });
    expect(forgot.status).toBe(202);
    const reset = await post('/auth/confirm-forgot-password', {
      email,
      code: codeFor(userId),
      password: 'Reset-Pass3',
    });
    expect(reset.status).toBe(200);

    await login(email, 'Reset-Pass3');
  });

  it('answers forgot-password for an unknown email exactly as for a known one', async () => {
    const response = await post('/auth/forgot-password', { email: 'nobody.here@example.com' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted' });
  });

  it('resends the sign-up code: the new code confirms the account', async () => {
    const email = newEmail();
    const signUp = await post('/auth/sign-up', {
      email,
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
    });
    const { userId } = (await signUp.json()) as { userId: string };
    const first = codeFor(userId);

    const resent = await post('/auth/resend-code', { email });

    expect(resent.status).toBe(202);
    expect(await resent.json()).toEqual({ status: 'accepted' });
    const second = codeFor(userId);
    expect(harness.cognitoLines.filter((l) => l.includes(`for user ${userId} `))).toHaveLength(2);
    if (second !== first) {
      expect((await post('/auth/confirm', { email, code: first })).status).toBe(400);
    }
    expect((await post('/auth/confirm', { email, code: second })).status).toBe(200);
    await login(email);
  });

  it('answers resend-code alike for an unknown email, a confirmed account and an unconfirmed one', async () => {
    const confirmed = newEmail();
    await signUpConfirmed(confirmed);
    const unconfirmed = newEmail();
    await post('/auth/sign-up', {
      email: unconfirmed,
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
    });

    const answers = await Promise.all(
      [newEmail(), confirmed, unconfirmed].map(async (email) => {
        const response = await post('/auth/resend-code', { email });
        return { status: response.status, body: (await response.json()) as unknown };
      }),
    );

    expect(answers).toEqual([
      { status: 202, body: { status: 'accepted' } },
      { status: 202, body: { status: 'accepted' } },
      { status: 202, body: { status: 'accepted' } },
    ]);
  });

  it('deletes the account: tokens refused, sign-in impossible, profile kept as withdrawn', async () => {
    const email = newEmail();
    await signUpConfirmed(email);
    const { accessToken } = await login(email);

    const deleted = await send('DELETE', '/me', undefined, accessToken);
    expect(deleted.status).toBe(204);

    expect((await send('GET', '/me', undefined, accessToken)).status).toBe(401);
    const again = await post('/auth/login', { email, password: PASSWORD });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe('invalid_credentials');
  });
});

describe('bad input and attacks', () => {
  it('refuses a weak password with 400 naming the policy', async () => {
    const response = await post('/auth/sign-up', {
      email: newEmail(),
      password: 'password',
      phone: '010-1234-5678',
      role: 'worker',
    });

    expect(response.status).toBe(400);
    const problem = (await response.json()) as {
      code: string;
      errors: Array<{ field: string; message: string }>;
    };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([
      expect.objectContaining({
        field: 'password',
        message: expect.stringContaining(
          'at least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol',
        ),
      }),
    ]);
  });

  it('answers an unknown user and a wrong password with the same 401', async () => {
    const email = newEmail();
    await signUpConfirmed(email);

    const unknown = await post('/auth/login', { email: newEmail(), password: PASSWORD });
    const wrong = await post('/auth/login', { email, password: 'Wrong-Pass9' });

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await problemBody(unknown), await problemBody(wrong)];
    expect(a).toEqual(b);
    expect(a.code).toBe('invalid_credentials');
  });

  it('answers 429 with Retry-After after too many failed logins for one username, even with the right password', async () => {
    const email = newEmail();
    await signUpConfirmed(email);
    for (let i = 0; i < MAX_FAILURES_PER_USERNAME; i += 1) {
      expect((await post('/auth/login', { email, password: `Wrong-Pass${i}` })).status).toBe(401);
    }

    const throttled = await post('/auth/login', { email, password: PASSWORD });

    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled.json()) as { code: string }).code).toBe('too_many_failed_logins');
  });

  it('clears the username count on a successful login', async () => {
    const email = newEmail();
    await signUpConfirmed(email);
    for (let i = 0; i < MAX_FAILURES_PER_USERNAME - 1; i += 1) {
      await post('/auth/login', { email, password: `Wrong-Pass${i}` });
    }
    await login(email);

    for (let i = 0; i < MAX_FAILURES_PER_USERNAME - 1; i += 1) {
      expect((await post('/auth/login', { email, password: `Wrong-Pass${i}` })).status).toBe(401);
    }
    await login(email);
  });

  it('throttles resend-code per email with 429, the same for an unknown email as for an account', async () => {
    const unconfirmed = newEmail();
    await post('/auth/sign-up', {
      email: unconfirmed,
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
    });
    for (const email of [newEmail(), unconfirmed]) {
      for (let i = 0; i < MAX_FAILURES_PER_USERNAME; i += 1) {
        expect((await post('/auth/resend-code', { email })).status).toBe(202);
      }

      const throttled = await post('/auth/resend-code', { email });

      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await throttled.json()) as { code: string }).code).toBe('too_many_code_requests');
    }
  });

  it('throttles forgot-password per email the same way, the same for an unknown email', async () => {
    const email = newEmail();
    for (let i = 0; i < MAX_FAILURES_PER_USERNAME; i += 1) {
      expect((await post('/auth/forgot-password', { email })).status).toBe(202);
    }

    const throttled = await post('/auth/forgot-password', { email });

    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as { code: string }).code).toBe('too_many_code_requests');
  });

  it.each([
    ['no email', {}],
    ['a malformed email', { email: 'not-an-email' }],
    ['an unknown field', { email: 'a@example.com', code: '123456' }],
  ])('refuses a resend-code body with %s with 400', async (_case, body) => {
    const response = await post('/auth/resend-code', body);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('validation_failed');
  });

  it.each([
    ['an unknown field', { email: 'a@example.com', password: PASSWORD, admin: true }],
    ['a malformed email', { email: 'not-an-email', password: PASSWORD }],
    ['a missing password', { email: 'a@example.com' }],
  ])('refuses a login body with %s with 400', async (_case, body) => {
    const response = await post('/auth/login', body);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('validation_failed');
  });

  it.each([
    ['a role that cannot sign up', { role: 'admin' }],
    ['a phone that is not a Korean mobile number', { phone: '12345' }],
  ])('refuses a sign-up with %s with 400', async (_case, override) => {
    const response = await post('/auth/sign-up', {
      email: newEmail(),
      password: PASSWORD,
      phone: '010-1234-5678',
      role: 'worker',
      ...override,
    });

    expect(response.status).toBe(400);
  });
});

describe('personal data', () => {
  // Runs last: by now every flow above has logged what it logs, at debug level.
  it('keeps emails, phone numbers and passwords out of the logs', () => {
    const logs = api.logs.text();

    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toMatch(/worker\d+\.\d+@example\.com/);
    expect(logs).not.toMatch(/1012345678|1234-5678/);
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('Wrong-Pass');
  });
});
