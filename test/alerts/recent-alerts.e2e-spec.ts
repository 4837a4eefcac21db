import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/platform/alerts/alert.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { HOUR_MS } from '../../src/platform/time/kst.js';
import { countAlertEvents } from '../support/alerts.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The alerts of the last hours for the console's Today: what the worker's alert pipeline counted
 * (here, the pipeline itself on the API's database, with no channel to deliver to), read back
 * one line per fault.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-alerts', ['operator']);
const worker = mint.access('worker-alerts', ['worker']);

interface RecentAlerts {
  since: string;
  until: string;
  total: number;
  truncated: boolean;
  faults: {
    code: string;
    severity: string;
    source: string;
    where: string;
    count: number;
    firstAt: string;
    lastAt: string;
    pending: number;
  }[];
}

let api: TestApi;
const now = Date.now();
let seq = 0;
const event = (hoursAgo: number, overrides: Partial<AlertEvent> = {}): AlertEvent => {
  seq += 1;
  return {
    id: `recent-${seq}`,
    at: new Date(now - hoursAgo * HOUR_MS).toISOString(),
    source: 'error',
    severity: 'error',
    code: 'internal',
    where: 'POST /shifts/:id/assignments',
    summary: 'TypeError: cannot read properties of undefined',
    process: 'api',
    environment: 'dev',
    ...overrides,
  };
};

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  await countAlertEvents(api.app.get<Database>(DATABASE), [
    event(30),
    event(3),
    event(2),
    event(1, { code: 'provider_circuit_open', source: 'provider', where: 'nice.verify' }),
    event(47, { code: 'security_token_invalid', source: 'security', severity: 'warning' }),
  ]);
});
afterAll(() => api?.close());

describe('the recent alerts', () => {
  it('lists the last 24 hours’ faults once each, latest first, with their events in the window counted', async () => {
    const response = await callApi(api, 'GET', '/operator/alerts', operator);
    expect(response.status).toBe(200);
    const recent = (await response.json()) as RecentAlerts;

    expect(recent.total).toBe(3);
    expect(recent.truncated).toBe(false);
    expect(recent.faults.map((f) => [f.code, f.source, f.count])).toEqual([
      ['provider_circuit_open', 'provider', 1],
      ['internal', 'error', 2],
    ]);
    expect(recent.faults[1]!.firstAt).toMatch(/\+09:00$/);
    expect(Date.parse(recent.until) - Date.parse(recent.since)).toBe(24 * HOUR_MS);
  });

  it('looks further back when asked, up to a week', async () => {
    const recent = (await (
      await callApi(api, 'GET', '/operator/alerts?hours=48', operator)
    ).json()) as RecentAlerts;

    expect(recent.faults.map((f) => [f.code, f.count])).toEqual([
      ['provider_circuit_open', 1],
      ['internal', 3],
      ['security_token_invalid', 1],
    ]);
    for (const hours of ['0', '169', 'x']) {
      const refused = await callApi(api, 'GET', `/operator/alerts?hours=${hours}`, operator);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('is for operators', async () => {
    expect((await callApi(api, 'GET', '/operator/alerts', worker)).status).toBe(403);
    expect((await fetch(`${api.url}/operator/alerts`)).status).toBe(401);
  });
});
