import { Injectable } from '@nestjs/common';
import { type JobSchedule, scheduleProblem } from './job-schedule.js';

/** What a run reports: a few counts, recorded as the job's last result (never personal data). */
type JobSummary = Record<string, number | string | boolean>;

/**
 * A named piece of scheduled work. `run` should look at `signal` between steps and stop when it
 * is aborted (a shutdown, or the lease lost to another task); whatever it leaves must be safe to
 * run again, since an aborted run is due again at once.
 */
export interface ScheduledJob {
  /** Lower-case words joined by `-`: the `_id` of its lease and the CLI's `jobs run <name>`. */
  name: string;
  schedule: JobSchedule;
  run(signal: AbortSignal): Promise<JobSummary | void>;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The one registry of named jobs: modules register theirs when they initialise; the worker's
 * scheduler runs them on their schedules and `cli jobs run <name>` runs one on demand (the path
 * EventBridge Scheduler takes in AWS).
 */
@Injectable()
export class ScheduledJobs {
  private readonly jobs = new Map<string, ScheduledJob>();

  register(job: ScheduledJob): void {
    if (!NAME.test(job.name))
      throw new Error(`job name ${JSON.stringify(job.name)} is not kebab-case`);
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    const problem = scheduleProblem(job.schedule);
    if (problem) throw new Error(`job ${job.name}: ${problem}`);
    this.jobs.set(job.name, job);
  }

  get(name: string): ScheduledJob | undefined {
    return this.jobs.get(name);
  }

  list(): ScheduledJob[] {
    return [...this.jobs.values()];
  }
}
