import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedDatabase } from '../storage/embedded/embedded-database.js';
import { JOB_LEASES, type JobLease } from './job-leases.repository.js';
import { nextRunAfter } from './job-schedule.js';
import { type ScheduledJob, ScheduledJobs } from './scheduled-jobs.js';
import { JobScheduler, type JobSchedulerOptions } from './scheduler.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const silent = pino({ level: 'silent' });
const T0 = new Date('2026-12-05T00:00:00.000Z');
const MINUTE = 60_000;

let dir: string;
let db: EmbeddedDatabase;

beforeEach(async () => {
  // Only the clock and the intervals are fake; SQLite's own scheduling stays real.
  vi.useFakeTimers({
    toFake: ['Date', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
  vi.setSystemTime(T0);
  dir = await mkdtemp(path.join(tmpdir(), 'wm-scheduler-'));
  db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
});

afterEach(async () => {
  vi.useRealTimers();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

function registry(...jobs: ScheduledJob[]): ScheduledJobs {
  const registered = new ScheduledJobs();
  for (const job of jobs) registered.register(job);
  return registered;
}

function scheduler(jobs: ScheduledJobs, options: Partial<JobSchedulerOptions> = {}) {
  return new JobScheduler({ db, jobs, logger: silent, owner: 'task-a', ...options });
}

function everyMinute(run: ScheduledJob['run'] = () => Promise.resolve()): ScheduledJob {
  return { name: 'repair', schedule: { everyMs: MINUTE }, run: vi.fn(run) };
}

const lease = (name = 'repair') => db.collection<JobLease>(JOB_LEASES).findOne({ _id: name });
const advance = (ms: number) => vi.setSystemTime(new Date(Date.now() + ms));

describe('job schedules', () => {
  it('puts an interval run one interval after the time given', () => {
    expect(nextRunAfter({ everyMs: MINUTE }, T0)).toEqual(new Date(T0.getTime() + MINUTE));
  });

  it('puts a daily KST run at that wall-clock time in Seoul, the next day once it has passed', () => {
    const daily = { dailyAtKst: '03:00' };
    // 02:00 KST on the 6th → 03:00 KST the same day (18:00 UTC on the 5th).
    expect(nextRunAfter(daily, new Date('2026-12-05T17:00:00Z'))).toEqual(
      new Date('2026-12-05T18:00:00Z'),
    );
    // Exactly 03:00 KST is not after itself: the next is a day later.
    expect(nextRunAfter(daily, new Date('2026-12-05T18:00:00Z'))).toEqual(
      new Date('2026-12-06T18:00:00Z'),
    );
    // 23:30 KST on the 31st of December → 03:00 KST on the 1st of January.
    expect(nextRunAfter(daily, new Date('2026-12-31T14:30:00Z'))).toEqual(
      new Date('2026-12-31T18:00:00Z'),
    );
  });

  it('refuses a job with a malformed name, schedule, or a name taken already', () => {
    const jobs = new ScheduledJobs();
    const run = () => Promise.resolve();
    expect(() =>
      jobs.register({ name: 'Holds Repair', schedule: { everyMs: MINUTE }, run }),
    ).toThrow(/kebab-case/);
    expect(() =>
      jobs.register({ name: 'nightly', schedule: { dailyAtKst: '24:00' }, run }),
    ).toThrow(/HH:MM/);
    expect(() => jobs.register({ name: 'fast', schedule: { everyMs: 10 }, run })).toThrow(
      /at least 1000/,
    );
    jobs.register({ name: 'repair', schedule: { everyMs: MINUTE }, run });
    expect(() => jobs.register({ name: 'repair', schedule: { everyMs: MINUTE }, run })).toThrow(
      /twice/,
    );
  });
});

describe('JobScheduler', () => {
  it('does not run a job before it is due, and records when it will be', async () => {
    const job = everyMinute();
    const sut = scheduler(registry(job));

    expect(await sut.tick()).toEqual([]);
    advance(MINUTE - 1);
    expect(await sut.tick()).toEqual([]);

    expect(job.run).not.toHaveBeenCalled();
    expect(await lease()).toMatchObject({
      nextRunAt: new Date(T0.getTime() + MINUTE),
      owner: null,
      lastResult: null,
    });
  });

  it('runs a due job, records its result, and schedules the next run from the end of this one', async () => {
    const job = everyMinute(async () => {
      advance(5_000); // the run takes 5 s
      return { slots: 2 };
    });
    const sut = scheduler(registry(job));
    await sut.tick();
    advance(MINUTE);

    expect(await sut.tick()).toEqual(['repair']);

    expect(job.run).toHaveBeenCalledOnce();
    expect(await lease()).toMatchObject({
      owner: null,
      leaseUntil: null,
      lastRunAt: new Date(T0.getTime() + MINUTE),
      lastResult: { status: 'ok', durationMs: 5_000, summary: { slots: 2 } },
      nextRunAt: new Date(T0.getTime() + 2 * MINUTE + 5_000),
    });
    expect(await sut.tick()).toEqual([]); // not due again yet
  });

  it('leaves a due job alone while another task holds its lease', async () => {
    const job = everyMinute();
    const sut = scheduler(registry(job));
    await sut.tick();
    advance(MINUTE);
    await db
      .collection<JobLease>(JOB_LEASES)
      .updateOne(
        { _id: 'repair' },
        { $set: { owner: 'task-b', leaseUntil: new Date(Date.now() + 30_000) } },
      );

    expect(await sut.tick()).toEqual([]);

    expect(job.run).not.toHaveBeenCalled();
    expect(await lease()).toMatchObject({ owner: 'task-b' });
  });

  it('takes over a due job whose holder let its lease expire (a task that died)', async () => {
    const job = everyMinute();
    const sut = scheduler(registry(job));
    await sut.tick();
    advance(MINUTE);
    await db
      .collection<JobLease>(JOB_LEASES)
      .updateOne(
        { _id: 'repair' },
        { $set: { owner: 'task-b', leaseUntil: new Date(Date.now() + 30_000) } },
      );
    advance(30_000);

    expect(await sut.tick()).toEqual(['repair']);

    expect(job.run).toHaveBeenCalledOnce();
    expect(await lease()).toMatchObject({ owner: null, lastResult: { status: 'ok' } });
  });

  it('records a failing run with its error and runs it again at its next time, not sooner', async () => {
    let fail = true;
    const job = everyMinute(() =>
      fail ? Promise.reject(new TypeError('shifts unreachable')) : Promise.resolve(),
    );
    const sut = scheduler(registry(job));
    await sut.tick();
    advance(MINUTE);

    expect(await sut.tick()).toEqual(['repair']);
    expect(await lease()).toMatchObject({
      owner: null,
      lastResult: { status: 'failed', error: 'TypeError: shifts unreachable' },
      nextRunAt: new Date(T0.getTime() + 2 * MINUTE),
    });
    expect(await sut.tick()).toEqual([]);

    fail = false;
    advance(MINUTE);
    expect(await sut.tick()).toEqual(['repair']);
    expect(job.run).toHaveBeenCalledTimes(2);
    expect((await lease())?.lastResult).toMatchObject({ status: 'ok' });
  });

  it('moves the next run when the job comes back with another schedule', async () => {
    await scheduler(registry(everyMinute())).tick();
    const daily: ScheduledJob = { name: 'repair', schedule: { dailyAtKst: '03:00' }, run: vi.fn() };

    await scheduler(registry(daily)).tick();

    expect(await lease()).toMatchObject({
      schedule: 'daily at 03:00 KST',
      nextRunAt: new Date('2026-12-05T18:00:00Z'),
    });
  });

  it('stop() aborts the running job, waits for it, and leaves it due again at once', async () => {
    let seen: AbortSignal | undefined;
    const job = everyMinute(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    const sut = scheduler(registry(job));
    await sut.tick();
    advance(MINUTE);
    const ticked = sut.tick();
    await vi.waitFor(() => expect(seen).toBeDefined());

    await sut.stop();

    expect(seen?.aborted).toBe(true);
    await ticked;
    const stored = await lease();
    expect(stored).toMatchObject({
      owner: null,
      lastResult: { status: 'aborted', error: 'Error: the scheduler is stopping' },
    });
    expect(stored?.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('stop() waits no longer than its grace for a job that ignores its signal', async () => {
    let finish!: () => void;
    let started = false;
    const job = everyMinute(
      () =>
        new Promise<void>((resolve) => {
          started = true;
          finish = resolve;
        }),
    );
    const sut = scheduler(registry(job), { stopGraceMs: 2_000 });
    await sut.tick();
    advance(MINUTE);
    const ticked = sut.tick();
    await vi.waitFor(() => expect(started).toBe(true));

    const stopped = sut.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await stopped; // returned while the job still runs

    expect((await lease())?.owner).toBe('task-a');
    finish();
    await ticked;
  });

  it('start() looks for due jobs every tick on its own', async () => {
    const job = everyMinute();
    const sut = scheduler(registry(job), { tickMs: 5_000 });
    sut.start();

    await vi.advanceTimersByTimeAsync(5_000); // creates the lease, due in a minute
    expect(job.run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MINUTE);
    await vi.waitFor(() => expect(job.run).toHaveBeenCalledOnce());
    await sut.stop();
    expect(sut.isRunning).toBe(false);
  });

  it('aborts a run whose lease another task took over meanwhile, and does not overwrite its record', async () => {
    let seen: AbortSignal | undefined;
    const job = everyMinute(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
    );
    const sut = scheduler(registry(job), { leaseMs: 30_000 });
    await sut.tick();
    advance(MINUTE);
    const ticked = sut.tick();
    await vi.waitFor(() => expect(seen).toBeDefined());
    // A pause longer than the lease (a stalled task): another task took the job over.
    await db
      .collection<JobLease>(JOB_LEASES)
      .updateOne({ _id: 'repair' }, { $set: { owner: 'task-b' } });

    await vi.advanceTimersByTimeAsync(10_000); // the renewal finds the lease gone
    await ticked;

    expect(seen?.aborted).toBe(true);
    expect(await lease()).toMatchObject({ owner: 'task-b', lastResult: null });
  });

  it('renews the lease while a long job runs, so no other task takes it over', async () => {
    let finish!: () => void;
    const job = everyMinute(() => new Promise<void>((resolve) => (finish = resolve)));
    const sut = scheduler(registry(job), { leaseMs: 30_000 });
    const other = scheduler(registry(everyMinute()), { owner: 'task-b', leaseMs: 30_000 });
    await sut.tick();
    advance(MINUTE);
    const ticked = sut.tick();
    await vi.waitFor(() => expect(finish).toBeDefined());

    for (let i = 0; i < 9; i++) await vi.advanceTimersByTimeAsync(10_000); // 90 s, 3 leases long
    await vi.waitFor(async () =>
      expect((await lease())?.leaseUntil?.getTime()).toBeGreaterThan(Date.now()),
    );
    expect(await other.tick()).toEqual([]);

    finish();
    await ticked;
    expect(await lease()).toMatchObject({ owner: null, lastResult: { status: 'ok' } });
  });

  it('runs on their schedules only the jobs it is given, leaving the others alone', async () => {
    const repair = everyMinute();
    const purge: ScheduledJob = { name: 'purge', schedule: { everyMs: MINUTE }, run: vi.fn() };
    const sut = scheduler(registry(repair, purge), { scheduled: ['repair'] });
    await sut.tick();
    advance(MINUTE);

    expect(await sut.tick()).toEqual(['repair']);

    expect(purge.run).not.toHaveBeenCalled();
    expect(await lease('purge')).toBeNull();
    expect((await sut.runNow('purge')).kind).toBe('ran'); // the CLI runs any job
  });

  describe('runNow (the CLI path)', () => {
    it('runs a job that is not due yet and records it', async () => {
      const job = everyMinute(() => Promise.resolve({ slots: 0 }));
      const sut = scheduler(registry(job));

      const outcome = await sut.runNow('repair');

      expect(outcome).toEqual({
        kind: 'ran',
        result: { status: 'ok', durationMs: 0, summary: { slots: 0 } },
      });
      expect(await lease()).toMatchObject({ owner: null, lastRunAt: T0 });
    });

    it('does not run a job another task is running, and names that task', async () => {
      const job = everyMinute();
      await scheduler(registry(job)).tick();
      const until = new Date(Date.now() + 30_000);
      await db
        .collection<JobLease>(JOB_LEASES)
        .updateOne({ _id: 'repair' }, { $set: { owner: 'task-b', leaseUntil: until } });

      const outcome = await scheduler(registry(job)).runNow('repair');

      expect(outcome).toEqual({ kind: 'held', owner: 'task-b', leaseUntil: until });
      expect(job.run).not.toHaveBeenCalled();
    });

    it('answers unknown for a name no module registered', async () => {
      expect(await scheduler(registry(everyMinute())).runNow('nope')).toEqual({ kind: 'unknown' });
      expect(await db.collection(JOB_LEASES).countDocuments()).toBe(0);
    });
  });

  it('status() lists each job with its schedule, next run and last result', async () => {
    const sut = scheduler(registry(everyMinute(() => Promise.resolve({ slots: 1 }))));
    await sut.runNow('repair');

    expect(await sut.status()).toEqual([
      {
        name: 'repair',
        schedule: 'every 1 min',
        nextRunAt: new Date(T0.getTime() + MINUTE).toISOString(),
        lastRunAt: T0.toISOString(),
        lastResult: { status: 'ok', durationMs: 0, summary: { slots: 1 } },
        running: false,
        scheduled: true,
      },
    ]);
  });
});
