import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openJobs } from '../../src/jobs.module.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { MigrationStateRepository } from '../../src/modules/firestore-migration/engine/migration-state.repository.js';
import { STAGE_NAMES } from '../../src/modules/firestore-migration/engine/stages.js';
import { generateLegacyDataset } from '../../src/modules/firestore-migration/generator/generate.js';
import { jobsRunCommand } from '../../src/platform/jobs/jobs-run.command.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';

const quiet = pino({ level: 'silent' });

/**
 * The daily migration job as the worker's scheduler and `cli jobs run firestore-migration-daily`
 * (EventBridge Scheduler) run it: today's quota of the staged copy, then the verification of the
 * stages it finished; nothing at all while MIGRATION_ENABLED=false.
 */
describe('the daily migration job', () => {
  let dir: string;
  let db: EmbeddedDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-migration-job-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
    await generateLegacyDataset({
      users: 40,
      seed: 'daily',
      format: 'ndjson',
      out: path.join(dir, 'legacy'),
      authUsers: 0,
    });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function runJob(env: Record<string, string>) {
    const config = loadConfig({
      APP_MODE: 'local',
      DATA_DIR: dir,
      MIGRATION_SOURCE: 'ndjson',
      MIGRATION_SOURCE_PATH: path.join(dir, 'legacy'),
      ...env,
    });
    let out = '';
    const code = await jobsRunCommand({
      argv: ['firestore-migration-daily'],
      config,
      logger: quiet,
      db,
      out: { write: (text: string) => (out += text) },
      err: { write: () => undefined },
      openJobs: () => openJobs({ config, logger: quiet, db }),
    });
    return { code, out };
  }

  const statuses = async () =>
    [...(await new MigrationStateRepository(db).stageStates(STAGE_NAMES)).values()].map(
      (s) => s.status,
    );

  it('copies and verifies stage after stage, one run a day, until every stage is verified', async () => {
    const first = await runJob({});
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/"outcome":"done".*"verified":1/);
    expect(await statuses()).toEqual([
      'verified',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    for (let day = 0; day < 3; day++) await runJob({});

    expect(await statuses()).toEqual(STAGE_NAMES.map(() => 'verified'));
    expect(await db.collection('assignments').countDocuments({})).toBeGreaterThan(0);
  });

  it('stops at the day’s quota and goes on the next day', async () => {
    const today = await runJob({ MIGRATION_QUOTA_DOCUMENTS: '10' });

    expect(today.out).toMatch(/"outcome":"quota","read":10,/);
    expect(await db.collection('members').countDocuments({})).toBe(10);
  });

  it('does nothing, and says so, while MIGRATION_ENABLED=false', async () => {
    const result = await runJob({ MIGRATION_ENABLED: 'false' });

    expect(result.code).toBe(0);
    expect(result.out).toContain('"skipped":"MIGRATION_ENABLED=false"');
    expect(await db.collection('members').countDocuments({})).toBe(0);
  });
});
