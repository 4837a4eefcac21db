import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import type { StaffAccounts } from '../../src/modules/auth/staff-accounts.js';
import { generatePassword } from '../../src/platform/auth/generate-password.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { startApiWithCognito, staffAccountsOf, type CognitoApi } from '../support/cognito-api.js';
import { until } from '../support/until.js';

/**
 * Operators block a member's account (an abusive or compromised one): the account is disabled in
 * Cognito, every token it holds stops working, and it cannot sign in or refresh until it is
 * unblocked — on cognito-local too, which signs a disabled user in (standins.md), because the API
 * refuses a blocked member itself. The reason goes with the access record (접속기록).
 */
const PASSWORD = 'Block-Test1!';

let harness: CognitoApi;
let staff: StaffAccounts;
let db: Database;

beforeAll(async () => {
  harness = await startApiWithCognito({
    env: { LOGIN_THROTTLE_MAX_PER_USERNAME: '50', LOGIN_THROTTLE_MAX_PER_IP: '1000' },
  });
  staff = staffAccountsOf(harness.api);
  db = harness.api.app.get<Database>(DATABASE);
});
afterAll(() => harness?.close());

function call(method: string, route: string, options: { token?: string; body?: unknown } = {}) {
  return fetch(`${harness.api.url}${route}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

interface Session {
  id: string;
  accessToken: string;
  refreshToken: string;
}

async function login(email: string, password = PASSWORD): Promise<Response> {
  return call('POST', '/auth/login', { body: { email, password } });
}

async function signedIn(email: string): Promise<Session> {
  const response = await login(email);
  expect(response.status, await response.clone().text()).toBe(200);
  const tokens = (await response.json()) as { accessToken: string; refreshToken: string };
  const me = (await (await call('GET', '/me', { token: tokens.accessToken })).json()) as {
    id: string;
  };
  return { id: me.id, ...tokens };
}

async function member(email: string, role: 'worker' | 'business' = 'worker'): Promise<Session> {
  const signUp = await call('POST', '/auth/sign-up', {
    body: { email, password: PASSWORD, phone: '010-2345-6789', role },
  });
  const { userId } = (await signUp.json()) as { userId: string };
  await call('POST', '/auth/confirm', { body: { email, code: harness.codeFor(userId) } });
  return signedIn(email);
}

async function staffMember(email: string, role: 'operator' | 'admin'): Promise<Session> {
  const temporary = generatePassword();
  await staff.create({ email, role, temporaryPassword: temporary });
  const first = await login(email, temporary);
  const { session } = (await first.json()) as { session: string };
  const done = await call('POST', '/auth/complete-new-password', {
    body: { email, session, newPassword: PASSWORD },
  });
  expect(done.status, await done.clone().text()).toBe(200);
  return signedIn(email);
}

/** Whether Cognito holds the user enabled (AdminGetUser's `Enabled`). */
async function cognitoEnabled(username: string): Promise<boolean | undefined> {
  const { config } = harness.api;
  const user = await createCognitoClient(config).send(
    new AdminGetUserCommand({ UserPoolId: config.aws.cognito.userPoolId, Username: username }),
  );
  return user.Enabled;
}

const block = (actor: Session, id: string, reason = '명의 도용 신고 확인, 티켓 700') =>
  call('POST', `/operator/members/${id}/block`, { token: actor.accessToken, body: { reason } });
const unblock = (actor: Session, id: string, reason = '본인 확인 완료, 티켓 701') =>
  call('POST', `/operator/members/${id}/unblock`, { token: actor.accessToken, body: { reason } });

describe('blocking a member', () => {
  let operator: Session;
  let admin: Session;

  beforeAll(async () => {
    operator = await staffMember('block.operator@example.com', 'operator');
    admin = await staffMember('block.admin@example.com', 'admin');
  });

  it('an operator blocks a worker with a reason: their tokens stop working, sign-in and refresh are refused, and the block is recorded', async () => {
    const worker = await member('blocked.worker@example.com');

    const response = await block(operator, worker.id);

    expect(response.status, await response.clone().text()).toBe(200);
    const view = (await response.json()) as { id: string; blocked: { at: string; by: string } };
    expect(view.blocked).toMatchObject({ by: operator.id });
    expect(await cognitoEnabled(worker.id)).toBe(false);
    expect(await lastAccessRecord(db)).toMatchObject({
      action: 'update',
      subjects: [worker.id],
      reason: '명의 도용 신고 확인, 티켓 700',
    });
    await until(
      async () => (await call('GET', '/me', { token: worker.accessToken })).status === 401,
      5_000,
    );
    const signIn = await login('blocked.worker@example.com');
    expect(signIn.status).toBe(401);
    expect(await signIn.json()).toMatchObject({ code: 'invalid_credentials' });
    const refresh = await call('POST', '/auth/refresh', {
      body: { refreshToken: worker.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toMatchObject({ code: 'invalid_refresh_token' });
    // Staff see it in the member's record.
    const seen = (await (
      await call('GET', `/operator/members/${worker.id}`, { token: operator.accessToken })
    ).json()) as { blocked: unknown };
    expect(seen.blocked).toMatchObject({ by: operator.id });
  });

  it('unblocking lets the member sign in again, and says so in the record', async () => {
    const worker = await member('unblocked.worker@example.com', 'business');
    expect((await block(operator, worker.id)).status).toBe(200);

    const response = await unblock(operator, worker.id);

    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { blocked: unknown }).blocked).toBeNull();
    expect(await cognitoEnabled(worker.id)).toBe(true);
    expect(await lastAccessRecord(db)).toMatchObject({
      action: 'update',
      subjects: [worker.id],
      reason: '본인 확인 완료, 티켓 701',
    });
    // Tokens of the second the block was made in stay void (revocations count whole seconds).
    await until(
      async () => {
        const again = await signedIn('unblocked.worker@example.com');
        return (await call('GET', '/me', { token: again.accessToken })).status === 200;
      },
      5_000,
      250,
    );
  });

  it('refuses to block a blocked member or unblock one who is not, changing nothing', async () => {
    const worker = await member('twice.worker@example.com');
    expect((await block(operator, worker.id)).status).toBe(200);

    const twice = await block(operator, worker.id);
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ code: 'member_blocked' });
    expect((await unblock(operator, worker.id)).status).toBe(200);
    const notBlocked = await unblock(operator, worker.id);
    expect(notBlocked.status).toBe(409);
    expect(await notBlocked.json()).toMatchObject({ code: 'member_not_blocked' });
  });

  it('leaves staff accounts to admins, and no one blocks themselves', async () => {
    const other = await staffMember('blocked.operator@example.com', 'operator');

    const byOperator = await block(operator, other.id);
    expect(byOperator.status).toBe(403);
    expect(await byOperator.json()).toMatchObject({ code: 'staff_block_requires_admin' });
    const self = await block(admin, admin.id);
    expect(self.status).toBe(403);
    expect(await self.json()).toMatchObject({ code: 'cannot_block_self' });

    expect((await block(admin, other.id)).status).toBe(200);
    expect((await login('blocked.operator@example.com')).status).toBe(401);
  });

  it('needs a reason, a member that exists, and staff', async () => {
    const worker = await member('reasonless.worker@example.com');

    expect((await block(operator, worker.id, '')).status).toBe(400);
    expect(
      (
        await call('POST', `/operator/members/${worker.id}/block`, {
          token: operator.accessToken,
          body: {},
        })
      ).status,
    ).toBe(400);
    expect((await block(operator, 'no-such-member')).status).toBe(404);
    expect((await block(worker, worker.id)).status).toBe(403);
  });
});
