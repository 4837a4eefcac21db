import { AssignmentsModule } from '../../src/modules/assignments/assignments.module.js';
import { ShiftsModule } from '../../src/modules/shifts/shifts.module.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AssignmentsRepository } from '../../src/modules/assignments/assignments.repository.js';
import { ShiftsRepository } from '../../src/modules/shifts/shifts.repository.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, kst, postShift, verifiedBusiness } from './setup.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('tr-owner', ['business']);
const stranger = mint.access('tr-stranger', ['business']);
const operator = mint.access('op-1', ['operator']);
const worker = (id: string) => mint.access(id, ['worker']);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 09:00 KST, `n` days from now. */
const day = (n: number) => {
  const d = new Date(Date.now() + n * DAY);
  d.setUTCHours(0, 0, 0, 0);
  return d;
};
const UNKNOWN_ID = '0123456789abcdef01234567';

interface AssignmentView {
  id: string;
  state: string;
  history: { from: string | null; to: string; by: { id: string; role: string }; reason?: string }[];
  cancellation: { by: { role: string }; reason: string; late: boolean } | null;
  hoursWorked: number | null;
}
interface Problem {
  status: number;
  code: string;
  failures?: { code: string }[];
  [key: string]: unknown;
}

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
afterEach(() => vi.restoreAllMocks());
afterAll(() => api?.close());

async function problem(response: Response, status: number, code: string): Promise<Problem> {
  const body = await json<Problem>(response, status);
  expect(body.code).toBe(code);
  return body;
}

const filled = async (shiftId: string) =>
  (await json<{ filled: number }>(await call('GET', `/shifts/${shiftId}`, owner), 200)).filled;

/** A worker proposed (and, with `accept`, confirmed) on a new shift `n` days out. */
async function proposal(workerId: string, n: number, accept = false) {
  await eligibleWorker(call, worker(workerId), workerId, operator);
  const shift = await postShift(call, owner, business, day(n));
  const proposed = await json<AssignmentView>(
    await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId }),
    201,
  );
  if (accept)
    await json(await call('POST', `/assignments/${proposed.id}/accept`, worker(workerId)), 200);
  return { id: proposed.id, shiftId: shift.id };
}

