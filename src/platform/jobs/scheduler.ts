import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { metrics } from '../metrics/metrics.js';
import { describeSchedule, nextRunAfter } from './job-schedule.js';
import { type JobLease, JobLeasesRepository, type JobRunResult } from './job-leases.repository.js';
import type { ScheduledJob, ScheduledJobs } from './scheduled-jobs.js';

export interface JobSchedulerOptions {
  db: Database;
  jobs: Pick<ScheduledJobs, 'get' | 'list'>;
  logger: Logger;
  /** How often to look for due jobs. Default 5 s. */
  tickMs?: number;
  /** How long a lease holds without renewal; a running job renews it every third of this. Default 60 s. */
  leaseMs?: number;
  /** How long `stop()` waits for aborted jobs to return. Default 10 s. */
  stopGraceMs?: number;
  now?: () => Date;
  /** Names this process in leases; unique per instance. */
  owner?: string;
  /**
   * The jobs the loop runs on their schedules (`WORKER_JOBS`); default all. The others are left
   * to whatever runs them elsewhere (EventBridge through the CLI); `runNow()` runs any.
   */
  scheduled?: 'all' | readonly string[];
}

/** What `/health/ready` shows of a job. */
export interface JobStatus {
  name: string;
  schedule: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastResult: JobRunResult | null;
  /** A task holds its lease now (a run in progress, here or in another task). */
  running: boolean;
  /** This scheduler runs it on its schedule; false: it is run elsewhere (`WORKER_JOBS`). */
  scheduled: boolean;
}

/** What `runNow()` found: the run's result, or the task whose lease kept it from running. */
export type RunNowOutcome =
  | { kind: 'ran'; result: JobRunResult }
  | { kind: 'held'; owner: string | null; leaseUntil: Date | null }
  | { kind: 'unknown' };

interface Running {
  controller: AbortController;
  done: Promise<JobRunResult>;
}

/**
 * Runs named jobs on their schedules, each at most once at a time across every task sharing the
 * database: a due job is run by whichever task first takes its lease in `job_leases` (a
 * conditional `findOneAndUpdate`, as the outbox takes its claims), the lease is renewed while the
 * job runs, and one whose holder died is taken over once it expires. The run's result and the
 * next due time are written back with the lease's release, and a failed run waits for its next
 * scheduled time. `runNow()` is the same path without the due check, for the CLI.
 *
 * Written here rather than taken from a cron library (node-cron, croner, bree): the part that
 * matters, a lease in our own database across tasks, is what those leave out, and two schedule
 * forms need no parser.
 */
export class JobScheduler {
  private readonly repository: JobLeasesRepository;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly stopGraceMs: number;
  private readonly now: () => Date;
  readonly owner: string;
  private readonly log: Logger;

  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopping = false;

  constructor(private readonly options: JobSchedulerOptions) {
    this.repository = new JobLeasesRepository(options.db);
    this.tickMs = options.tickMs ?? 5_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.log = options.logger;
  }

  get isRunning(): boolean {
    return this.timer !== undefined;
  }

  /** Whether any job is this scheduler's to run on its schedule (else it need not start). */
  get schedulesAny(): boolean {
    const scheduled = this.options.scheduled ?? 'all';
    return scheduled === 'all' || scheduled.length > 0;
  }

  private isScheduled(name: string): boolean {
    const scheduled = this.options.scheduled ?? 'all';
    return scheduled === 'all' || scheduled.includes(name);
  }

  /** Looks for due jobs every `tickMs` until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => {
      // One look at a time; the runs it starts go on in the background.
      this.ticking ??= this.startDueRuns()
        .catch((error: unknown) => this.log.warn({ err: error }, 'scheduler tick failed'))
        .finally(() => (this.ticking = undefined));
    }, this.tickMs);
    this.timer.unref();
    this.log.info(
      {
        owner: this.owner,
        jobs: this.options.jobs
          .list()
          .map((job) => job.name)
          .filter((name) => this.isScheduled(name)),
      },
      'scheduler started',
    );
  }

  /**
   * Takes no new runs, aborts the running ones' signals and waits up to `stopGraceMs` for them
   * to return; a job that ignores its signal is left to finish alone, and its lease to expire.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort(new Error('the scheduler is stopping'));
    if (runs.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      Promise.allSettled(runs.map((run) => run.done)).then(() => false),
      new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(true), this.stopGraceMs)),
      ),
    ]);
    clearTimeout(timer);
    if (late) {
      this.log.warn(
        { jobs: [...this.running.keys()], graceMs: this.stopGraceMs },
        'jobs still running after the stop grace; their leases will expire',
      );
    }
  }

  /**
   * One look: creates missing lease documents, takes the lease of each due job nobody holds and
   * runs it. Resolves when those runs have ended, with their names (the loop does not wait).
   */
  async tick(): Promise<string[]> {
    const started = await this.startDueRuns();
    await Promise.allSettled(started.map(([, run]) => run.done));
    return started.map(([name]) => name);
  }

  private async startDueRuns(): Promise<[string, Running][]> {
    const jobs = this.options.jobs.list().filter((job) => this.isScheduled(job.name));
    if (jobs.length === 0) return [];
    const leases = new Map(
      (await this.repository.getMany(jobs.map((job) => job.name))).map((l) => [l._id, l]),
    );
    const started: [string, Running][] = [];
    for (const job of jobs) {
      if (this.stopping) break;
      if (this.running.has(job.name)) continue;
      const now = this.now();
      const lease = await this.prepare(job, leases.get(job.name), now);
      if (lease.nextRunAt > now || (lease.leaseUntil && lease.leaseUntil > now)) continue;
      const run = await this.claimAndRun(job, now, true);
      if (run) started.push([job.name, run]);
    }
    return started;
  }

