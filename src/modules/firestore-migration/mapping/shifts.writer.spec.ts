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
import { BusinessesRepository } from '../../businesses/businesses.repository.js';
import { MembersRepository } from '../../members/members.repository.js';
import { mapShift } from '../../shifts/shifts.dto.js';
import { ShiftsRepository } from '../../shifts/shifts.repository.js';
import { WorkersRepository } from '../../workers/workers.repository.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter } from '../engine/stages.js';
import { fs, type FsFields } from '../firestore/value.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { BusinessesWriter } from './businesses.writer.js';
import { MembersWriter } from './members.writer.js';
import { ShiftsWriter } from './shifts.writer.js';

const silent = pino({ level: 'silent' });
const OWNER = 'UidOwner000000000000000001';
const never: StageWriter = {
  write: () => Promise.reject(new Error('this stage does not run in this test')),
  targetsOf: () => [],
};
const BAKERY = 'businesses/Bakery00000000000001';

/** Medium: the shifts stage after members and businesses, on the real repositories. */
describe('the shifts stage', () => {
  let dir: string;
  let db: Database;
  let shifts: ShiftsRepository;
  let source: InMemorySource;
  let sealer: LegacySealer;
  let state: MigrationStateRepository;
  let writers: Record<StageName, StageWriter>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-shifts-stage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    const members = new MembersRepository(db, privacy.personalData);
    const workers = new WorkersRepository(db, privacy.personalData);
    const businesses = new BusinessesRepository(db, privacy.personalData);
    shifts = new ShiftsRepository(db);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
    writers = Object.fromEntries(STAGE_NAMES.map((name) => [name, never])) as Record<
      StageName,
      StageWriter
    >;
    writers.members = new MembersWriter(members, workers, sealer);
    writers.businesses = new BusinessesWriter(businesses, members, sealer);
    writers.shifts = new ShiftsWriter(shifts, businesses, sealer);
    source.set(`users/${OWNER}`, { role: '사장님', name: '박사장' });
    source.set(BAKERY, {
      bizNo: '124-81-00998',
      ceoName: '박서준',
      name: '행복베이커리',
      openDate: '2019-03-02',
      owner: OWNER,
    });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function migrate() {
    const engine = new MigrationEngine({ source, state, writers, logger: silent });
    for (const stage of ['members', 'businesses'] as const) {
      await engine.run({ stages: [stage] });
      await state.setStatus(stage, 'verified', new Date());
    }
    return engine.run({ stages: ['shifts'] });
  }

  const base: FsFields = {
    business: fs.ref(BAKERY),
    title: '주말 베이커리 카운터',
    address: '서울특별시 강남구 테헤란로 152',
    region: '서울',
    headcount: fs.int(2),
    wage: '10,320원',
  };
  const shiftOf = (post: string) => shifts.getById(idFromLegacyPath(post));

  it.each<[string, FsFields]>([
    ['Timestamps', { startAt: fs.ts(1_777_000_000), endAt: fs.ts(1_777_014_400) }],
    [
      'ISO strings with +09:00',
      { startAt: '2026-04-24T12:06:40+09:00', endAt: '2026-04-24T16:06:40+09:00' },
    ],
    ['epoch millis', { startAt: fs.int(1_777_000_000_000), endAt: fs.int(1_777_014_400_000) }],
  ])('reads a window written as %s', async (_, window) => {
    source.set('jobPosts/Post0000000000000001', { ...base, ...window });

    expect((await migrate()).counts).toMatchObject({ written: 1 });
    expect(await shiftOf('jobPosts/Post0000000000000001')).toMatchObject({
      businessId: idFromLegacyPath(BAKERY),
      startsAt: new Date(1_777_000_000_000),
      endsAt: new Date(1_777_014_400_000),
      hourlyPayKrw: 10_320,
      headcount: 2,
      place: { regionCode: '1100000000', address: '서울특별시 강남구 테헤란로 152' },
      minimumAge: 18,
      status: 'open',
      filled: 0,
    });
  });

  it('reads the oldest posts’ date and HH:MM times in KST, overnight included, and shows no coordinates', async () => {
    const { wage: _written, headcount: _count, ...withoutWage } = base;
    source.set('jobPosts/Night000000000000001', {
      ...withoutWage,
      date: '2026-04-24',
      startTime: '22:00',
      endTime: '06:00',
      needCount: '3',
      pay: fs.int(12_000),
      requirements: ['보건증', '기타'],
      status: '취소',
    });

    await migrate();

    const shift = await shiftOf('jobPosts/Night000000000000001');
    expect(shift).toMatchObject({
      startsAt: new Date('2026-04-24T13:00:00Z'),
      endsAt: new Date('2026-04-24T21:00:00Z'),
      headcount: 3,
      hourlyPayKrw: 12_000,
      requiredQualifications: ['health-certificate'],
      status: 'cancelled',
    });
    expect(mapShift(shift!).place).toMatchObject({ lat: null, lng: null });
    expect(await state.issuesOf('shifts')).toEqual([
      expect.objectContaining({ code: 'unknown_qualification' }),
    ]);
  });

  it('reports a post whose business was not migrated, and one without a readable window', async () => {
    source.set('jobPosts/Orphan00000000000001', {
      ...base,
      business: 'NoSuchBusiness',
      startAt: fs.ts(1),
      endAt: fs.ts(2),
    });
    source.set('jobPosts/NoTime00000000000001', { ...base, startAt: '2026-04-24 12:00' });

    const report = await migrate();

    expect(report.counts).toMatchObject({ read: 2, skipped: 2 });
    expect((await state.issuesOf('shifts')).map((i) => [i.path, i.code]).sort()).toEqual([
      ['jobPosts/NoTime00000000000001', 'missing_value'],
      ['jobPosts/NoTime00000000000001', 'unclear_value'],
      ['jobPosts/Orphan00000000000001', 'dangling_reference'],
    ]);
  });
});
