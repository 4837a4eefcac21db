import { ShiftsModule } from '../../src/modules/shifts/shifts.module.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoldsRepair, ORPHAN_GRACE_MS } from '../../src/modules/assignments/holds-repair.js';
import { WorkerSchedulesRepository } from '../../src/modules/assignments/worker-schedules.repository.js';
import { ShiftsRepository } from '../../src/modules/shifts/shifts.repository.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { newId } from '../../src/platform/storage/ids.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, postShift, verifiedBusiness } from './setup.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('repair-owner', ['business']);
const operator = mint.access('op-1', ['operator']);
const DAY = 24 * 3_600_000;

let api: TestApi;
const call = caller(() => api.url);

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
}, 30_000);
afterAll(() => api?.close());

/**
 * A process that dies between the writes of a proposal leaves the worker's time or the shift's
 * slot held for an assignment that never came to be: the repair gives them back, and only them.
 */
describe('holds repair', () => {
  it('gives back holds without a holding assignment once the grace period is over, and keeps the rest', async () => {
    const business = await verifiedBusiness(call, owner, operator);
    await eligibleWorker(call, mint.access('w-kept', ['worker']), 'w-kept', operator);
    const shift = await postShift(call, owner, business, new Date(Date.now() + 4 * DAY), {
      headcount: 3,
    });
    const kept = await json<{ id: string }>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-kept' }),
      201,
    );
    // What a crash after the first two writes of a proposal leaves: time and a slot held for an
    // assignment id that was never written.
    const schedules = api.app.get(WorkerSchedulesRepository);
    const shifts = api.app.select(ShiftsModule).get(ShiftsRepository, { strict: true });
    const orphan = newId().toHexString();
    const now = new Date();
    const schedule = await schedules.get('w-orphaned');
    const stored = await shifts.getById(shift.id);
    await schedules.replace(
      schedule,
      [
        {
          assignmentId: orphan,
          shiftId: shift.id,
          startsAt: stored!.startsAt,
          endsAt: stored!.endsAt,
          status: 'proposed',
          heldAt: now,
        },
      ],
      now,
    );
    expect(await shifts.reserveSlot(shift.id, orphan, now, stored!)).toBe('reserved');
    const repair = api.app.get(HoldsRepair);

    // Within the grace period it could be a decision in flight: nothing is touched.
    expect(await repair.run(now)).toEqual({ scheduleEntries: 0, slots: 0 });

    const later = new Date(now.getTime() + ORPHAN_GRACE_MS + 60_000);
    expect(await repair.run(later)).toEqual({ scheduleEntries: 1, slots: 1 });
    expect((await schedules.get('w-orphaned')).entries).toEqual([]);
    const after = await shifts.getById(shift.id);
    expect(after?.filled).toBe(1);
    expect((await schedules.get('w-kept')).entries.map((e) => e.assignmentId)).toEqual([kept.id]);
    // Run again: nothing left to give back.
    expect(await repair.run(later)).toEqual({ scheduleEntries: 0, slots: 0 });
  });

  it('reaches every orphan, however many schedules hold one (it pages through them)', async () => {
    const schedules = api.app.get(WorkerSchedulesRepository);
    const now = new Date();
    const startsAt = new Date(now.getTime() + 5 * DAY);
    const endsAt = new Date(startsAt.getTime() + 3_600_000);
    for (let i = 0; i < 450; i++) {
      const workerId = `w-many-${String(i).padStart(3, '0')}`;
      await schedules.replace(
        await schedules.get(workerId),
        [
          {
            assignmentId: newId().toHexString(),
            shiftId: newId().toHexString(),
            startsAt,
            endsAt,
            status: 'proposed',
            heldAt: now,
          },
        ],
        now,
      );
    }

    const result = await api.app
      .get(HoldsRepair)
      .run(new Date(now.getTime() + ORPHAN_GRACE_MS + 60_000));

    expect(result.scheduleEntries).toBe(450);
    expect((await schedules.get('w-many-449')).entries).toEqual([]);
  });

  it('stops at once when its run is aborted (a stopping worker), giving nothing back', async () => {
    const schedules = api.app.get(WorkerSchedulesRepository);
    const now = new Date();
    const startsAt = new Date(now.getTime() + 6 * DAY);
    await schedules.replace(
      await schedules.get('w-aborted'),
      [
        {
          assignmentId: newId().toHexString(),
          shiftId: newId().toHexString(),
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3_600_000),
          status: 'proposed',
          heldAt: now,
        },
      ],
      now,
    );
    const stopping = new AbortController();
    stopping.abort(new Error('the scheduler is stopping'));

    await expect(
      api.app
        .get(HoldsRepair)
        .run(new Date(now.getTime() + ORPHAN_GRACE_MS + 60_000), stopping.signal),
    ).rejects.toThrow('the scheduler is stopping');
    expect((await schedules.get('w-aborted')).entries).toHaveLength(1);
  });
});