describe('applications: apply, withdraw, reject', () => {
  it('applies once; a second application is 409 already_on_shift', async () => {
    await eligibleWorker(call, worker('tr-apply'), 'tr-apply', operator);
    const shift = await postShift(call, owner, business, day(3));

    const applied = await json<AssignmentView>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('tr-apply')),
      201,
    );
    expect(applied).toMatchObject({ state: 'applied', history: [{ from: null, to: 'applied' }] });
    await problem(
      await call('POST', `/shifts/${shift.id}/applications`, worker('tr-apply')),
      409,
      'already_on_shift',
    );
    // An application holds no slot.
    expect(await filled(shift.id)).toBe(0);
  });

  it('refuses an application from a member who is not a worker (403, by the route’s roles)', async () => {
    const shift = await postShift(call, owner, business, day(3));

    // The route serves workers only, so the guard answers before the service (whose own
    // workers_only refusal stays as defence in depth, unit-tested).
    await problem(
      await call('POST', `/shifts/${shift.id}/applications`, owner),
      403,
      'insufficient_role',
    );
  });

  it('refuses an ineligible worker’s application with every failing rule (422 not_eligible)', async () => {
    const shift = await postShift(call, owner, business, day(3));
    await json(
      await call('PUT', '/workers/me', worker('tr-unverified'), {
        legalName: '이지원',
        birthDate: '1999-11-30',
        phone: '010-8765-4321',
      }),
      200,
    );

    const refused = await problem(
      await call('POST', `/shifts/${shift.id}/applications`, worker('tr-unverified')),
      422,
      'not_eligible',
    );
    expect(refused.failures?.map((f) => f.code)).toEqual([
      'identity_not_verified',
      'bank_account_missing',
    ]);
    expect(await db.collection('assignments').countDocuments({ workerId: 'tr-unverified' })).toBe(
      0,
    );
  });

  it('answers 404 shift_not_found for a shift that does not exist and 400 for an id that cannot', async () => {
    await problem(
      await call('POST', `/shifts/${UNKNOWN_ID}/applications`, worker('tr-apply')),
      404,
      'shift_not_found',
    );
    await problem(
      await call('POST', '/shifts/not-an-id/applications', worker('tr-apply')),
      400,
      'validation_failed',
    );
  });

  it('withdraws the worker’s own application once; not another worker’s', async () => {
    await eligibleWorker(call, worker('tr-withdraw'), 'tr-withdraw', operator);
    const shift = await postShift(call, owner, business, day(4));
    const applied = await json<AssignmentView>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('tr-withdraw')),
      201,
    );

    await problem(
      await call('POST', `/assignments/${applied.id}/withdraw`, worker('tr-apply')),
      403,
      'not_your_assignment',
    );
    const withdrawn = await json<AssignmentView>(
      await call('POST', `/assignments/${applied.id}/withdraw`, worker('tr-withdraw')),
      200,
    );
    expect(withdrawn.state).toBe('withdrawn');
    const again = await problem(
      await call('POST', `/assignments/${applied.id}/withdraw`, worker('tr-withdraw')),
      409,
      'illegal_transition',
    );
    expect(again).toMatchObject({
      action: 'withdraw',
      from: 'withdrawn',
      allowedFrom: ['applied'],
    });
    // Withdrawn, the worker may apply again.
    await json(await call('POST', `/shifts/${shift.id}/applications`, worker('tr-withdraw')), 201);
  });

  it('rejects an application for the business with a reason the worker reads as written', async () => {
    await eligibleWorker(call, worker('tr-reject'), 'tr-reject', operator);
    const shift = await postShift(call, owner, business, day(4));
    const applied = await json<AssignmentView>(
      await call('POST', `/shifts/${shift.id}/applications`, worker('tr-reject')),
      201,
    );

    await problem(
      await call('POST', `/assignments/${applied.id}/reject`, stranger, { reason: '마감' }),
      403,
      'not_business_staff',
    );
    await problem(
      await call('POST', `/assignments/${applied.id}/reject`, owner, { reason: '마감', extra: 1 }),
      400,
      'validation_failed',
    );
    await json(
      await call('POST', `/assignments/${applied.id}/reject`, owner, { reason: '인원 마감' }),
      200,
    );

    const seen = await json<AssignmentView>(
      await call('GET', `/assignments/${applied.id}`, worker('tr-reject')),
      200,
    );
    expect(seen).toMatchObject({ state: 'rejected' });
    expect(seen.history.at(-1)).toMatchObject({
      from: 'applied',
      to: 'rejected',
      by: { id: 'tr-owner', role: 'business' },
      reason: '인원 마감',
    });
    await problem(
      await call('POST', `/assignments/${applied.id}/reject`, owner, {}),
      409,
      'illegal_transition',
    );
  });
});

