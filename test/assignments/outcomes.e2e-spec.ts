import { WorkersModule } from '../../src/modules/workers/workers.module.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkerSchedulesRepository } from '../../src/modules/assignments/worker-schedules.repository.js';
import { WorkersRepository } from '../../src/modules/workers/workers.repository.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database, ObjectId } from '../../src/platform/storage/database.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { parseId } from '../../src/platform/storage/ids.js';
import { JobScheduler } from '../../src/platform/jobs/scheduler.js';
import { WorkerModule } from '../../src/worker.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { caller, eligibleWorker, json, postShift, verifiedBusiness } from './setup.js';
import { until } from '../support/until.js';

const silent = pino({ level: 'silent' });
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('outcome-owner', ['business']);
const operator = mint.access('op-1', ['operator']);
const worker = (id: string) => mint.access(id, ['worker']);
const DAY = 24 * 3_600_000;

interface StoredWorker {
  _id: string;
  noShows: { assignmentId: string; shiftId: string; at: Date }[];
}
interface StoredSchedule {
  _id: string;
  entries: { assignmentId: string; status: string }[];
}
interface StoredAssignment {
  _id: ObjectId;
  outbox: { type: string }[];
}

/**
 * Marking a no-show or a completion is one write of the assignment that carries its outcome
 * event; the worker's record (the no-show, the schedule entry) follows from it. The API applies
 * the record at once, and the worker process applies it again from the event, so a failure of the
 * API's write of the record loses nothing: here that write fails once, on purpose.
 */
describe('the worker-side record of a no-show or a completion', () => {
  let dir: string;
  let engine: EmbeddedDatabase;
  let api: TestApi;
  let workerProcess: INestApplicationContext;
  let db: Database;
  let business: string;
  const call = caller(() => api.url);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-outcomes-'));
    engine = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent });
    api = await startTestApi({
      env: {
        EMBEDDED_DB_DIR: path.join(dir, 'db'),
        OUTBOX_POLL_MS: '50',
        ELIGIBILITY_MAX_NO_SHOWS: '1',
      },
    });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    workerProcess = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(api.config, silent),
      { logger: false },
    );
    db = engine;
    business = await verifiedBusiness(call, owner, operator);
  }, 60_000);
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await workerProcess?.close();
    await api?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A confirmed assignment of `workerId` on a one-hour shift that has just started. */
  async function startedAssignment(workerId: string): Promise<{ id: string; shiftId: string }> {
    await eligibleWorker(call, worker(workerId), workerId, operator);
    const startsAt = new Date(Date.now() + 1_500);
    const shift = await postShift(call, owner, business, startsAt, { hours: 1, headcount: 1 });
    const proposed = await json<{ id: string }>(
      await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId }),
      201,
    );
    await json(await call('POST', `/assignments/${proposed.id}/accept`, worker(workerId)), 200);
    await until(async () => Date.now() > startsAt.getTime(), 5_000);
    return { id: proposed.id, shiftId: shift.id };
  }

  const outboxDrained = (id: string) => async () =>
    (await db.collection<StoredAssignment>('assignments').findOne({ _id: parseId(id)! }))?.outbox
      .length === 0;

  it('runs the holds repair as a named job of its scheduler, recorded in its lease', async () => {
    const scheduler = workerProcess.get(JobScheduler);

    const outcome = await scheduler.runNow('holds-repair');

    expect(outcome).toMatchObject({ kind: 'ran', result: { status: 'ok' } });
    const [status] = (await scheduler.status()).filter((job) => job.name === 'holds-repair');
    expect(status).toMatchObject({ schedule: 'every 1 min', lastResult: { status: 'ok' } });
    expect(Date.parse(status?.nextRunAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('records a no-show on the worker even when the API’s write of it fails, and a retry is refused without losing it', async () => {
    const assignment = await startedAssignment('w-noshow-lost');
    vi.spyOn(
      api.app.select(WorkersModule).get(WorkersRepository, { strict: true }),
      'addNoShow',
    ).mockRejectedValueOnce(new Error('connection reset'));

    const marked = await json<{ state: string }>(
      await call('POST', `/assignments/${assignment.id}/no-show`, owner),
      200,
    );
    expect(marked.state).toBe('no_show');
    // The failure is logged with ids only, as a warning: nothing was lost.
    expect(api.logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        assignmentId: assignment.id,
        outcome: 'no_show',
        msg: expect.stringContaining('the worker process applies it') as unknown,
      }),
    );
    // The business did not see an answer and sends the request again: the assignment is
    // already a no-show, and says so.
    const again = await json<{ code: string; from: string }>(
      await call('POST', `/assignments/${assignment.id}/no-show`, owner),
      409,
    );
    expect(again).toMatchObject({ code: 'illegal_transition', from: 'no_show' });

    // The worker process applies the outcome event: the no-show arrives, once.
    await until(outboxDrained(assignment.id));
    const stored = await db.collection<StoredWorker>('workers').findOne({ _id: 'w-noshow-lost' });
    expect(stored?.noShows.map((n) => [n.assignmentId, n.shiftId])).toEqual([
      [assignment.id, assignment.shiftId],
    ]);
    // ...with the holds given back,
    const schedule = await db
      .collection<StoredSchedule>('worker_schedules')
      .findOne({ _id: 'w-noshow-lost' });
    expect(schedule?.entries).toEqual([]);
    const shift = await json<{ filled: number }>(
      await call('GET', `/shifts/${assignment.shiftId}`, owner),
      200,
    );
    expect(shift.filled).toBe(0);
    // ...and it counts against the worker (ELIGIBILITY_MAX_NO_SHOWS=1 here).
    const next = await postShift(call, owner, business, new Date(Date.now() + 3 * DAY));
    const verdict = await json<{ eligible: boolean; failures: { code: string }[] }>(
      await call('GET', `/shifts/${next.id}/eligibility/w-noshow-lost`, owner),
      200,
    );
    expect(verdict.failures.map((f) => f.code)).toEqual(['too_many_no_shows']);
  });

  it('marks the schedule entry worked even when the API’s write of it fails', async () => {
    const assignment = await startedAssignment('w-complete-lost');
    vi.spyOn(api.app.get(WorkerSchedulesRepository), 'replace').mockRejectedValueOnce(
      new Error('connection reset'),
    );

    const completed = await json<{ state: string; hoursWorked: number }>(
      await call('POST', `/assignments/${assignment.id}/complete`, owner, { hoursWorked: 1 }),
      200,
    );
    expect(completed).toMatchObject({ state: 'completed', hoursWorked: 1 });
    await json(
      await call('POST', `/assignments/${assignment.id}/complete`, owner, { hoursWorked: 1 }),
      409,
    );

    await until(outboxDrained(assignment.id));
    const schedule = await db
      .collection<StoredSchedule>('worker_schedules')
      .findOne({ _id: 'w-complete-lost' });
    expect(schedule?.entries).toEqual([
      expect.objectContaining({ assignmentId: assignment.id, status: 'completed' }),
    ]);
  });
});
