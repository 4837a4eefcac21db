import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { openJobs } from '../../src/jobs.module.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { JOB_LEASES, type JobLease } from '../../src/platform/jobs/job-leases.repository.js';
import { jobsRunCommand } from '../../src/platform/jobs/jobs-run.command.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';

const quiet = pino({ level: 'silent' });

/**
 * `cli jobs run <name>` as the CLI runs it (what EventBridge Scheduler starts in AWS): the real
 * job modules on an embedded database, the job's lease and record shared with the worker's.
 */
describe('cli jobs run', () => {
  let dir: string;
  let config: AppConfig;
  let db: EmbeddedDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-jobs-run-'));
    config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir });
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => db.collection(JOB_LEASES).deleteMany({}));

  async function run(argv: string[], signal?: AbortSignal) {
    let out = '';
    let err = '';
    const code = await jobsRunCommand({
      argv,
      config,
      logger: quiet,
      db,
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
      openJobs: () => openJobs({ config, logger: quiet, db }),
      signal,
    });
    return { code, out, err };
  }

  const lease = () => db.collection<JobLease>(JOB_LEASES).findOne({ _id: 'holds-repair' });

  it('runs the holds repair now, prints what it did, and records the run in its lease', async () => {
    const result = await run(['holds-repair']);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^holds-repair: ok in \d+ ms \{"scheduleEntries":0,"slots":0\}\n$/);
    expect(await lease()).toMatchObject({
      owner: null,
      schedule: 'every 1 min',
      lastResult: { status: 'ok', summary: { scheduleEntries: 0, slots: 0 } },
    });
  });

  it('runs nothing while another task holds the lease, naming it, exit 3', async () => {
    await run(['holds-repair']);
    const until = new Date(Date.now() + 60_000);
    await db
      .collection<JobLease>(JOB_LEASES)
      .updateOne({ _id: 'holds-repair' }, { $set: { owner: 'worker-7', leaseUntil: until } });
    const before = await lease();

    const result = await run(['holds-repair']);

    expect(result.code).toBe(3);
    expect(result.err).toContain(`worker-7 holds its lease until ${until.toISOString()}`);
    expect((await lease())?.lastRunAt).toEqual(before?.lastRunAt);
  });

  it('records an aborted run (SIGTERM) and exits 1, leaving the job due at once', async () => {
    const stop = new AbortController();
    stop.abort(new Error('the CLI was asked to stop'));

    const result = await run(['holds-repair'], stop.signal);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^holds-repair: aborted after \d+ ms: Error: the CLI was asked to stop/,
    );
    const stored = await lease();
    expect(stored).toMatchObject({ owner: null, lastResult: { status: 'aborted' } });
    expect(stored?.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an unknown job listing the known ones, exit 2, creating no lease', async () => {
    const result = await run(['holds-repiar']);

    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(
      'unknown job: holds-repiar\njobs: holds-repair, businesses-nts-recheck, firestore-migration-daily, files-cleanup, stats-monthly\n',
    );
    expect(await db.collection(JOB_LEASES).countDocuments()).toBe(0);
  });

  it('refuses a missing job name with the usage, exit 2', async () => {
    const result = await run([]);

    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^missing <name>\n\nusage: cli jobs run <name>/);
  });
});
