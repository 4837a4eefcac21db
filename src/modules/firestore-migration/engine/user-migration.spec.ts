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
import { openPrivacy } from '../../../privacy/privacy.js';
import { fs } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { stageWriters } from '../stage-writers.js';
import { legacyAssignmentId } from '../mapping/assignments.writer.js';
import { MigrationStateRepository } from './migration-state.repository.js';
import { UserMigration } from './user-migration.js';

const silent = pino({ level: 'silent' });
const WORKER = 'UidWorker00000000000000001';
const OTHER = 'UidWorker00000000000000002';
const OWNER = 'UidOwner000000000000000001';
const BAKERY = 'businesses/Bakery00000000000001';
const POST = 'Post0000000000000001';

/** Medium: one user's graph, on demand, through the stage writers and the embedded engine. */
describe('migrating one user', () => {
  let dir: string;
  let db: Database;
  let source: InMemorySource;
  let state: MigrationStateRepository;
  let privacy: Awaited<ReturnType<typeof openPrivacy>>;
  let sut: UserMigration;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-user-migration-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    state = new MigrationStateRepository(db);
    source = new InMemorySource();
    sut = new UserMigration({ source, state, writers: stageWriters(db, privacy), logger: silent });
    source.set(`users/${WORKER}`, { role: 'worker', name: '김민수', birth: '19880214' });
    source.set(`users/${WORKER}/certificates/c1`, { type: '보건증', expiresAt: '2027-03-31' });
    source.set(`users/${OTHER}`, { role: 'worker', name: '이서연' });
    source.set(`users/${OWNER}`, { role: '사장님', name: '박사장' });
    source.set(BAKERY, {
      bizNo: '124-81-00998',
      ceoName: '박서준',
      name: '행복베이커리',
      openDate: '2019-03-02',
      owner: fs.ref(`users/${OWNER}`),
    });
    source.set(`jobPosts/${POST}`, {
      businessId: 'Bakery00000000000001',
      title: '주말 베이커리 카운터',
      address: '서울특별시 강남구 테헤란로 152',
      region: '서울',
      headcount: fs.int(2),
      wage: fs.int(10320),
      startAt: fs.ts(1_700_000_000),
      endAt: fs.ts(1_700_014_400),
    });
    source.set('applications/App00000000000000001', {
      postId: POST,
      user: fs.ref(`users/${WORKER}`),
      status: '지원',
    });
    source.set('matches/Match000000000000001', {
      jobPost: fs.ref(`jobPosts/${POST}`),
      workerUid: WORKER,
      status: '완료',
      hours: '4',
    });
    source.set('applications/App00000000000000002', { postId: POST, uid: OTHER, status: '거절' });
    source.set('notifications/Note0000000000000001', { uid: WORKER, type: 'match', read: false });
    source.set('notifications/Note0000000000000002', { uid: OTHER, type: 'match', read: false });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('moves a worker’s whole graph, with the posts they worked and those posts’ businesses and owners, in stage order', async () => {
    const report = await sut.migrate(WORKER);

    expect(report).toMatchObject({ uid: WORKER, outcome: 'done', alreadyThere: 0, failed: [] });
    expect(new Set(report.moved)).toEqual(
      new Set([
        `users/${WORKER}`,
        `users/${OWNER}`,
        `users/${WORKER}/certificates/c1`,
        BAKERY,
        `jobPosts/${POST}`,
        'applications/App00000000000000001',
        'matches/Match000000000000001',
        'notifications/Note0000000000000001',
      ]),
    );
    expect(report.stages.map((s) => s.stage)).toEqual([
      'members',
      'worker-details',
      'businesses',
      'shifts',
      'assignments',
      'archive',
    ]);
    expect(
      await db.collection('assignments').findOne({
        _id: parseId(legacyAssignmentId(POST, WORKER)) as never,
      }),
    ).toMatchObject({ state: 'completed', hoursWorked: 4 });
    // Another worker's data stays where it is.
    expect(await db.collection('members').countDocuments({ _id: OTHER as never })).toBe(0);
  });

  it('moves nothing the second time, and says what was already there', async () => {
    await sut.migrate(WORKER);

    const again = await sut.migrate(WORKER);

    expect(again).toMatchObject({ outcome: 'done', moved: [], alreadyThere: 8 });
  });

  it('moves a business owner’s businesses, posts and the activity on them with the workers it names', async () => {
    const report = await sut.migrate(OWNER);

    expect(report.outcome).toBe('done');
    expect(report.moved).toEqual(
      expect.arrayContaining([
        BAKERY,
        `jobPosts/${POST}`,
        'applications/App00000000000000002',
        `users/${OTHER}`,
      ]),
    );
    expect(
      await db
        .collection('shifts')
        .countDocuments({ _id: parseId(idFromLegacyPath(`jobPosts/${POST}`)) as never }),
    ).toBe(1);
    expect(
      await db
        .collection('assignments')
        .countDocuments({ _id: parseId(legacyAssignmentId(POST, OTHER)) as never }),
    ).toBe(1);
  });

  it('leaves a cleaned stage alone: its copies are not brought back', async () => {
    await sut.migrate(WORKER);
    await db.collection('members').updateMany({}, { $unset: { _legacy: '' } });
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'members' as never }, { $set: { status: 'cleaned' } }, { upsert: true });

    const report = await sut.migrate(WORKER);

    expect(report.stages.map((s) => s.stage)).not.toContain('members');
    expect(await db.collection('members').countDocuments({ _legacy: { $exists: true } })).toBe(0);
  });

  it('answers not_found for a uid the old app never had, and writes nothing', async () => {
    const report = await sut.migrate('NoSuchUid');

    expect(report).toMatchObject({ outcome: 'not_found', moved: [], stages: [] });
    expect(await db.collection('members').countDocuments({})).toBe(0);
  });

  it('stops at its time budget with a partial report, and a second run goes on', async () => {
    // A clock that moves a second per look: the writes run out of time after a few documents,
    // while the reading (bounded by real time) has seconds.
    let t = 0;
    const partial = await sut.migrate(WORKER, {
      budgetMs: 3_000,
      now: () => new Date(Date.UTC(2026, 0, 1) + (t += 1_000)),
    });

    expect(partial.outcome).toBe('partial');
    expect(partial.moved.length).toBeGreaterThan(0);
    expect(partial.moved.length).toBeLessThan(8);

    const rest = await sut.migrate(WORKER);
    expect(rest.outcome).toBe('done');
    expect(rest.moved.length + rest.alreadyThere).toBe(8);
  });

  it('stops reading the user’s graph when its time budget runs out, and answers partial', async () => {
    // A source whose queries never end (a huge export, a stalled read): only the budget stops it.
    const endless = Object.assign(Object.create(source) as InMemorySource, {
      async *select() {
        for (let i = 0; ; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield { path: `notifications/Endless${i}`, fields: { uid: WORKER } };
        }
      },
    });
    const bounded = new UserMigration({
      source: endless,
      state,
      writers: stageWriters(db, privacy),
      logger: silent,
    });

    const report = await bounded.migrate(WORKER, { budgetMs: 100 });

    expect(report).toMatchObject({ outcome: 'partial', moved: [] });
  });

  it('reports what it could not move with its path and code, and moves the rest', async () => {
    source.set('matches/Match000000000000002', {
      postId: 'GonePost000000000001',
      workerUid: WORKER,
    });

    const report = await sut.migrate(WORKER);

    expect(report.failed).toContainEqual(
      expect.objectContaining({ path: 'matches/Match000000000000002', code: 'dangling_reference' }),
    );
    expect(report.moved).toContain('matches/Match000000000000001');
    expect(await state.issuesAt('matches/Match000000000000002')).toHaveLength(1);
  });
});
