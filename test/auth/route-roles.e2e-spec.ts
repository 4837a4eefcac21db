import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/auth/principal.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The role is checked before anything else: a member of the wrong role gets 403
 * `insufficient_role` on every route that names its roles, whatever the route would have done
 * first (validate the body, ask a provider that is not configured, look a record up).
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
type Operation = { 'x-route-class': string; 'x-roles'?: Role[] };

let api: TestApi;
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  paths = ((await (await fetch(`${api.url}/docs/json`)).json()) as { paths: typeof paths }).paths;
});
afterAll(() => api?.close());

const ID = '0123456789abcdef01234567';
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, ID);

function restricted() {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op['x-route-class'] === 'member' && op['x-roles'])
      .map(([method, op]) => ({ method: method.toUpperCase(), path, roles: op['x-roles']! })),
  );
}

describe('roles of member routes', () => {
  it('names the roles of the worker-only, business-only and staff routes', () => {
    const byRoute = Object.fromEntries(restricted().map((r) => [`${r.method} ${r.path}`, r.roles]));
    expect(byRoute['POST /workers/me/identity-verifications']).toEqual(['worker']);
    expect(byRoute['POST /workers/me/bank-account/verify']).toEqual(['worker']);
    expect(byRoute['POST /shifts/{id}/applications']).toEqual(['worker']);
    expect(byRoute['POST /businesses']).toEqual(['business']);
    expect(byRoute['POST /businesses/{businessId}/shifts']).toEqual([
      'business',
      'operator',
      'admin',
    ]);
    expect(restricted().length).toBeGreaterThan(20);
  });

  it('refuses every other role with 403 insufficient_role before anything else runs', async () => {
    const wrong: string[] = [];
    for (const route of restricted()) {
      for (const role of ROLES.filter((r) => !route.roles.includes(r))) {
        const withBody = route.method !== 'GET' && route.method !== 'DELETE';
        const response = await fetch(`${api.url}${concrete(route.path)}`, {
          method: route.method,
          headers: {
            authorization: `Bearer ${mint.access(`member-${role}`, [role])}`,
            ...(withBody ? { 'content-type': 'application/json' } : {}),
          },
          ...(withBody ? { body: '{}' } : {}),
        });
        const body = (await response.json().catch(() => ({}))) as { code?: string };
        if (response.status !== 403 || body.code !== 'insufficient_role') {
          wrong.push(`${route.method} ${route.path} as ${role}: ${response.status} ${body.code}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a business member starting an identity verification with 403, not 503 (no provider configured)', async () => {
    const response = await fetch(`${api.url}/workers/me/identity-verifications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mint.access('biz-1', ['business'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ provider: 'nice', returnUrl: 'https://app.workmatch.kr/return' }),
    });
    expect(response.status).toBe(403);
  });
});
