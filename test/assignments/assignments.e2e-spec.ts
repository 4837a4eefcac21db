import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerExit } from '../../src/modules/assignments/worker-exit.js';
import { WorkersService } from '../../src/modules/workers/workers.service.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, kst, postShift, verifiedBusiness } from './setup.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('biz-owner', ['business']);
const stranger = mint.access('biz-stranger', ['business']);
const operator = mint.access('op-1', ['operator']);
const worker = (id: string) => mint.access(id, ['worker']);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A future day at 09:00 KST (00:00 UTC), `n` days from now, far from any other test's. */
const day = (n: number) => {
  const d = new Date(Date.now() + n * DAY);
  d.setUTCHours(0, 0, 0, 0);
  return d;
};

type Assignment = { id: string; state: string; verdict: { eligible: boolean } | null };
type Problem = { code: string; failures?: { code: string }[] };

let api: TestApi;
let db: Database;
let business: string;
const call = caller(() => api.url);

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  business = await verifiedBusiness(call, owner, operator);
}, 30_000);
afterAll(() => api?.close());

describe('applications and assignments', () => {
  it('walks apply → propose → accept, storing the verdict, each change with its outbox event', async () => {
    await eligibleWorker(call, worker('w-walk'), 'w-walk', operator);
    const shift = await postShift(call, owner, business, day(3));

    const applied = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('w-walk')),
      201,
    );
    expect(applied).toMatchObject({ state: 'applied', verdict: { eligible: true } });
    const proposed = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-walk' }),
      201,
    );
    expect(proposed).toMatchObject({ id: applied.id, state: 'proposed' });
    const confirmed = await json<Assignment>(
      await call('POST', `/assignments/${applied.id}/accept`, worker('w-walk')),
      200,
    );
    expect(confirmed.state).toBe('confirmed');

    const stored = await db
      .collection<{ _id: unknown; outbox: { type: string }[] }>('assignments')
      .findOne({ state: 'confirmed', workerId: 'w-walk' });
    expect(stored?.outbox.map((e) => e.type)).toEqual([
      'assignment.proposed',
      'assignment.confirmed',
    ]);
    const view = await json<{ filled: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    expect(view.filled).toBe(1);
  });

  it('proposes from an application made before the shift moved at the shift’s new times', async () => {
    await eligibleWorker(call, worker('w-moved'), 'w-moved', operator);
    const shift = await postShift(call, owner, business, day(4), { hours: 4 });
    const applied = await json<{ id: string; startsAt: string }>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('w-moved')),
      201,
    );
    // An application holds no slot, so the business may still move the shift.
    const { version } = await json<{ version: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    const moved = await json<{ startsAt: string; endsAt: string }>(
      await call('PATCH', `/shifts/${shift.id}`, owner, {
        version,
        startsAt: kst(new Date(day(4).getTime() + 2 * HOUR)),
        endsAt: kst(new Date(day(4).getTime() + 5 * HOUR)),
      }),
      200,
    );

    const proposed = await json<{ id: string; startsAt: string; endsAt: string }>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-moved' }),
      201,
    );

    expect(proposed).toMatchObject({
      id: applied.id,
      startsAt: moved.startsAt,
      endsAt: moved.endsAt,
    });
    const schedule = await db
      .collection<{ _id: string; entries: { startsAt: Date; endsAt: Date }[] }>('worker_schedules')
      .findOne({ _id: 'w-moved' });
    expect(schedule?.entries.map((e) => [kst(e.startsAt), kst(e.endsAt)])).toEqual([
      [moved.startsAt, moved.endsAt],
    ]);
  });

  it('answers an illegal transition with 409 naming the states, and changes nothing', async () => {
    await eligibleWorker(call, worker('w-illegal'), 'w-illegal', operator);
    const shift = await postShift(call, owner, business, day(5));
    const applied = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('w-illegal')),
      201,
    );

    const problem = await json<Problem & Record<string, unknown>>(
      await call('POST', `/assignments/${applied.id}/accept`, worker('w-illegal')),
      409,
    );
    expect(problem).toMatchObject({
      code: 'illegal_transition',
      action: 'accept',
      from: 'applied',
      allowedFrom: ['proposed'],
    });
    const after = await json<Assignment>(
      await call('GET', `/assignments/${applied.id}`, worker('w-illegal')),
      200,
    );
    expect(after.state).toBe('applied');
  });

  it('refuses a worker acting on another worker’s assignment, and a stranger business', async () => {
    await eligibleWorker(call, worker('w-own'), 'w-own', operator);
    const shift = await postShift(call, owner, business, day(6));
    const proposed = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-own' }),
      201,
    );

    const other = await json<Problem>(
      await call('POST', `/assignments/${proposed.id}/accept`, worker('w-other')),
      403,
    );
    expect(other.code).toBe('not_your_assignment');
    const foreign = await json<Problem>(
      await call('POST', `/shifts/${shift.id}/assignments`, stranger, { workerId: 'w-own' }),
      403,
    );
    expect(foreign.code).toBe('not_business_staff');
  });

  it('lists every failing rule when proposing an ineligible worker, and writes nothing', async () => {
    const shift = await postShift(call, owner, business, day(7));
    // A profile only: identity and bank account are not verified.
    await json(
      await call('PUT', '/workers/me', worker('w-new'), {
        legalName: '이지원',
        birthDate: '1999-11-30',
        phone: '010-8765-4321',
      }),
      200,
    );
    const problem = await json<Problem>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-new' }),
      422,
    );
    expect(problem.code).toBe('not_eligible');
    expect(problem.failures?.map((f) => f.code)).toEqual([
      'identity_not_verified',
      'bank_account_missing',
    ]);
    expect(await db.collection('assignments').countDocuments({ workerId: 'w-new' })).toBe(0);
    const view = await json<{ filled: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    expect(view.filled).toBe(0);
  });

  it('cancels with a reason, gives the slot back, and flags a late cancellation', async () => {
    await eligibleWorker(call, worker('w-cancel'), 'w-cancel', operator);
    const soon = new Date(Date.now() + 2 * HOUR);
    const shift = await postShift(call, owner, business, soon, { hours: 2 });
    const proposed = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-cancel' }),
      201,
    );

    const cancelled = await json<{
      state: string;
      cancellation: { late: boolean; reason: string };
    }>(
      await call('POST', `/assignments/${proposed.id}/cancel`, worker('w-cancel'), {
        reason: 'Sick',
      }),
      200,
    );
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      cancellation: { late: true, reason: 'Sick' },
    });
    const view = await json<{ filled: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    expect(view.filled).toBe(0);
    // The time is free again: the worker can be proposed once more.
    await json(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-cancel' }),
      201,
    );
  });

  it('answers the eligibility route to the shift’s business and operators, not to others', async () => {
    await eligibleWorker(call, worker('w-elig'), 'w-elig', operator);
    const shift = await postShift(call, owner, business, day(8));

    const verdict = await json<{ eligible: boolean; ruleSetVersion: string }>(
      await call('GET', `/shifts/${shift.id}/eligibility/w-elig`, owner),
      200,
    );
    expect(verdict).toMatchObject({ eligible: true, ruleSetVersion: '2026.1' });
    await json(await call('GET', `/shifts/${shift.id}/eligibility/w-elig`, operator), 200);
    await json(await call('GET', `/shifts/${shift.id}/eligibility/w-elig`, stranger), 403);
    // 403 before 404: a stranger learns nothing about which worker ids exist.
    await json(await call('GET', `/shifts/${shift.id}/eligibility/nobody`, stranger), 403);
    await json(await call('GET', `/shifts/${shift.id}/eligibility/nobody`, owner), 404);
  });

  it('ranks candidates for operators and gives the others their reasons', async () => {
    await eligibleWorker(call, worker('w-cand-1'), 'w-cand-1', operator);
    await eligibleWorker(call, worker('w-cand-2'), 'w-cand-2', operator, '2012-01-01');
    const shift = await postShift(call, owner, business, day(9));

    const list = await json<{
      eligible: { workerId: string; rank: number }[];
      ineligible: { workerId: string; failures: { code: string }[] }[];
      unknown: string[];
    }>(
      await call('POST', `/shifts/${shift.id}/candidates`, operator, {
        workerIds: ['w-cand-1', 'w-cand-2', 'ghost'],
      }),
      200,
    );
    expect(list.eligible).toEqual([expect.objectContaining({ workerId: 'w-cand-1', rank: 1 })]);
    expect(list.ineligible).toEqual([
      {
        workerId: 'w-cand-2',
        failures: expect.arrayContaining([
          expect.objectContaining({ code: 'below_legal_minimum_age' }),
        ]) as unknown,
      },
    ]);
    expect(list.unknown).toEqual(['ghost']);
    await json(
      await call('POST', `/shifts/${shift.id}/candidates`, owner, { workerIds: ['w-cand-1'] }),
      403,
    );
  });
});

