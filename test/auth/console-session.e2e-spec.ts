import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../../src/modules/auth/staff-accounts.js';
import { generatePassword } from '../../src/platform/auth/generate-password.js';
import { startApiWithCognito, staffAccountsOf, type CognitoApi } from '../support/cognito-api.js';

/**
 * The operator console's session: the access token lives in the page's memory only; the refresh
 * token never reaches a script, in a cookie the API sets httpOnly, SameSite=Strict and scoped to
 * /auth/console, which refreshes only with the console's own header.
 */
const PASSWORD = 'Console-Ops1!';
const COOKIE = 'wm_console_refresh';

let harness: CognitoApi;
let staff: StaffAccounts;

beforeAll(async () => {
  harness = await startApiWithCognito({
    env: { LOGIN_THROTTLE_MAX_PER_USERNAME: '50', LOGIN_THROTTLE_MAX_PER_IP: '1000' },
  });
  staff = staffAccountsOf(harness.api);
});

afterAll(() => harness?.close());

function post(
  route: string,
  options: { body?: unknown; token?: string; cookie?: string; console?: boolean } = {},
) {
  return fetch(`${harness.api.url}${route}`, {
    method: 'POST',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.console === false ? {} : { 'x-workmatch-console': '1' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** The console cookie a response sets, as `name=value` and its attributes. */
function consoleCookie(response: Response) {
  const line = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(/;\s*/);
  return { pair: pair!, value: pair!.slice(COOKIE.length + 1), attributes };
}

/** A staff account with a password of its own (the first sign-in done through the console). */
async function staffMember(email: string, role: 'operator' | 'admin' = 'operator') {
  const temporary = generatePassword();
  await staff.create({ email, role, temporaryPassword: temporary });
  const first = await post('/auth/console/login', { body: { email, password: temporary } });
  expect(first.status).toBe(403);
  const { session } = (await first.json()) as { session: string };
  const done = await post('/auth/console/complete-new-password', {
    body: { email, session, newPassword: PASSWORD },
  });
  expect(done.status, await done.clone().text()).toBe(200);
  return { email, cookie: consoleCookie(done)!.pair };
}

async function worker(email: string) {
  const signUp = await post('/auth/sign-up', {
    body: { email, password: PASSWORD, phone: '010-2345-6789', role: 'worker' },
  });
  const { userId } = (await signUp.json()) as { userId: string };
  await post('/auth/confirm', { body: { email, code: harness.codeFor(userId) } });
}

describe('the console session', () => {
  it('signs an operator in: the access token in the body, the refresh token only in a cookie no script reads, sent to /auth/console only', async () => {
    const { email } = await staffMember('console.one@example.com');

    const response = await post('/auth/console/login', { body: { email, password: PASSWORD } });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      expiresIn: expect.any(Number),
      staff: { id: expect.any(String), role: 'operator' },
    });
    expect(body).not.toHaveProperty('refreshToken');
    expect(body).not.toHaveProperty('idToken');
    const cookie = consoleCookie(response)!;
    expect(cookie.value.length).toBeGreaterThan(20);
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/auth/console']),
    );
    // A working day at most; locally over plain http, so not Secure (aws mode sets it).
    expect(cookie.attributes).toContain('Max-Age=43200');
    expect(cookie.attributes).not.toContain('Secure');
    const search = await post('/operator/members/search', {
      body: {},
      token: body.accessToken as string,
    });
    expect(search.status).toBe(200);
  });

  it('refreshes from the cookie alone, and only with the console’s header', async () => {
    const { cookie } = await staffMember('console.two@example.com', 'admin');

    const withoutHeader = await post('/auth/console/refresh', { cookie, console: false });
    expect(withoutHeader.status).toBe(403);
    expect(((await withoutHeader.json()) as { code: string }).code).toBe('console_header_required');

    const refreshed = await post('/auth/console/refresh', { cookie });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { accessToken: string; staff: { role: string } };
    expect(body.staff.role).toBe('admin');
    expect(
      (await post('/operator/members/search', { body: {}, token: body.accessToken })).status,
    ).toBe(200);
  });

  it('refuses a worker: 403 staff_only, and no cookie', async () => {
    await worker('console.worker@example.com');

    const response = await post('/auth/console/login', {
      body: { email: 'console.worker@example.com', password: PASSWORD },
    });

    expect(response.status).toBe(403);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem.code).toBe('staff_only');
    expect(problem).not.toHaveProperty('accessToken');
    expect(consoleCookie(response)).toBeUndefined();
  });

  it('answers a refresh without the cookie, or with one that is no refresh token, 401 and clears it', async () => {
    const missing = await post('/auth/console/refresh');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { code: string }).code).toBe('console_session_missing');

    const forged = await post('/auth/console/refresh', { cookie: `${COOKIE}=not-a-token` });
    expect(forged.status).toBe(401);
    expect(consoleCookie(forged)).toMatchObject({ value: '' });
  });

  it('signs out: the cookie is cleared, and neither the refresh token nor the access token works after', async () => {
    const { email } = await staffMember('console.three@example.com');
    const login = await post('/auth/console/login', { body: { email, password: PASSWORD } });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const cookie = consoleCookie(login)!.pair;

    const logout = await post('/auth/console/logout', { token: accessToken, cookie });

    expect(logout.status).toBe(204);
    expect(consoleCookie(logout)).toMatchObject({ value: '' });
    expect((await post('/auth/console/refresh', { cookie })).status).toBe(401);
    expect((await post('/operator/members/search', { body: {}, token: accessToken })).status).toBe(
      401,
    );
  });
});
