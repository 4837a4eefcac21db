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
import { idFromLegacyPath } from '../../../platform/storage/ids.js';
import { openPrivacy } from '../../../privacy/privacy.js';
import { AssignmentHolds } from '../../assignments/assignment-holds.js';
import { AssignmentsRepository } from '../../assignments/assignments.repository.js';
import { WorkerSchedulesRepository } from '../../assignments/worker-schedules.repository.js';
import { BusinessesRepository } from '../../businesses/businesses.repository.js';
import { MembersRepository } from '../../members/members.repository.js';
import { ShiftSlots } from '../../shifts/shift-slots.service.js';
import { ShiftsRepository } from '../../shifts/shifts.repository.js';
import { WorkersRepository } from '../../workers/workers.repository.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter } from '../engine/stages.js';
import { fs, type FsFields, type SourceDoc } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { AssignmentsWriter, legacyAssignmentId } from './assignments.writer.js';
import { BusinessesWriter } from './businesses.writer.js';
import { MembersWriter } from './members.writer.js';
import { ShiftsWriter } from './shifts.writer.js';

const silent = pino({ level: 'silent' });
const OWNER = 'UidOwner000000000000000001';
const WORKER = 'UidWorker00000000000000001';
const BAKERY = 'businesses/Bakery00000000000001';
const POST = 'Post0000000000000001';
const never: StageWriter = {
  write: () => Promise.reject(new Error('this stage does not run in this test')),
  targetsOf: () => [],
};
/** The post's window: 2026-04-24 12:06:40 to 16:06:40 KST. */
const STARTS = new Date(1_777_000_000_000);
const BEFORE_START = new Date('2026-04-01T00:00:00Z');
const AFTER_END = new Date('2026-05-01T00:00:00Z');
const ID = legacyAssignmentId(POST, WORKER);

const doc = (p: string, fields: FsFields): SourceDoc => ({ path: p, fields });
const application = (id: string, status = '지원') =>
  doc(`applications/${id}`, {
    jobPost: fs.ref(`jobPosts/${POST}`),
    uid: WORKER,
    status,
    appliedAt: fs.ts(1_776_000_000),
  });
const match = (fields: FsFields = {}) =>
  doc('matches/Match000000000000001', {
    postId: POST,
    worker: fs.ref(`users/${WORKER}`),
    status: '확정',
    createdAt: fs.ts(1_776_100_000),
    ...fields,
  });

