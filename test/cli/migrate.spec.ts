import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { generateLegacyDataset } from '../../src/modules/firestore-migration/generator/generate.js';
import {
  migrateCleanupCommand,
  migratePlanCommand,
  migrateRunCommand,
  migrateStatusCommand,
  migrateUserCommand,
  migrateVerifyCommand,
} from '../../src/modules/firestore-migration/migrate.command.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { openPrivacy, type Privacy } from '../../src/privacy/privacy.js';

const quiet = pino({ level: 'silent' });

/** `cli migrate plan|run|status|verify|cleanup|user` over a generated dataset of the old app, on the embedded engine. */
describe('cli migrate', () => {
  let dir: string;
  let legacy: string;
  let config: AppConfig;
  let db: EmbeddedDatabase;
  let privacy: Privacy;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-migrate-cli-'));
    legacy = path.join(dir, 'legacy');
    await generateLegacyDataset({
      users: 40,
      seed: 'cli',
      format: 'ndjson',
      out: legacy,
      authUsers: 0,
    });
    config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir });
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
    privacy = await openPrivacy(config, db);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(
    command: typeof migratePlanCommand,
    argv: string[],
    overrides: Partial<AppConfig['migration']> = {},
  ) {
    let out = '';
    let err = '';
    const code = await command({
      argv,
      config: { ...config, migration: { ...config.migration, ...overrides } },
      logger: quiet,
      db,
      privacy: () => Promise.resolve(privacy),
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    });
    return { code, out, err };
  }

  it('plans from the old data without writing anything: groups, their stages, and what no stage reads', async () => {
    const result = await run(migratePlanCommand, [
      '--source',
      'ndjson',
      '--path',
      legacy,
      '--json',
    ]);

    expect(result).toMatchObject({ code: 0, err: '' });
    const plan = JSON.parse(result.out) as {
      groups: { collectionGroup: string; stage: string | null; documents: number }[];
    };
    expect(plan.groups.find((g) => g.collectionGroup === 'users')).toMatchObject({
      stage: 'members',
      documents: 40,
    });
    expect(plan.groups.find((g) => g.collectionGroup === 'jobPosts')).toMatchObject({
      stage: 'shifts',
    });
    expect(await db.collection('members').countDocuments({})).toBe(0);
  });

  it('copies within the day’s quota and goes on the next day; status shows where each stage stands', async () => {
    const day1 = await run(migrateRunCommand, [
      '--source',
      'ndjson',
      '--path',
      legacy,
      '--documents',
      '15',
      '--json',
    ]);
    expect(day1.code).toBe(0);
    expect(JSON.parse(day1.out)).toMatchObject({ outcome: 'quota', counts: { read: 15 } });

    const day2 = await run(migrateRunCommand, ['--source', 'ndjson', '--path', legacy]);
    expect(day2.code).toBe(0);
    // Not a terminal: plain progress lines on stderr, the stage's last one at 100%.
    expect(day2.err).toMatch(/^members: 15\/40 documents \(37%\)\n/);
    expect(day2.err).toMatch(/members: 40\/40 documents \(100%\)\n$/);
    expect(day2.out).toMatch(/members\s+copied/);
    expect(day2.out).toMatch(/worker-details\s+waits for members to be verified/);
    expect(day2.out).toMatch(/assignments\s+waits for shifts, worker-details to be verified/);
    expect(await db.collection('members').countDocuments({})).toBeGreaterThan(30);

    const status = await run(migrateStatusCommand, ['--json']);
    const parsed = JSON.parse(status.out) as {
      stages: { stage: string; status: string; counts: { read: number } }[];
    };
    expect(parsed.stages.find((s) => s.stage === 'members')).toMatchObject({
      status: 'copied',
      counts: { read: 40 },
    });
    expect(parsed.stages.find((s) => s.stage === 'shifts')).toMatchObject({ status: 'pending' });
  });

  it('verifies the copied stages (a clean one becomes verified, and the next stages run), then cleans up after the retention', async () => {
    const source = ['--source', 'ndjson', '--path', legacy];
    const cleanupTooSoon = await run(migrateCleanupCommand, ['--stage', 'shifts']);
    expect(cleanupTooSoon.code).toBe(1);
    expect(cleanupTooSoon.out).toMatch(/shifts\s+refused .*not verified clean/);

    for (let day = 0; day < 5; day++) {
      await run(migrateRunCommand, source);
      const verified = await run(migrateVerifyCommand, source);
      expect(verified.code).toBe(0);
    }
    const report = await run(migrateVerifyCommand, [...source, '--stage', 'members', '--json']);
    expect(JSON.parse(report.out)).toMatchObject({
      clean: true,
      stages: [{ stage: 'members', groups: [{ source: 40, missing: 0, altered: 0, extra: 0 }] }],
    });
    const status = JSON.parse((await run(migrateStatusCommand, ['--json'])).out) as {
      stages: { status: string }[];
    };
    expect(status.stages.map((s) => s.status)).toEqual(Array(6).fill('verified'));

    const kept = await run(migrateCleanupCommand, []);
    expect(kept.out).toMatch(/members\s+retained .*kept until/);
    const dry = await run(migrateCleanupCommand, ['--dry-run'], { legacyRetentionDays: 0 });
    expect(dry.out).toMatch(/^dry run: nothing changed/);
    expect(await db.collection('members').countDocuments({ _legacy: { $exists: true } })).toBe(40);
    const cleaned = await run(migrateCleanupCommand, ['--json'], { legacyRetentionDays: 0 });
    expect(cleaned.code).toBe(0);
    expect(await db.collection('members').countDocuments({ _legacy: { $exists: true } })).toBe(0);
    expect(await db.collection('members').countDocuments({})).toBe(40);
  });

  it('migrates one user on demand (nothing once the stages are cleaned), and says when the source has no such user', async () => {
    const source = ['--source', 'ndjson', '--path', legacy];
    const [first] = await db.collection<{ _id: string }>('members').find({}).limit(1).toArray();

    const one = await run(migrateUserCommand, [first!._id, ...source]);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(new RegExp(`^user ${first!._id}: done in \\d+ ms; moved 0,`));
    expect(await db.collection('members').countDocuments({ _legacy: { $exists: true } })).toBe(0);

    const none = await run(migrateUserCommand, ['NoSuchLegacyUser', ...source]);
    expect(none).toMatchObject({ code: 1, err: 'the source has no user NoSuchLegacyUser\n' });
  });

  it('refuses to run when the migration is switched off, and without a source', async () => {
    for (const command of [migrateVerifyCommand, migrateCleanupCommand]) {
      expect((await run(command, [], { enabled: false })).code).toBe(3);
    }
    expect((await run(migrateUserCommand, ['u1'], { enabled: false })).code).toBe(3);
    expect(
      (await run(migrateRunCommand, ['--source', 'ndjson', '--path', legacy], { enabled: false }))
        .code,
    ).toBe(3);
    const none = await run(migrateRunCommand, [], { source: undefined });
    expect(none.code).toBe(2);
    expect(none.err).toContain('no source');
  });
});