describe('proposals: propose, accept, decline', () => {
  it('proposes once; again is 409 already_on_shift; an unknown worker is 404; a bad body 400', async () => {
    const { shiftId } = await proposal('tr-propose', 5);

    await problem(
      await call('POST', `/shifts/${shiftId}/assignments`, owner, { workerId: 'tr-propose' }),
      409,
      'already_on_shift',
    );
    await problem(
      await call('POST', `/shifts/${shiftId}/assignments`, owner, { workerId: 'tr-nobody' }),
      404,
      'worker_not_found',
    );
    await problem(
      await call('POST', `/shifts/${shiftId}/assignments`, owner, {}),
      400,
      'validation_failed',
    );
    await problem(
      await call('POST', `/shifts/${UNKNOWN_ID}/assignments`, owner, { workerId: 'tr-propose' }),
      404,
      'shift_not_found',
    );
    expect(await filled(shiftId)).toBe(1);
  });

  it('declines a proposal, giving back the slot; declining again is 409', async () => {
    const { id, shiftId } = await proposal('tr-decline', 6);

    const declined = await json<AssignmentView>(
      await call('POST', `/assignments/${id}/decline`, worker('tr-decline')),
      200,
    );
    expect(declined.state).toBe('declined');
    expect(await filled(shiftId)).toBe(0);
    await problem(
      await call('POST', `/assignments/${id}/decline`, worker('tr-decline')),
      409,
      'illegal_transition',
    );
    await problem(
      await call('POST', `/assignments/${id}/accept`, worker('tr-decline')),
      409,
      'illegal_transition',
    );
  });

  it('refuses to confirm a proposal the worker is no longer eligible for (422), holding it still', async () => {
    const { id, shiftId } = await proposal('tr-revoked', 7);
    await json(
      await call('POST', '/operator/workers/tr-revoked/identity', operator, {
        action: 'revoke',
        evidence: 'Ticket 900: the identity document was not the worker’s',
      }),
      200,
    );

    const refused = await problem(
      await call('POST', `/assignments/${id}/accept`, worker('tr-revoked')),
      422,
      'not_eligible',
    );
    expect(refused.failures?.map((f) => f.code)).toContain('identity_not_verified');
    const after = await json<AssignmentView>(await call('GET', `/assignments/${id}`, owner), 200);
    expect(after.state).toBe('proposed');
    expect(await filled(shiftId)).toBe(1);
  });

  it('answers 404 assignment_not_found for an assignment that does not exist', async () => {
    await problem(
      await call('GET', `/assignments/${UNKNOWN_ID}`, owner),
      404,
      'assignment_not_found',
    );
    await problem(
      await call('POST', `/assignments/${UNKNOWN_ID}/accept`, worker('tr-propose')),
      404,
      'assignment_not_found',
    );
  });
});

describe('cancellation', () => {
  it('lets the business cancel with a reason, not late days ahead; the worker hears it was the business', async () => {
    const { id, shiftId } = await proposal('tr-cancel-biz', 8, true);

    await problem(
      await call('POST', `/assignments/${id}/cancel`, owner, {}),
      400,
      'validation_failed',
    );
    await problem(
      await call('POST', `/assignments/${id}/cancel`, worker('tr-propose'), {
        reason: '취소합니다',
      }),
      403,
      'not_business_staff',
    );
    const cancelled = await json<AssignmentView>(
      await call('POST', `/assignments/${id}/cancel`, owner, { reason: '행사 규모 축소' }),
      200,
    );

    expect(cancelled).toMatchObject({
      state: 'cancelled',
      cancellation: { by: { role: 'business' }, reason: '행사 규모 축소', late: false },
    });
    expect(await filled(shiftId)).toBe(0);
    const stored = await db
      .collection<{ _id: unknown; outbox: { type: string; payload: Record<string, unknown> }[] }>(
        'assignments',
      )
      .findOne({ workerId: 'tr-cancel-biz' });
    expect(stored?.outbox.at(-1)).toMatchObject({
      type: 'assignment.cancelled',
      payload: { cancelledBy: 'business', late: false },
    });
    await problem(
      await call('POST', `/assignments/${id}/cancel`, owner, { reason: '다시 취소' }),
      409,
      'illegal_transition',
    );
  });
});

/**
 * The refusals that only a race produces, made to happen on cue: the repository method the
 * decision writes through first lets the other request land, then goes on.
 */
