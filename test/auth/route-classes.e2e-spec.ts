import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { SessionRevocationsRepository } from '../../src/platform/auth/session-revocations.repository.js';
import { SessionRevocations } from '../../src/platform/auth/session-revocations.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { GuardedModule } from '../support/guarded.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

let api: TestApi;
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);

beforeAll(async () => {
  api = await startTestApi({ modules: [GuardedModule] });
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
});
afterAll(() => api?.close());

function get(path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

async function refusal(response: Response) {
  return { status: response.status, code: ((await response.json()) as { code: string }).code };
}

describe('route classes', () => {
  it('lets anyone call a public route, even with a stale token', async () => {
    expect((await get('/guarded/public')).status).toBe(200);
    expect((await get('/guarded/public', 'not-a-token')).status).toBe(200);
  });

  it('answers 401 unauthenticated on a member route without a token', async () => {
    expect(await refusal(await get('/guarded/member'))).toEqual({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('refuses a HEAD request as it refuses the GET beside it', async () => {
    const anonymous = await fetch(`${api.url}/guarded/operator`, { method: 'HEAD' });
    expect(anonymous.status).toBe(401);
    const worker = await fetch(`${api.url}/guarded/operator`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${mint.access('worker-3', ['worker'])}` },
    });
    expect(worker.status).toBe(403);
  });

  it('hands a member route the verified caller', async () => {
    const response = await get('/guarded/member', mint.access('worker-1', ['worker']));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'worker-1', groups: ['worker'] });
  });

  it('answers 403 insufficient_role to a worker on operator and admin routes', async () => {
    const token = mint.access('worker-2', ['worker']);
    expect(await refusal(await get('/guarded/operator', token))).toEqual({
      status: 403,
      code: 'insufficient_role',
    });
    expect(await refusal(await get('/guarded/admin', token))).toEqual({
      status: 403,
      code: 'insufficient_role',
    });
  });

  it('lets admins on operator routes, and only admins on admin routes', async () => {
    expect((await get('/guarded/operator', mint.access('admin-1', ['admin']))).status).toBe(200);
    expect((await get('/guarded/operator', mint.access('op-1', ['operator']))).status).toBe(200);
    expect((await get('/guarded/admin', mint.access('op-1', ['operator']))).status).toBe(403);
    expect((await get('/guarded/admin', mint.access('admin-1', ['admin']))).status).toBe(200);
  });

  it('refuses an internal route to a request that came through API Gateway', async () => {
    const direct = await fetch(`${api.url}/guarded/internal`, { method: 'POST' });
    expect(direct.status).toBe(201);
    const viaGateway = await fetch(`${api.url}/guarded/internal`, {
      method: 'POST',
      headers: { 'x-workmatch-via': 'api-gateway' },
    });
    expect(await refusal(viaGateway)).toEqual({ status: 403, code: 'internal_route' });
  });
});

describe('tokens that are refused with 401', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const other = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);

  it.each([
    [
      'expired',
      () => mint.access('u', [], { iat: now() - 7200, exp: now() - 3600 }),
      'token_expired',
    ],
    [
      'unsigned (alg: none)',
      () => {
        const [head, body] = mint.access('u').split('.');
        const none = Buffer.from(
          JSON.stringify({
            ...JSON.parse(Buffer.from(head!, 'base64url').toString()),
            alg: 'none',
          }),
        ).toString('base64url');
        return `${none}.${body}.`;
      },
      'token_invalid',
    ],
    [
      'from another pool',
      () =>
        mint.access('u', [], {
          iss: 'https://cognito-idp.ap-northeast-2.amazonaws.com/ap-northeast-2_OtherPool',
        }),
      'token_invalid',
    ],
    [
      'for another client',
      () => mint.access('u', [], { client_id: 'another-client' }),
      'token_invalid',
    ],
    [
      'an ID token where an access token is required',
      () => mint.access('u', [], { token_use: 'id', aud: AWS_LIKE_ENV.COGNITO_CLIENT_ID }),
      'token_invalid',
    ],
    [
      'tampered (payload changed after signing)',
      () => {
        const [head, , signature] = mint.access('u', ['worker']).split('.');
        const forged = Buffer.from(
          JSON.stringify({ sub: 'u', 'cognito:groups': ['admin'] }),
        ).toString('base64url');
        return `${head}.${forged}.${signature}`;
      },
      'token_invalid',
    ],
    [
      'signed by a key the pool does not have',
      () => other.access('u', [], {}, { kid: mint.kid }),
      'token_invalid',
    ],
    ['not a JWT at all', () => 'garbage', 'token_invalid'],
  ])('%s', async (_name, token, code) => {
    expect(await refusal(await get('/guarded/member', token()))).toEqual({ status: 401, code });
  });

  it('refuses an Authorization header over 16 KiB with 401 token_too_large, without verifying it', async () => {
    // Validly signed, only padded: what verification would accept is refused on its size alone.
    const token = mint.access('large-1', ['worker'], { padding: 'x'.repeat(16 * 1024) });
    const verify = vi.spyOn(api.app.get(TokenVerifier), 'verify');
    try {
      expect(await refusal(await get('/guarded/member', token))).toEqual({
        status: 401,
        code: 'token_too_large',
      });
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('accepts a token just under the cap', async () => {
    const token = mint.access('large-2', ['worker'], { padding: 'x'.repeat(10 * 1024) });
    expect((await get('/guarded/member', token)).status).toBe(200);
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await fetch(`${api.url}/guarded/member`, {
      headers: { authorization: 'Basic abc' },
    });
    expect(await refusal(response)).toEqual({ status: 401, code: 'token_invalid' });
  });
});

describe('the verified-token cache', () => {
  it('refuses a cached token once its member signed out everywhere', async () => {
    const token = mint.access('leaving-1', ['worker'], { iat: now() - 5 });
    expect((await get('/guarded/member', token)).status).toBe(200);
    expect((await get('/guarded/member', token)).status).toBe(200);
    await api.app.get(SessionRevocations).revokeAllFor('leaving-1');
    expect(await refusal(await get('/guarded/member', token))).toEqual({
      status: 401,
      code: 'token_revoked',
    });
    function now() {
      return Math.floor(Date.now() / 1000);
    }
  });

  it('accepts a token issued after the sign-out', async () => {
    await api.app
      .get(SessionRevocations)
      .revokeAllFor('returning-1', new Date(Date.now() - 10_000));
    expect((await get('/guarded/member', mint.access('returning-1', ['worker']))).status).toBe(200);
  });

  it('learns of a sign-out another API task recorded, on its next sync', async () => {
    const token = mint.access('elsewhere-1', ['worker'], {
      iat: Math.floor(Date.now() / 1000) - 5,
    });
    expect((await get('/guarded/member', token)).status).toBe(200);
    // Another task: its own SessionRevocations on the same database.
    const otherTask = new SessionRevocations(
      new SessionRevocationsRepository(api.app.get<Database>(DATABASE)),
      pino({ level: 'silent' }),
    );
    await otherTask.revokeAllFor('elsewhere-1');
    expect((await get('/guarded/member', token)).status).toBe(200);
    await api.app.get(SessionRevocations).sync();
    expect(await refusal(await get('/guarded/member', token))).toEqual({
      status: 401,
      code: 'token_revoked',
    });
  });
});

describe('the OpenAPI document', () => {
  it('states each operation’s security from the same route class the route-access check enforces', async () => {
    const document = (await (await fetch(`${api.url}/docs/json`)).json()) as {
      paths: Record<
        string,
        Record<string, { security: unknown; 'x-route-class': string; responses: object }>
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    const member = document.paths['/guarded/member']?.get;
    expect(member).toMatchObject({ security: [{ cognito: [] }], 'x-route-class': 'member' });
    expect(Object.keys(member?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
    expect(document.paths['/guarded/public']?.get).toMatchObject({
      security: [],
      'x-route-class': 'public',
    });
    expect(document.paths['/guarded/internal']?.post?.['x-route-class']).toBe('internal');
    expect(document.components.securitySchemes).toHaveProperty('cognito');
  });
});
