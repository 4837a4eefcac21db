import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../storage/database.js';
import { EmbeddedDatabase } from '../storage/embedded/embedded-database.js';
import { MongoDatabase } from '../storage/mongo-database.js';
import { JOB_LEASES, type JobLease } from './job-leases.repository.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { JobScheduler } from './scheduler.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const MINUTE = 60_000;

/**
 * Two worker tasks: two schedulers, each on its own connection to one database (the embedded
 * engine's file, as two processes open it; or a real MongoDB as well when MONGODB_URI is set),
 * looking for due jobs at the same moments.
 */
describe('two schedulers on one database', () => {
  let dir: string;
  let dbs: Database[];

  function connect(): Promise<Database> {
    const uri = process.env.MONGODB_URI;
    return uri
      ? MongoDatabase.connect(
          { uri, dbName: `jobs_${path.basename(dir).replace(/\W/g, '')}`, tlsCaFile: undefined },
          quiet,
        )
      : EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-scheduler-medium-'));
    dbs = [await connect(), await connect()];
  });

  afterEach(async () => {
    if (dbs[0]?.kind === 'mongodb') await dbs[0].collection(JOB_LEASES).deleteMany({});
    for (const db of dbs) await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run each due job exactly once, whichever takes the lease', async () => {
    let clock = new Date('2026-12-05T00:00:00Z').getTime();
    const runsBy: string[] = [];
    const schedulers = dbs.map((db, i) => {
      const owner = `task-${i}`;
      const jobs = new ScheduledJobs();
      jobs.register({
        name: 'repair',
        schedule: { everyMs: MINUTE },
        run: async () => {
          runsBy.push(owner);
          // Long enough for the other task to look while this one holds the lease.
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      });
      return new JobScheduler({
        db,
        jobs,
        owner,
        logger: pino({ level: 'silent' }),
        now: () => new Date(clock),
      });
    });

    await Promise.all(schedulers.map((s) => s.tick()));
    for (let round = 1; round <= 25; round++) {
      clock += MINUTE;
      await Promise.all(schedulers.map((s) => s.tick()));
      expect(runsBy, `round ${round}`).toHaveLength(round);
    }

    const [lease] = await dbs[0]!.collection<JobLease>(JOB_LEASES).find({}).toArray();
    expect(lease).toMatchObject({ _id: 'repair', owner: null, lastResult: { status: 'ok' } });
  });

  it('let exactly one of two simultaneous `jobs run` calls run the job', async () => {
    let runs = 0;
    const schedulers = dbs.map((db, i) => {
      const jobs = new ScheduledJobs();
      jobs.register({
        name: 'repair',
        schedule: { dailyAtKst: '03:00' },
        run: async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      return new JobScheduler({ db, jobs, owner: `cli-${i}`, logger: pino({ level: 'silent' }) });
    });

    const outcomes = await Promise.all(schedulers.map((s) => s.runNow('repair')));

    expect(runs).toBe(1);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['held', 'ran']);
  });
});
