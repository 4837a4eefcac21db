import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { SchemaMigrator } from '../../../platform/schema/schema-migrator.js';
import type { Database } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { idFromLegacyPath, parseId } from '../../../platform/storage/ids.js';
import { legacySourceKey } from '../../../platform/storage/legacy-copy.js';
import { openPrivacy } from '../../../privacy/privacy.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { fs } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { stageWriters } from '../stage-writers.js';
import { MigrationCleanup } from './cleanup.js';
import { MigrationEngine } from './migration-engine.js';
import { MigrationStateRepository } from './migration-state.repository.js';
import type { StageName, StageWriters } from './stages.js';
import { migrationStatus } from './status.js';
import { MigrationVerifier } from './verify.js';

const silent = pino({ level: 'silent' });
const WORKER = 'UidWorker00000000000000001';
const OWNER = 'UidOwner000000000000000001';
const BAKERY = 'businesses/Bakery00000000000001';
const DAY = 86_400_000;
const T0 = new Date('2026-06-01T00:00:00Z');

/** Medium: `migrate verify` and `migrate cleanup` over the real writers and the embedded engine. */
describe('verification and cleanup', () => {
  let dir: string;
  let db: Database;
  let source: InMemorySource;
  let state: MigrationStateRepository;
  let writers: StageWriters;
  let sealer: LegacySealer;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-verify-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    writers = stageWriters(db, privacy);
    sealer = new LegacySealer(privacy.cipher);
    state = new MigrationStateRepository(db);
    source = new InMemorySource();
    source.set(`users/${WORKER}`, { role: 'worker', name: '김민수', phone: '010-1234-5678' });
    source.set(`users/${OWNER}`, { role: '사장님', name: '박사장' });
    source.set(`users/${WORKER}/certificates/c1`, { type: '보건증', expiresAt: '2027-03-31' });
    source.set(`users/${WORKER}/certificates/c2`, { type: '기타' });
    source.set(BAKERY, {
      bizNo: '124-81-00998',
      ceoName: '박서준',
      name: '행복베이커리',
      openDate: '2019-03-02',
      owner: OWNER,
    });
    source.set('notifications/Note0000000000000001', {
      uid: WORKER,
      type: 'match',
      title: '배정 확정',
      body: '내일 09:00 출근',
      read: true,
      sentAt: fs.ts(1_700_000_000),
    });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const verifier = () =>
    new MigrationVerifier({ source, db, state, writers, sealer, sampleEvery: 1 });
  const engine = () => new MigrationEngine({ source, state, writers, logger: silent });
  const status = async (stage: StageName) => (await state.stageStates([stage])).get(stage)!.status;

  /** Copies and verifies stage after stage until nothing is left to copy. */
  async function migrateAll(now = T0) {
    for (let round = 0; round < 6; round++) {
      await engine().run({ now: () => now });
      await verifier().verify({ now: () => now });
    }
  }

  it('marks a stage verified when every source document is matched or reported, and the stages after it run', async () => {
    await engine().run({ now: () => T0 });
    const [members] = await verifier().verify({ now: () => T0 });

    expect(members).toMatchObject({
      stage: 'members',
      clean: true,
      groups: [
        { collectionGroup: 'users', source: 2, matched: 2, missing: 0, altered: 0, extra: 0 },
      ],
      sampled: 2,
    });
    expect(await status('members')).toBe('verified');

    await migrateAll();
    const reports = await verifier().verify();
    expect(reports.map((r) => [r.stage, r.clean])).toEqual([
      ['members', true],
      ['worker-details', true],
      ['businesses', true],
      ['shifts', true],
      ['assignments', true],
      ['archive', true],
    ]);
    // The unknown certificate was reported and left out: accounted for, not missing.
    expect(reports[1]!.groups).toContainEqual(
      expect.objectContaining({
        collectionGroup: 'certificates',
        source: 2,
        matched: 1,
        reported: 1,
      }),
    );
  });

  it('finds a copy that does not decode to its source (corrupt), and leaves the stage copied', async () => {
    await engine().run({ now: () => T0 });
    const key = legacySourceKey(`users/${WORKER}`);
    // The copy of another document, sealed for that one: it opens under no other binding.
    const other = await db.collection('members').findOne({ _id: OWNER as never });
    const sealed = (
      other as unknown as { _legacy: { sources: Record<string, { sealed: unknown }> } }
    )._legacy.sources[legacySourceKey(`users/${OWNER}`)]!.sealed;
    await db
      .collection('members')
      .updateOne({ _id: WORKER as never }, { $set: { [`_legacy.sources.${key}.sealed`]: sealed } });

    const [members] = await verifier().verify();

    expect(members).toMatchObject({
      clean: false,
      altered: [{ path: `users/${WORKER}`, reason: 'corrupt', fields: ['(unreadable)'] }],
    });
    expect(await status('members')).toBe('copied');
  });

  it('finds a source changed since it was copied (stale), naming the fields, never their values', async () => {
    await engine().run({ now: () => T0 });
    source.set(`users/${WORKER}`, { role: 'worker', name: '김민준', phone: '010-1234-5678' });

    const [members] = await verifier().verify();

    expect(members!.altered).toEqual([
      { path: `users/${WORKER}`, reason: 'stale', fields: ['name'] },
    ]);
    expect(JSON.stringify(members)).not.toContain('김민');
  });

  it('finds a document the target lost (missing)', async () => {
    await migrateAll();
    await db
      .collection('legacy_notifications')
      .deleteOne({ _id: parseId(idFromLegacyPath('notifications/Note0000000000000001')) as never });

    const [archive] = await verifier().verify({ stages: ['archive'] });

    expect(archive).toMatchObject({
      clean: false,
      missing: ['notifications/Note0000000000000001'],
    });
  });

  it('reconciles documents the old app deleted: reported, their copies dropped, the archived ones removed', async () => {
    await migrateAll();
    source.delete(BAKERY);
    source.delete('notifications/Note0000000000000001');

    const reports = await verifier().verify({ stages: ['businesses', 'archive'] });

    expect(reports.map((r) => [r.stage, r.clean, r.deleted])).toEqual([
      ['businesses', true, [BAKERY]],
      ['archive', true, ['notifications/Note0000000000000001']],
    ]);
    expect(reports[0]!.groups).toEqual([
      expect.objectContaining({ source: 0, deleted: 1, extra: 0 }),
    ]);
    // What the business became here stays, for review; the archive held only the copy.
    const business = await db
      .collection('businesses')
      .findOne({ _id: parseId(idFromLegacyPath(BAKERY)) as never });
    expect(business).not.toBeNull();
    expect(business).not.toHaveProperty('_legacy');
    expect(await db.collection('legacy_notifications').countDocuments({})).toBe(0);
    expect((await state.issuesAt(BAKERY)).map((i) => i.code)).toEqual(['deleted_in_source']);
    // Reconciled once: the next verification finds nothing more.
    expect((await verifier().verify({ stages: ['businesses'] }))[0]!.deleted).toEqual([]);
  });

  it('lists a copy whose source is gone as extra, and stays unclean, when told not to reconcile', async () => {
    await migrateAll();
    source.delete(BAKERY);

    const [businesses] = await new MigrationVerifier({
      source,
      db,
      state,
      writers,
      sealer,
      reconcileDeletes: false,
    }).verify({ stages: ['businesses'] });

    expect(businesses).toMatchObject({ clean: false, extra: [BAKERY], deleted: [] });
    expect(await status('businesses')).toBe('copied');
  });

  it('tells in the status how far behind the old app a copied stage is (a source with read times)', async () => {
    await engine().run({ stages: ['members'] });
    const watermark = (await state.stageStates(['members'])).get('members')!.watermark!;
    const later = new Date((Number(watermark.readTime!.seconds) + 90) * 1000);

    const { stages } = await migrationStatus(state, true, later);

    expect(stages.find((s) => s.stage === 'members')?.lagSeconds).toBe(90);
    expect(stages.find((s) => s.stage === 'shifts')?.lagSeconds).toBeNull();
  });

  it('counts a pass in the status from its partitions’ checkpoints, even when the stage’s total trails them', async () => {
    await engine().run({ stages: ['members'] });
    // A crash between a checkpoint and the stage's running total.
    await db
      .collection('migration_stages')
      .updateOne(
        { _id: 'members' as never },
        { $inc: { 'counts.read': -1, 'counts.written': -1 } },
      );

    const { stages } = await migrationStatus(state, true);

    expect(stages.find((s) => s.stage === 'members')?.counts).toMatchObject({
      read: 2,
      written: 2,
    });
  });

  describe('a delta pass', () => {
    it('copies a verified stage again once the source moved on, writing only what changed', async () => {
      await migrateAll();
      source.set(`users/${WORKER}`, { role: 'worker', name: '김민준', phone: '010-1234-5678' });

      const delta = await engine().run({ stages: ['members'] });

      expect(delta.stages).toEqual([
        expect.objectContaining({
          stage: 'members',
          status: 'copied',
          counts: expect.objectContaining({ read: 2, written: 1, unchanged: 1 }),
        }),
      ]);
      const [members] = await verifier().verify({ stages: ['members'] });
      expect(members).toMatchObject({ clean: true });
    });

    it('does nothing while the source is where the last pass left it', async () => {
      await migrateAll();

      const again = await engine().run();

      expect(again.counts.read).toBe(0);
    });
  });

  describe('cleanup', () => {
    const cleanup = (retentionDays = 30) => new MigrationCleanup({ db, state, retentionDays });
    const legacyOf = async (collection: string, id: unknown) =>
      ((await db.collection(collection).findOne({ _id: id as never })) as { _legacy?: unknown })
        ?._legacy;

    it('refuses a stage that is not verified, and keeps a verified one within its retention', async () => {
      await engine().run({ now: () => T0 });

      const before = await cleanup().cleanup({ now: T0 });
      expect(before.stages.find((s) => s.stage === 'members')).toMatchObject({
        outcome: 'refused',
      });

      await verifier().verify({ now: () => T0 });
      const within = await cleanup().cleanup({ now: new Date(T0.getTime() + 29 * DAY) });
      expect(within.stages.find((s) => s.stage === 'members')).toMatchObject({
        outcome: 'retained',
      });
      expect(await legacyOf('members', WORKER)).toBeDefined();
    });

    it('drops a verified stage’s copies after its retention, only its own, and marks it cleaned', async () => {
      await migrateAll();
      const after = new Date(T0.getTime() + 31 * DAY);

      const dry = await cleanup().cleanup({ now: after, dryRun: true, stages: ['members'] });
      expect(dry.stages).toEqual([
        { stage: 'members', outcome: 'cleaned', documents: 3, copies: 3 },
      ]);
      expect(await legacyOf('members', WORKER)).toBeDefined();

      await cleanup().cleanup({ now: after, stages: ['members'] });

      expect(await legacyOf('members', WORKER)).toBeUndefined();
      // The worker profile keeps its certificates' copies until the worker-details stage goes.
      expect(Object.values((await legacyOf('workers', WORKER)) as object)).toBeDefined();
      expect(await status('members')).toBe('cleaned');

      const rest = await cleanup().cleanup({ now: after });
      expect(rest.stages.map((s) => [s.stage, s.outcome])).toEqual([
        ['members', 'done'],
        ['worker-details', 'cleaned'],
        ['businesses', 'cleaned'],
        ['shifts', 'cleaned'],
        ['assignments', 'cleaned'],
        ['archive', 'cleaned'],
      ]);
      for (const collection of ['members', 'workers', 'businesses']) {
        expect(await db.collection(collection).countDocuments({ _legacy: { $exists: true } })).toBe(
          0,
        );
      }
      // The archive existed only for the retention: its documents are gone.
      expect(await db.collection('legacy_notifications').countDocuments({})).toBe(0);
      // Our data stays.
      expect(await db.collection('members').countDocuments({})).toBe(2);
      expect(await db.collection('businesses').countDocuments({})).toBe(1);
    });
  });
});