  /** The job's lease document, created on first sight and moved when its schedule changed. */
  private async prepare(job: ScheduledJob, lease: JobLease | undefined, now: Date) {
    const schedule = describeSchedule(job.schedule);
    if (lease && lease.schedule === schedule) return lease;
    const nextRunAt = nextRunAfter(job.schedule, now);
    if (lease) {
      await this.repository.reschedule(job.name, schedule, nextRunAt);
      return { ...lease, schedule, nextRunAt };
    }
    await this.repository.ensure(job.name, schedule, nextRunAt);
    return { nextRunAt, leaseUntil: null };
  }

  /**
   * Runs `name` now whatever its schedule, if no task holds its lease: what `cli jobs run` does.
   * `signal` aborts the run (the CLI passes one that SIGTERM fires).
   */
  async runNow(name: string, signal?: AbortSignal): Promise<RunNowOutcome> {
    const job = this.options.jobs.get(name);
    if (!job) return { kind: 'unknown' };
    const now = this.now();
    const [existing] = await this.repository.getMany([name]);
    await this.prepare(job, existing, now);
    const run = await this.claimAndRun(job, now, false, signal);
    if (!run) {
      const [holder] = await this.repository.getMany([name]);
      return { kind: 'held', owner: holder?.owner ?? null, leaseUntil: holder?.leaseUntil ?? null };
    }
    return { kind: 'ran', result: await run.done };
  }

  /** Every registered job with its next and last run, as the leases say. */
  async status(): Promise<JobStatus[]> {
    const jobs = this.options.jobs.list();
    const leases = new Map(
      (await this.repository.getMany(jobs.map((job) => job.name))).map((l) => [l._id, l]),
    );
    const now = this.now();
    return jobs.map((job) => {
      const lease = leases.get(job.name);
      return {
        name: job.name,
        schedule: describeSchedule(job.schedule),
        nextRunAt: lease?.nextRunAt.toISOString() ?? null,
        lastRunAt: lease?.lastRunAt?.toISOString() ?? null,
        lastResult: lease?.lastResult ?? null,
        running: Boolean(lease?.leaseUntil && lease.leaseUntil > now),
        scheduled: this.isScheduled(job.name),
      };
    });
  }

  private async claimAndRun(
    job: ScheduledJob,
    now: Date,
    onlyIfDue: boolean,
    signal?: AbortSignal,
  ): Promise<Running | undefined> {
    const claimed = await this.repository.claim({
      name: job.name,
      owner: this.owner,
      now,
      leaseUntil: new Date(now.getTime() + this.leaseMs),
      onlyIfDue,
    });
    if (!claimed) return undefined;
    const controller = new AbortController();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    const run: Running = {
      controller,
      done: this.execute(job, now, controller).finally(() => this.running.delete(job.name)),
    };
    this.running.set(job.name, run);
    return run;
  }

  private async execute(
    job: ScheduledJob,
    startedAt: Date,
    controller: AbortController,
  ): Promise<JobRunResult> {
    const log = this.log.child({ category: 'job', job: job.name });
    log.info({ owner: this.owner }, 'job started');
    const renewal = setInterval(
      () => {
        const leaseUntil = new Date(this.now().getTime() + this.leaseMs);
        this.repository.renew(job.name, this.owner, leaseUntil).then(
          (held) => {
            if (!held) controller.abort(new Error('the lease was lost to another task'));
          },
          (error: unknown) => log.warn({ err: error }, 'lease renewal failed; trying again'),
        );
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    let result: JobRunResult;
    try {
      const summary = await job.run(controller.signal);
      result = { status: 'ok', durationMs: this.since(startedAt), ...(summary ? { summary } : {}) };
    } catch (error) {
      result = {
        status: controller.signal.aborted ? 'aborted' : 'failed',
        durationMs: this.since(startedAt),
        error: errorMessage(error),
      };
    } finally {
      clearInterval(renewal);
    }
    const finishedAt = this.now();
    // An aborted run is due again at once, for whichever task is still up; a failed one waits
    // for its next time, so a job that keeps failing does not run in a loop.
    const nextRunAt =
      result.status === 'aborted' ? finishedAt : nextRunAfter(job.schedule, finishedAt);
    const recorded = await this.repository
      .finish(job.name, this.owner, { startedAt, result, nextRunAt })
      .catch((error: unknown) => {
        log.error({ err: error }, 'could not record the run; its lease will expire');
        return true;
      });
    const fields = { ...result, nextRunAt: nextRunAt.toISOString() };
    metrics().time('JobDuration', { Job: job.name }, result.durationMs);
    if (result.status === 'failed') metrics().count('JobFailures', { Job: job.name });
    if (!recorded)
      log.warn(fields, 'job ended after its lease was taken over; result not recorded');
    else if (result.status === 'failed')
      log.error({ ...fields, code: 'job_failed' }, 'job failed; it runs again next time');
    else if (result.status === 'aborted') log.warn(fields, 'job aborted; due again at once');
    else log.info(fields, 'job finished');
    return result;
  }

  private since(startedAt: Date): number {
    return Math.max(0, this.now().getTime() - startedAt.getTime());
  }
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}
