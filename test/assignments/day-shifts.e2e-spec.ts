import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { kstDayKey, kstDayStart, HOUR_MS } from '../../src/platform/time/kst.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, postShift, verifiedBusiness } from './setup.js';

/**
 * The operators' day: the shifts starting on a KST day, each with its fill and what is not yet
 * confirmed (applications, proposals), for the console's Today.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('day-owner', ['business']);
const operator = mint.access('op-day', ['operator']);
const worker = mint.access('day-worker', ['worker']);

let api: TestApi;
const call = caller(() => api.url);
/** A KST day two days ahead, and its shifts' start times. */
const date = kstDayKey(Date.now() + 2 * 24 * HOUR_MS);
const at = (hour: number) => new Date(kstDayStart(date).getTime() + hour * HOUR_MS);
let early: string;
let late: string;

interface Day {
  date: string;
  shifts: {
    id: string;
    title: string;
    startsAt: string;
    headcount: number;
    filled: number;
    applied: number;
    proposed: number;
    confirmed: number;
  }[];
}

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  const business = await verifiedBusiness(call, owner, operator);
  late = (await postShift(call, owner, business, at(18), { headcount: 2 })).id;
  early = (await postShift(call, owner, business, at(9), { headcount: 3 })).id;
  // Another day's shift stays out of this day.
  await postShift(call, owner, business, at(24 + 9));
  await eligibleWorker(call, worker, 'day-worker', operator);
  await json(await call('POST', `/shifts/${early}/applications`, worker), 201);
});
afterAll(() => api?.close());

describe('the operators’ day of shifts', () => {
  it('lists the day’s shifts by start, each with its fill and what waits for a confirmation', async () => {
    const day = await json<Day>(
      await call('GET', `/operator/day/shifts?date=${date}`, operator),
      200,
    );

    expect(day.date).toBe(date);
    expect(day.shifts.map((s) => s.id)).toEqual([early, late]);
    expect(day.shifts[0]).toMatchObject({
      headcount: 3,
      filled: 0,
      applied: 1,
      proposed: 0,
      confirmed: 0,
    });
    expect(day.shifts[1]).toMatchObject({ headcount: 2, applied: 0 });
  });

  it('takes today in KST by default, and is for operators', async () => {
    const today = await json<Day>(await call('GET', '/operator/day/shifts', operator), 200);
    expect(today.date).toBe(kstDayKey(Date.now()));
    expect((await call('GET', '/operator/day/shifts', worker)).status).toBe(403);
    expect((await call('GET', '/operator/day/shifts?date=2026-13-01', operator)).status).toBe(400);
  });
});
