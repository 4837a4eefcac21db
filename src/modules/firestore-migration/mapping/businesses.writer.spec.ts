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
import { WorkersRepository } from '../../workers/workers.repository.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter } from '../engine/stages.js';
import { fs } from '../firestore/value.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { BusinessesWriter } from './businesses.writer.js';
import { MembersWriter } from './members.writer.js';

const silent = pino({ level: 'silent' });
const OWNER = 'UidOwner000000000000000001';
const MANAGER = 'UidManager0000000000000001';
const WORKER = 'UidWorker00000000000000001';
const never: StageWriter = {
  write: () => Promise.reject(new Error('this stage does not run in this test')),
  targetsOf: () => [],
};

/** Medium: the businesses stage after the members stage, on the real repositories. */
describe('the businesses stage', () => {
  let dir: string;
  let db: Database;
  let businesses: BusinessesRepository;
  let members: MembersRepository;
  let workers: WorkersRepository;
  let source: InMemorySource;
  let sealer: LegacySealer;
  let state: MigrationStateRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-businesses-stage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    businesses = new BusinessesRepository(db, privacy.personalData);
    members = new MembersRepository(db, privacy.personalData);
    workers = new WorkersRepository(db, privacy.personalData);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
    source.set(`users/${OWNER}`, { role: '사장님', name: '박사장' });
    source.set(`users/${MANAGER}`, { role: 'business', name: '이매니저' });
    source.set(`users/${WORKER}`, { role: 'worker', name: '김민수' });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function migrate() {
    const engine = new MigrationEngine({
      source,
      state,
      writers: Object.fromEntries(
        STAGE_NAMES.map((name) => [
          name,
          name === 'members'
            ? new MembersWriter(members, workers, sealer)
            : name === 'businesses'
              ? new BusinessesWriter(businesses, members, sealer)
              : never,
        ]),
      ) as Record<StageName, StageWriter>,
      logger: silent,
    });
    await engine.run({ stages: ['members'] });
    await state.setStatus('members', 'verified', new Date());
    return engine.run({ stages: ['businesses'] });
  }

  const bakery = {
    bizNo: '124-81-00998',
    ceoName: '박서준',
    name: '행복베이커리',
    openDate: '20190302',
    address: '서울특별시 강남구 테헤란로 152',
    owner: fs.ref(`users/${OWNER}`),
    managers: [MANAGER],
    blocked: [`users/${WORKER}`],
    ntsStatus: '계속사업자',
    verified: true,
    createdAt: fs.ts(1_600_000_000),
  };

  it('makes a business under the id of its path, with its staff, block list, NTS status and verification', async () => {
    source.set('businesses/AutoId00000000000001', bakery);

    expect((await migrate()).counts).toMatchObject({ read: 1, written: 1 });

    const id = idFromLegacyPath('businesses/AutoId00000000000001');
    expect(
      await businesses.getById(id, { plaintext: ['businessNumber', 'representativeName'] }),
    ).toMatchObject({
      businessNumber: '1248100998',
      representativeName: '박서준',
      name: '행복베이커리',
      openingDate: '2019-03-02',
      nts: { status: 'active', source: 'manual' },
      verification: { verified: true, method: 'manual', by: 'legacy' },
      staff: [
        expect.objectContaining({ memberId: OWNER, role: 'owner' }),
        expect.objectContaining({ memberId: MANAGER, role: 'manager' }),
      ],
      blockedWorkers: [expect.objectContaining({ workerId: WORKER, by: 'legacy' })],
    });
    expect(JSON.stringify(await db.collection('businesses').find({}).toArray())).not.toContain(
      '1248100998',
    );
  });

  it('reports a failing check digit, a missing owner and a number held twice, and leaves those out', async () => {
    source.set('businesses/Bad0000000000000000001', { ...bakery, bizNo: '124-81-00999' });
    source.set('businesses/Orphan000000000000001', {
      ...bakery,
      bizNo: '220-81-00016',
      owner: 'UidNobody',
    });
    source.set('businesses/First0000000000000001', bakery);
    source.set('businesses/Second000000000000001', { ...bakery, bizNo: fs.int(1248100998) });

    const report = await migrate();

    expect(report.counts).toMatchObject({ read: 4, written: 1, skipped: 3 });
    expect((await state.issuesOf('businesses')).map((i) => [i.path, i.code]).sort()).toEqual([
      ['businesses/Bad0000000000000000001', 'invalid_business_number'],
      ['businesses/Orphan000000000000001', 'dangling_reference'],
      ['businesses/Second000000000000001', 'duplicate_business_number'],
    ]);
  });

  it('changes nothing on a second pass over the same source', async () => {
    source.set('businesses/AutoId00000000000001', bakery);
    await migrate();
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'businesses' as never }, { $set: { status: 'pending' } });
    const again = await new MigrationEngine({
      source,
      state,
      writers: Object.fromEntries(
        STAGE_NAMES.map((name) => [
          name,
          name === 'businesses' ? new BusinessesWriter(businesses, members, sealer) : never,
        ]),
      ) as Record<StageName, StageWriter>,
      logger: silent,
    }).run({ stages: ['businesses'] });
    expect(again.counts).toMatchObject({ read: 1, written: 0, unchanged: 1 });
  });
});
