import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/platform/auth/generate-password.js';
import { StaffAccounts } from '../../src/modules/auth/staff-accounts.js';
import { startApiWithCognito, staffAccountsOf, type CognitoApi } from '../support/cognito-api.js';

/**
 * ISMS-P: a staff account is created with a temporary password (FORCE_CHANGE_PASSWORD), and no
 * staff route answers until its owner has set a password of their own.
 */
let harness: CognitoApi;
let staff: StaffAccounts;

beforeAll(async () => {
  harness = await startApiWithCognito({
    env: { LOGIN_THROTTLE_MAX_PER_USERNAME: '50', LOGIN_THROTTLE_MAX_PER_IP: '1000' },
  });
  // What `cli members create-staff` runs, on the app's own members service.
  staff = staffAccountsOf(harness.api);
});

afterAll(() => harness?.close());

function post(route: string, body?: unknown, token?: string) {
  return fetch(`${harness.api.url}${route}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function newOperator(email: string) {
  const temporary = generatePassword();
  await staff.create({ email, role: 'operator', temporaryPassword: temporary });
  return temporary;
}

describe('the first sign-in of a staff account', () => {
  it('answers the temporary password with 403 new_password_required and a session, never with tokens', async () => {
    const temporary = await newOperator('ops.first@example.com');

    const login = await post('/auth/login', {
      email: 'ops.first@example.com',
      password: temporary,
    });

    expect(login.status).toBe(403);
    expect(login.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await login.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ code: 'new_password_required', session: expect.any(String) });
    expect(problem).not.toHaveProperty('accessToken');
  });

  it('serves staff routes only after the new password is set, with the session of that sign-in', async () => {
    const email = 'ops.second@example.com';
    const temporary = await newOperator(email);
    const { session } = (await (
      await post('/auth/login', { email, password: temporary })
    ).json()) as {
      session: string;
    };

    expect((await post('/operator/members/search', {})).status).toBe(401);
    const invented = await post('/auth/complete-new-password', {
      email,
      session: 'invented-session',
      newPassword: 'Mine-passw0rd!',
    });
    expect(invented.status).toBe(401);
    expect(((await invented.json()) as { code: string }).code).toBe('invalid_session');
    const weak = await post('/auth/complete-new-password', { email, session, newPassword: 'weak' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { code: string }).code).toBe('validation_failed');

    const done = await post('/auth/complete-new-password', {
      email,
      session,
      newPassword: 'Mine-passw0rd!',
    });

    expect(done.status).toBe(200);
    const tokens = (await done.json()) as { accessToken: string; refreshToken: string };
    expect(tokens.refreshToken).toBeTruthy();
    expect((await post('/operator/members/search', {}, tokens.accessToken)).status).toBe(200);
    // The temporary password is spent; the chosen one signs in directly.
    const again = await post('/auth/login', { email, password: temporary });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe('invalid_credentials');
    expect((await post('/auth/login', { email, password: 'Mine-passw0rd!' })).status).toBe(200);
  });

  it('answers a wrong temporary password with the same 401 as an unknown email', async () => {
    await newOperator('ops.third@example.com');

    const wrong = await post('/auth/login', {
      email: 'ops.third@example.com',
      password: 'Guess-passw0rd!',
    });
    const unknown = await post('/auth/login', {
      email: 'nobody.staff@example.com',
      password: 'Guess-passw0rd!',
    });

    expect(wrong.status).toBe(401);
    const strip = ({ requestId: _r, instance: _i, ...rest }: Record<string, unknown>) => rest;
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(
      strip((await unknown.json()) as Record<string, unknown>),
    );
  });

  it.each([
    ['no session', { email: 'a@example.com', newPassword: 'Mine-passw0rd!' }],
    [
      'an unknown field',
      { email: 'a@example.com', session: 's', newPassword: 'Mine-passw0rd!', x: 1 },
    ],
    ['a malformed email', { email: 'nope', session: 's', newPassword: 'Mine-passw0rd!' }],
  ])('refuses a complete-new-password body with %s with 400', async (_case, body) => {
    const response = await post('/auth/complete-new-password', body);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('validation_failed');
  });
});