describe('races, on cue', () => {
  it('answers 409 shift_changed when the shift’s time moves while a proposal is decided', async () => {
    await eligibleWorker(call, worker('tr-race-moved'), 'tr-race-moved', operator);
    const shift = await postShift(call, owner, business, day(9));
    const { version } = await json<{ version: number }>(
      await call('GET', `/shifts/${shift.id}`, owner),
      200,
    );
    const shifts = api.app.select(ShiftsModule).get(ShiftsRepository, { strict: true });
    const reserve = shifts.reserveSlot.bind(shifts);
    vi.spyOn(shifts, 'reserveSlot').mockImplementationOnce(async (...args) => {
      await json(
        await call('PATCH', `/shifts/${shift.id}`, owner, {
          version,
          startsAt: kst(new Date(day(9).getTime() + HOUR)),
        }),
        200,
      );
      return reserve(...args);
    });

    await problem(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'tr-race-moved' }),
      409,
      'shift_changed',
    );
    expect(await filled(shift.id)).toBe(0);
    expect(await db.collection('assignments').countDocuments({ workerId: 'tr-race-moved' })).toBe(
      0,
    );
  });

  it('answers 409 shift_not_open when the shift is cancelled while a proposal is decided', async () => {
    await eligibleWorker(call, worker('tr-race-cancelled'), 'tr-race-cancelled', operator);
    const shift = await postShift(call, owner, business, day(9));
    const shifts = api.app.select(ShiftsModule).get(ShiftsRepository, { strict: true });
    const reserve = shifts.reserveSlot.bind(shifts);
    vi.spyOn(shifts, 'reserveSlot').mockImplementationOnce(async (...args) => {
      await json(
        await call('POST', `/shifts/${shift.id}/cancel`, owner, { reason: '행사 취소' }),
        200,
      );
      return reserve(...args);
    });

    await problem(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, {
        workerId: 'tr-race-cancelled',
      }),
      409,
      'shift_not_open',
    );
    expect(
      await db.collection('assignments').countDocuments({ workerId: 'tr-race-cancelled' }),
    ).toBe(0);
  });

  it('answers 409 shift_full when the last slot goes while a proposal is decided', async () => {
    await eligibleWorker(call, worker('tr-race-first'), 'tr-race-first', operator);
    await eligibleWorker(call, worker('tr-race-second'), 'tr-race-second', operator);
    const shift = await postShift(call, owner, business, day(10), { headcount: 1 });
    const shifts = api.app.select(ShiftsModule).get(ShiftsRepository, { strict: true });
    const reserve = shifts.reserveSlot.bind(shifts);
    vi.spyOn(shifts, 'reserveSlot').mockImplementationOnce(async (...args) => {
      await json(
        await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'tr-race-first' }),
        201,
      );
      return reserve(...args);
    });

    await problem(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'tr-race-second' }),
      409,
      'shift_full',
    );
    expect(await filled(shift.id)).toBe(1);
  });

  it('answers 409 assignment_changed when the assignment moves to a state the action still allows', async () => {
    const { id } = await proposal('tr-race-changed', 11);
    const assignments = api.app
      .select(AssignmentsModule)
      .get(AssignmentsRepository, { strict: true });
    const change = assignments.change.bind(assignments);
    vi.spyOn(assignments, 'change').mockImplementationOnce(async (...args) => {
      // The worker accepts between the business's read of the proposal and its cancel.
      await json(await call('POST', `/assignments/${id}/accept`, worker('tr-race-changed')), 200);
      return change(...args);
    });

    await problem(
      await call('POST', `/assignments/${id}/cancel`, owner, { reason: '일정 변경' }),
      409,
      'assignment_changed',
    );
    const after = await json<AssignmentView>(await call('GET', `/assignments/${id}`, owner), 200);
    expect(after.state).toBe('confirmed');
    // Asked again, on what it is now, the cancel goes through.
    await json(
      await call('POST', `/assignments/${id}/cancel`, owner, { reason: '일정 변경' }),
      200,
    );
  });
});