describe('a worker leaving the platform', () => {
  it('ends their assignments (the business hears of it), frees the slots and withdraws the profile', async () => {
    await eligibleWorker(call, worker('w-leave'), 'w-leave', operator);
    const shift = await postShift(call, owner, business, day(12));
    const other = await postShift(call, owner, business, day(13));
    const confirmed = await json<Assignment>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-leave' }),
      201,
    );
    await json(await call('POST', `/assignments/${confirmed.id}/accept`, worker('w-leave')), 200);
    const applied = await json<Assignment>(
      await call('POST', `/shifts/${other.id}/applications`, worker('w-leave')),
      201,
    );

    await api.app.get(WorkerExit).leave('w-leave', new Date());

    const ended = await json<{ state: string; cancellation: { by: { role: string } } }>(
      await call('GET', `/assignments/${confirmed.id}`, owner),
      200,
    );
    expect(ended).toMatchObject({ state: 'cancelled', cancellation: { by: { role: 'system' } } });
    expect(
      (await json<Assignment>(await call('GET', `/assignments/${applied.id}`, owner), 200)).state,
    ).toBe('withdrawn');
    const view = await json<{ filled: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    expect(view.filled).toBe(0);
    const facts = await api.app.get(WorkersService).eligibilityFacts(['w-leave']);
    expect(facts.get('w-leave')?.status).toBe('withdrawn');
    const stored = await db
      .collection<{ _id: unknown; outbox: { type: string; payload: { cancelledBy?: string } }[] }>(
        'assignments',
      )
      .findOne({ workerId: 'w-leave', state: 'cancelled' });
    expect(stored?.outbox.at(-1)).toMatchObject({
      type: 'assignment.cancelled',
      payload: { cancelledBy: 'worker' },
    });
  });
});

