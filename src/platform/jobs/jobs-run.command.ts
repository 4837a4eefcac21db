import { defineCommand, readCommandArgs } from '../process/cli-command.js';
import type { DatabaseCommandContext } from '../process/command-context.js';
import type { ScheduledJobs } from './scheduled-jobs.js';
import { JobScheduler } from './scheduler.js';

export const JOBS_RUN_COMMAND = defineCommand({
  name: 'jobs run',
  summary: 'run one named scheduled job now (what EventBridge Scheduler runs in AWS)',
  description: `
Runs the job once, now, whatever its schedule, through the same lease as the worker's scheduler:
if a task holds the job's lease (a run in progress elsewhere), nothing runs. The run's result and
the job's next time are recorded as the worker records them (see the worker's /health/ready).
SIGTERM or Ctrl-C aborts the run. Exit 0 when it ran to the end; 1 when it failed or was
aborted; 2 for an unknown job (the known ones are listed); 3 when another task holds its lease.`,
  arguments: [{ name: 'name', description: 'the job to run, e.g. holds-repair' }],
  options: {},
  examples: [
    'npm run cli -- jobs run holds-repair',
    'node dist/cli.js jobs run holds-repair   (an EventBridge Scheduler target, in the image)',
  ],
});

/** What `jobs run` needs beyond a database command's context. */
export interface JobsRunCommandContext extends DatabaseCommandContext {
  /** The registered jobs (the composition root builds them from the modules that register). */
  openJobs(): Promise<{ jobs: ScheduledJobs; close(): Promise<void> }>;
  /** Aborts the run (the CLI fires it on SIGTERM and SIGINT). */
  signal?: AbortSignal;
}

/** `cli jobs run <name>`. */
export async function jobsRunCommand(context: JobsRunCommandContext): Promise<number> {
  const args = readCommandArgs(JOBS_RUN_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const [name = ''] = args.positionals;
  const { jobs, close } = await context.openJobs();
  try {
    const scheduler = new JobScheduler({
      db: context.db,
      jobs,
      logger: context.logger.child({ component: 'scheduler' }),
    });
    const outcome = await scheduler.runNow(name, context.signal);
    if (outcome.kind === 'unknown') {
      const known = jobs.list().map((job) => job.name);
      context.err.write(`unknown job: ${name}\njobs: ${known.join(', ') || '(none)'}\n`);
      return 2;
    }
    if (outcome.kind === 'held') {
      context.err.write(
        `${name} is running elsewhere: ${outcome.owner ?? 'a task'} holds its lease until ` +
          `${outcome.leaseUntil?.toISOString() ?? 'it ends'}; nothing run\n`,
      );
      return 3;
    }
    const { result } = outcome;
    if (result.status === 'ok') {
      context.out.write(
        `${name}: ok in ${result.durationMs} ms ${JSON.stringify(result.summary ?? {})}\n`,
      );
      return 0;
    }
    context.err.write(
      `${name}: ${result.status} after ${result.durationMs} ms: ${result.error ?? ''}\n`,
    );
    return 1;
  } finally {
    await close();
  }
}