/** Completing, marking a no-show and cancelling late need shifts that start within the test. */
describe('around the start of the shift', () => {
  const people = { complete: '', noShow: '', proposedOnly: '', lateCancel: '' };
  let startsAt: Date;

  beforeAll(async () => {
    const ids = ['tr-complete', 'tr-noshow', 'tr-proposed-only', 'tr-late-cancel'];
    for (const id of ids) await eligibleWorker(call, worker(id), id, operator);
    startsAt = new Date(Date.now() + 2_000);
    const shifts = await Promise.all(
      ids.map(() => postShift(call, owner, business, startsAt, { hours: 4, headcount: 1 })),
    );
    const made = await Promise.all(
      ids.map(async (id, i) => {
        const proposed = await json<{ id: string }>(
          await call('POST', `/shifts/${shifts[i]!.id}/assignments`, owner, { workerId: id }),
          201,
        );
        if (id !== 'tr-proposed-only') {
          await json(await call('POST', `/assignments/${proposed.id}/accept`, worker(id)), 200);
        }
        return proposed.id;
      }),
    );
    [people.complete, people.noShow, people.proposedOnly, people.lateCancel] = made as [
      string,
      string,
      string,
      string,
    ];
    // Before the start: neither completed nor a no-show (409 shift_not_started).
    await problem(
      await call('POST', `/assignments/${people.complete}/complete`, owner, { hoursWorked: 4 }),
      409,
      'shift_not_started',
    );
    await problem(
      await call('POST', `/assignments/${people.noShow}/no-show`, owner),
      409,
      'shift_not_started',
    );
    // Within LATE_CANCELLATION_HOURS the business's cancellation is late too.
    const late = await json<AssignmentView>(
      await call('POST', `/assignments/${people.lateCancel}/cancel`, owner, {
        reason: '우천 취소',
      }),
      200,
    );
    expect(late.cancellation).toMatchObject({ by: { role: 'business' }, late: true });
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, startsAt.getTime() - Date.now() + 50)),
    );
  }, 30_000);

  it('completes with the hours worked, not more than the shift lasted, and only once', async () => {
    const id = people.complete;
    await problem(
      await call('POST', `/assignments/${id}/complete`, owner, { hoursWorked: 4.5 }),
      400,
      'invalid_hours_worked',
    ).then((p) => expect(p.maxHours).toBe(4));
    await problem(
      await call('POST', `/assignments/${id}/complete`, owner, { hoursWorked: 0 }),
      400,
      'validation_failed',
    );
    await problem(
      await call('POST', `/assignments/${id}/complete`, stranger, { hoursWorked: 4 }),
      403,
      'not_business_staff',
    );

    const completed = await json<AssignmentView>(
      await call('POST', `/assignments/${id}/complete`, owner, { hoursWorked: 3.75 }),
      200,
    );

    expect(completed).toMatchObject({ state: 'completed', hoursWorked: 3.75 });
    const schedule = await db
      .collection<{ _id: string; entries: { assignmentId: string; status: string }[] }>(
        'worker_schedules',
      )
      .findOne({ _id: 'tr-complete' });
    expect(schedule?.entries).toEqual([
      expect.objectContaining({ assignmentId: id, status: 'completed' }),
    ]);
    await problem(
      await call('POST', `/assignments/${id}/complete`, owner, { hoursWorked: 4 }),
      409,
      'illegal_transition',
    );
    await problem(
      await call('POST', `/assignments/${id}/no-show`, owner),
      409,
      'illegal_transition',
    );
  });

  it('marks a confirmed worker who did not come a no-show, on the worker’s record at once', async () => {
    const id = people.noShow;
    await problem(
      await call('POST', `/assignments/${id}/no-show`, worker('tr-noshow')),
      403,
      'insufficient_role',
    );
    await problem(
      await call('POST', `/assignments/${id}/no-show`, stranger),
      403,
      'not_business_staff',
    );

    const marked = await json<AssignmentView>(
      await call('POST', `/assignments/${id}/no-show`, owner),
      200,
    );

    expect(marked.state).toBe('no_show');
    const stored = await db
      .collection<{ _id: string; noShows: { assignmentId: string }[] }>('workers')
      .findOne({ _id: 'tr-noshow' });
    expect(stored?.noShows.map((n) => n.assignmentId)).toEqual([id]);
    await problem(
      await call('POST', `/assignments/${id}/no-show`, owner),
      409,
      'illegal_transition',
    );
  });

  it('refuses a no-show of a proposal the worker never accepted', async () => {
    const refused = await problem(
      await call('POST', `/assignments/${people.proposedOnly}/no-show`, owner),
      409,
      'illegal_transition',
    );
    expect(refused).toMatchObject({
      action: 'no_show',
      from: 'proposed',
      allowedFrom: ['confirmed'],
    });
  });
});