describe('no double booking under concurrency', () => {
  it('assigns one worker to exactly one of two overlapping shifts proposed at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `w-race-${round}`;
      await eligibleWorker(call, worker(id), id, operator);
      const start = new Date(day(20 + round).getTime());
      const [a, b] = await Promise.all([
        postShift(call, owner, business, start, { hours: 4 }),
        postShift(call, owner, business, new Date(start.getTime() + HOUR), { hours: 4 }),
      ]);

      const responses = await Promise.all(
        [a, b].map((shift) =>
          call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: id }),
        ),
      );

      expect(responses.map((r) => r.status).sort()).toEqual([201, 422]);
      const refused = (await responses.find((r) => r.status === 422)?.json()) as Problem;
      expect(refused.failures?.map((f) => f.code)).toContain('schedule_overlap');
      expect(await db.collection('assignments').countDocuments({ workerId: id })).toBe(1);
    }
  });

  it('fills a shift of headcount N with exactly N of N+1 workers proposed at the same moment', async () => {
    const N = 5;
    const ids = Array.from({ length: N + 1 }, (_, i) => `w-fill-${i}`);
    for (const id of ids) await eligibleWorker(call, worker(id), id, operator);
    const shift = await postShift(call, owner, business, day(30), { headcount: N });

    const responses = await Promise.all(
      ids.map((id) => call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: id })),
    );

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(N);
    expect(statuses.filter((s) => s === 409)).toHaveLength(1);
    const refused = (await responses.find((r) => r.status === 409)?.json()) as Problem;
    expect(refused.code).toBe('shift_full');
    const view = await json<{ filled: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    expect(view.filled).toBe(N);
    expect(
      await db.collection('assignments').countDocuments({ shiftId: shift.id, state: 'proposed' }),
    ).toBe(N);
    // The worker left out holds no time: nothing is left in any schedule for this shift but N.
    const schedules = await db
      .collection<{ _id: string; entries: { shiftId: string }[] }>('worker_schedules')
      .find({ _id: { $in: ids } })
      .toArray();
    expect(schedules.flatMap((s) => s.entries).filter((e) => e.shiftId === shift.id)).toHaveLength(
      N,
    );
  });

  it('lets one application of a worker to a shift through when the same is sent at once', async () => {
    await eligibleWorker(call, worker('w-twice'), 'w-twice', operator);
    const shift = await postShift(call, owner, business, day(31));

    const responses = await Promise.all(
      [1, 2, 3].map(() => call('POST', `/shifts/${shift.id}/applications`, worker('w-twice'))),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const refused = await Promise.all(
      responses.filter((r) => r.status === 409).map((r) => r.json() as Promise<Problem>),
    );
    expect(refused.map((p) => p.code)).toEqual(['already_on_shift', 'already_on_shift']);
  });
});
