import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database, ObjectId } from '../../src/platform/storage/database.js';
import { parseId } from '../../src/platform/storage/ids.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, kst, postShift, verifiedBusiness } from './setup.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('race-owner', ['business']);
const operator = mint.access('op-1', ['operator']);
const worker = (id: string) => mint.access(id, ['worker']);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOLDING = ['proposed', 'confirmed'];
const TRIES = 24;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let api: TestApi;
let db: Database;
let business: string;
const call = caller(() => api.url);
const shiftById = (id: string) =>
  db.collection<StoredShift>('shifts').findOne({ _id: parseId(id) ?? undefined });

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  business = await verifiedBusiness(call, owner, operator);
}, 30_000);
afterAll(() => api?.close());

interface StoredAssignment {
  _id: ObjectId;
  shiftId: string;
  state: string;
  startsAt: Date;
  endsAt: Date;
}
interface StoredShift {
  _id: ObjectId;
  startsAt: Date;
  endsAt: Date;
  filled: number;
  holders: string[];
}

/** What must hold for a worker whatever order two racing requests landed in. */
async function assertConsistent(workerId: string): Promise<void> {
  const assignments = await db
    .collection<StoredAssignment>('assignments')
    .find({ workerId, state: { $in: HOLDING } })
    .toArray();
  for (const a of assignments) {
    const shift = await shiftById(a.shiftId);
    // Never an assignment that holds times its shift no longer has.
    expect([a.startsAt, a.endsAt], `assignment ${a._id.toHexString()}`).toEqual([
      shift?.startsAt,
      shift?.endsAt,
    ]);
    expect(shift?.holders).toContain(a._id.toHexString());
  }
  // Never two holding assignments of the worker that overlap.
  const sorted = [...assignments].sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime());
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i]!.startsAt.getTime()).toBeGreaterThanOrEqual(sorted[i - 1]!.endsAt.getTime());
  }
  // The worker's schedule holds exactly these assignments, at these times.
  const schedule = await db
    .collection<{ _id: string; entries: { assignmentId: string; startsAt: Date; endsAt: Date }[] }>(
      'worker_schedules',
    )
    .findOne({ _id: workerId });
  expect(
    (schedule?.entries ?? [])
      .map((e) => [e.assignmentId, e.startsAt.getTime(), e.endsAt.getTime()])
      .sort(),
  ).toEqual(
    assignments.map((a) => [a._id.toHexString(), a.startsAt.getTime(), a.endsAt.getTime()]).sort(),
  );
}

/**
 * A proposal decides on the shift's times as it read them; an edit may move those times at the
 * same moment. Whichever lands first, the other must fail: the proposal's slot reservation is
 * conditional on the times its verdict was made for (409 shift_changed), and an edit is refused
 * once a slot is held (409 shift_time_locked, or shift_changed when the reservation moved the
 * version under it).
 */
describe('a proposal racing a time edit of the same shift', () => {
  it(`never leaves an assignment at stale times nor a worker double booked (${TRIES} races)`, async () => {
    const outcomes = new Map<string, number>();
    for (let round = 0; round < TRIES; round++) {
      const workerId = `w-time-race-${round}`;
      await eligibleWorker(call, worker(workerId), workerId, operator);
      // 09:00 KST on a day of its own, far enough out for every round.
      const day = new Date(Date.now() + (40 + 2 * round) * DAY);
      day.setUTCHours(0, 0, 0, 0);
      // The worker is confirmed 09:00–13:00 on that day.
      const other = await postShift(call, owner, business, day, { hours: 4 });
      const held = await json<{ id: string }>(
        await call('POST', `/shifts/${other.id}/assignments`, owner, { workerId }),
        201,
      );
      await json(await call('POST', `/assignments/${held.id}/accept`, worker(workerId)), 200);
      // The shift of the race, 09:00–12:00 the day after: the worker is free for it as it stands.
      const shift = await postShift(call, owner, business, new Date(day.getTime() + DAY), {
        hours: 3,
      });
      const { version } = await json<{ version: number }>(
        await call('GET', `/shifts/${shift.id}`, owner),
        200,
      );

      // The business proposes the worker and, at the same moment, moves the shift a day earlier
      // (10:00–12:00), into the time the worker is already confirmed for. One of the two is
      // sent up to 4 ms after the other, so over the rounds the edit lands before, inside and
      // after the proposal's read-decide-write.
      const offset = (round % 8) - 3;
      const [proposal, edit] = await Promise.all([
        sleep(Math.max(0, -offset)).then(() =>
          call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId }),
        ),
        sleep(Math.max(0, offset)).then(() =>
          call('PATCH', `/shifts/${shift.id}`, owner, {
            version,
            startsAt: kst(new Date(day.getTime() + HOUR)),
            endsAt: kst(new Date(day.getTime() + 3 * HOUR)),
          }),
        ),
      ]);

      const proposed = (await proposal.json()) as { code?: string; failures?: { code: string }[] };
      const edited = (await edit.json()) as { code?: string };
      const outcome = `proposal ${proposal.status} ${proposed.code ?? ''} ${proposed.failures?.map((f) => f.code).join() ?? ''} / edit ${edit.status} ${edited.code ?? ''}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // Exactly one of the two succeeds: never both (stale times), never neither.
      expect([proposal.status === 201, edit.status === 200].filter(Boolean), outcome).toHaveLength(
        1,
      );
      if (proposal.status !== 201) {
        expect(['not_eligible', 'shift_changed'], outcome).toContain(proposed.code);
      }
      if (edit.status !== 200) {
        expect(['shift_time_locked', 'shift_changed'], outcome).toContain(edited.code);
      }
      await assertConsistent(workerId);
      const stored = await shiftById(shift.id);
      expect(stored?.filled).toBe(proposal.status === 201 ? 1 : 0);
    }
    // The requests really raced: the rounds did not all land in one order.
    expect(outcomes.size, JSON.stringify([...outcomes])).toBeGreaterThan(1);
  }, 120_000);
});