/** Medium: the assignments stage after the stages it depends on, on the real repositories. */
describe('the assignments stage', () => {
  let dir: string;
  let db: Database;
  let source: InMemorySource;
  let state: MigrationStateRepository;
  let writers: Record<StageName, StageWriter>;
  let assignments: AssignmentsRepository;
  let workers: WorkersRepository;
  let shifts: ShiftsRepository;
  let schedules: WorkerSchedulesRepository;
  let writer: AssignmentsWriter;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-assignments-stage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    const sealer = new LegacySealer(privacy.cipher);
    const members = new MembersRepository(db, privacy.personalData);
    workers = new WorkersRepository(db, privacy.personalData);
    const businesses = new BusinessesRepository(db, privacy.personalData);
    shifts = new ShiftsRepository(db);
    assignments = new AssignmentsRepository(db, privacy.personalData);
    schedules = new WorkerSchedulesRepository(db);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
    writer = new AssignmentsWriter(
      assignments,
      shifts,
      workers,
      new AssignmentHolds(schedules, new ShiftSlots(shifts)),
      sealer,
    );
    writers = Object.fromEntries(STAGE_NAMES.map((name) => [name, never])) as Record<
      StageName,
      StageWriter
    >;
    writers.members = new MembersWriter(members, workers, sealer);
    writers.businesses = new BusinessesWriter(businesses, members, sealer);
    writers.shifts = new ShiftsWriter(shifts, businesses, sealer);
    writers.assignments = writer;
    source.set(`users/${OWNER}`, { role: '사장님', name: '박사장' });
    source.set(`users/${WORKER}`, { role: 'worker', name: '김민수', birth: '19880214' });
    source.set(BAKERY, {
      bizNo: '124-81-00998',
      ceoName: '박서준',
      name: '행복베이커리',
      openDate: '2019-03-02',
      owner: OWNER,
    });
    source.set(`jobPosts/${POST}`, {
      business: fs.ref(BAKERY),
      title: '주말 베이커리 카운터',
      address: '서울특별시 강남구 테헤란로 152',
      region: '서울',
      headcount: fs.int(2),
      wage: '10,320원',
      startAt: fs.ts(1_777_000_000),
      endAt: fs.ts(1_777_014_400),
    });
    const engine = new MigrationEngine({ source, state, writers, logger: silent });
    for (const stage of ['members', 'worker-details', 'businesses', 'shifts'] as const) {
      await engine.run({ stages: [stage], now: () => BEFORE_START });
      await state.setStatus(stage, 'verified', BEFORE_START);
    }
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = (docs: SourceDoc[], now = AFTER_END) => writer.write(docs, { now });
  const shiftId = idFromLegacyPath(`jobPosts/${POST}`);

  it.each([
    ['application first', [application('App00000000000000001'), match({ status: '완료' })]],
    ['match first', [match({ status: '완료' }), application('App00000000000000001')]],
  ])(
    'makes one assignment of an application and its match, in the match’s state, whichever comes first (%s)',
    async (_, docs) => {
      await write(docs);

      expect(await assignments.getById(ID)).toMatchObject({
        shiftId,
        workerId: WORKER,
        state: 'completed',
        origin: 'application',
        startsAt: STARTS,
      });
      expect(await assignments.findActive(shiftId, WORKER)).toBeUndefined();
      expect((await assignments.list({ workerId: WORKER }, { limit: 10 })).length).toBe(1);
    },
  );

  it('keeps an application no match followed in its own state, active while applied', async () => {
    await write([application('App00000000000000001')]);

    expect(await assignments.findActive(shiftId, WORKER)).toMatchObject({
      id: ID,
      state: 'applied',
      origin: 'application',
    });
  });

  it('keeps a double-tap duplicate application once, and reports it', async () => {
    const result = await write([
      application('App00000000000000001'),
      application('App00000000000000002'),
    ]);

    expect(result).toMatchObject({ written: 2, skipped: 0 });
    expect(result.issues).toEqual([
      {
        path: 'applications/App00000000000000002',
        code: 'duplicate_application',
        detail: expect.any(String),
      },
    ]);
    expect((await assignments.list({ workerId: WORKER }, { limit: 10 })).length).toBe(1);
    expect(await assignments.legacySourcePaths(ID)).toHaveLength(2);
  });

  it('reports the same duplicate whichever application comes first, and when a batch is written again', async () => {
    const one = application('App00000000000000001');
    const two = application('App00000000000000002');

    const first = await write([two, one]);
    const replayed = await write([one, two]);

    // Issues are kept once per path and code: a repeat within a batch is the same issue.
    for (const result of [first, replayed]) {
      expect(new Set(result.issues.map((i) => `${i.path} ${i.code}`))).toEqual(
        new Set(['applications/App00000000000000002 duplicate_application']),
      );
    }
  });

  it('takes the hours of a completed match, rounded to a quarter', async () => {
    const result = await write([match({ status: 'completed', hours: '3.9' })]);

    expect((await assignments.getById(ID))?.hoursWorked).toBe(4);
    expect(result.issues).toEqual([]);
  });

  it('takes a cancellation with its side, its reason sealed, and whether it was late', async () => {
    await write([
      match({
        status: '취소',
        cancelledBy: '알바',
        cancelReason: '개인 사정',
        updatedAt: '2026-04-24T08:00:00+09:00',
      }),
    ]);

    const stored = await db.collection('assignments').findOne({});
    expect(JSON.stringify(stored)).not.toContain('개인 사정');
    expect((await assignments.getById(ID, { notes: true }))?.cancellation).toEqual({
      by: { id: WORKER, role: 'worker' },
      reason: '개인 사정',
      late: true,
      at: new Date('2026-04-23T23:00:00Z'),
    });
  });

  it('puts a no-show on the worker’s record once, at the shift’s start, with or without a record', async () => {
    await write([
      match({ status: '노쇼' }),
      doc('noShows/NoShow00000000000001', { uid: WORKER, postId: POST, date: '2026-04-24' }),
    ]);
    await write([match({ status: '노쇼' })]);

    expect((await workers.getById(WORKER))?.noShows).toEqual([
      { assignmentId: ID, shiftId, at: STARTS },
    ]);
    expect(await assignments.getById(ID)).toMatchObject({ state: 'no_show' });
    expect(await assignments.legacySourcePaths(ID)).toHaveLength(2);
  });

  it('makes the assignment of a no-show record whose match is missing', async () => {
    await write([doc('noShows/NoShow00000000000001', { uid: WORKER, postId: POST })]);

    expect(await assignments.getById(ID)).toMatchObject({ state: 'no_show', origin: 'proposal' });
    expect((await workers.getById(WORKER))?.noShows).toEqual([
      { assignmentId: ID, shiftId, at: STARTS },
    ]);
  });

  it('holds the worker’s time and the shift’s slot for a confirmed match of a future shift, and gives them back when the match is cancelled', async () => {
    await write([match({ status: 'confirmed' })], BEFORE_START);

    expect((await schedules.get(WORKER)).entries).toEqual([
      expect.objectContaining({ assignmentId: ID, shiftId, status: 'confirmed' }),
    ]);
    expect(await shifts.getById(shiftId)).toMatchObject({ filled: 1 });

    await write([match({ status: 'cancelled', updatedAt: fs.ts(1_775_100_000) })], BEFORE_START);

    expect((await schedules.get(WORKER)).entries).toEqual([]);
    expect(await shifts.getById(shiftId)).toMatchObject({ filled: 0 });
    expect(await assignments.getById(ID)).toMatchObject({ state: 'cancelled' });
    expect(await assignments.findActive(shiftId, WORKER)).toBeUndefined();
  });

  it('holds nothing for a shift that has started', async () => {
    await write([match({ status: 'confirmed' })], AFTER_END);

    expect((await schedules.get(WORKER)).entries).toEqual([]);
    expect(await shifts.getById(shiftId)).toMatchObject({ filled: 0 });
  });

  it('reports a document whose post or worker was not migrated, and writes nothing for it', async () => {
    const result = await write([
      doc('matches/Match000000000000002', { postId: 'NoSuchPost0000000001', workerUid: WORKER }),
      doc('matches/Match000000000000003', { postId: POST, workerUid: 'NoSuchUid' }),
    ]);

    expect(result).toMatchObject({ written: 0, skipped: 2 });
    expect(result.issues.map((i) => [i.path, i.code])).toEqual([
      ['matches/Match000000000000002', 'dangling_reference'],
      ['matches/Match000000000000003', 'dangling_reference'],
    ]);
    expect(await db.collection('assignments').countDocuments({})).toBe(0);
  });

  it('reports a match when the worker already has an assignment made here on that shift', async () => {
    await assignments.insert(
      {
        id: assignments.newId(),
        shiftId,
        businessId: idFromLegacyPath(BAKERY),
        workerId: WORKER,
        state: 'applied',
        origin: 'application',
        startsAt: STARTS,
        endsAt: new Date(1_777_014_400_000),
        verdict: undefined,
        history: {
          from: null,
          to: 'applied',
          at: BEFORE_START,
          by: { id: WORKER, role: 'worker' },
        },
        event: undefined,
      },
      BEFORE_START,
    );

    const result = await write([match({ status: 'confirmed' })]);

    expect(result).toMatchObject({ skipped: 1 });
    expect(result.issues.map((i) => i.code)).toEqual(['already_on_shift']);
  });

  it('runs as a stage, and a second pass over the same source changes nothing', async () => {
    source.set(`applications/App00000000000000001`, application('x').fields);
    source.set('matches/Match000000000000001', match({ status: '완료', hours: fs.int(4) }).fields);
    const engine = new MigrationEngine({ source, state, writers, logger: silent });

    const first = await engine.run({ stages: ['assignments'] });
    const version = (await assignments.getById(ID))?.version;
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'assignments' as never }, { $set: { status: 'pending' } });
    const second = await engine.run({ stages: ['assignments'] });

    expect(first.counts).toMatchObject({ read: 2, written: 2 });
    expect(second.counts).toMatchObject({ read: 2, written: 0, unchanged: 2 });
    expect((await assignments.getById(ID))?.version).toBe(version);
  });
});
