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
import { openPrivacy } from '../../../privacy/privacy.js';
import { MembersRepository } from '../../members/members.repository.js';
import { WorkersRepository } from '../../workers/workers.repository.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter } from '../engine/stages.js';
import { fs } from '../firestore/value.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { MembersWriter } from './members.writer.js';
import { WorkerDetailsWriter } from './worker-details.writer.js';

const silent = pino({ level: 'silent' });
const UID = 'UidWorker00000000000000001';
const CI = `${'B'.repeat(86)}==`;
const never: StageWriter = {
  write: () => Promise.reject(new Error('this stage does not run in this test')),
  targetsOf: () => [],
};

/** Medium: the worker-details stage after the members stage, on the real repositories. */
describe('the worker-details stage', () => {
  let dir: string;
  let db: Database;
  let workers: WorkersRepository;
  let members: MembersRepository;
  let source: InMemorySource;
  let sealer: LegacySealer;
  let state: MigrationStateRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-worker-details-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    members = new MembersRepository(db, privacy.personalData);
    workers = new WorkersRepository(db, privacy.personalData);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
    source.set(`users/${UID}`, {
      role: 'worker',
      name: '김민수',
      birth: '19880214',
      phone: '01012345678',
    });
    source.set('users/UidOwner000000000000000001', { role: 'business', name: '박사장' });
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
            : name === 'worker-details'
              ? new WorkerDetailsWriter(workers, sealer)
              : never,
        ]),
      ) as Record<StageName, StageWriter>,
      logger: silent,
    });
    await engine.run({ stages: ['members'] });
    await state.setStatus('members', 'verified', new Date());
    return engine.run({ stages: ['worker-details'] });
  }

  const profile = () =>
    workers.getById(UID, {
      plaintext: ['legalName', 'birthDate', 'phone', 'accountNumber', 'accountHolderName'],
    });

  it.each([
    ['before', 'aaaa', 'zzzz'],
    ['after', 'zzzz', 'aaaa'],
  ])(
    'makes the primary account the payout account when it comes %s the other',
    async (_, primaryId, otherId) => {
      source.set(`users/${UID}/bankAccounts/${primaryId}`, {
        bankCode: '신한',
        accountNumber: '110-123-456789',
        holder: '김민수',
        verified: 'Y',
        verifiedAt: fs.ts(1_700_000_000),
        primary: true,
        createdAt: fs.ts(1_600_000_000),
      });
      source.set(`users/${UID}/bankAccounts/${otherId}`, {
        bankCode: fs.int(4),
        accountNumber: fs.int(123456789012),
        holder: '김민수',
        verified: false,
        createdAt: fs.ts(1_650_000_000),
      });

      const report = await migrate();

      expect(report.counts).toMatchObject({ read: 2, written: 2 });
      expect((await profile())?.bankAccount).toMatchObject({
        bankCode: '088',
        number: '110123456789',
        holderName: '김민수',
        verifiedAt: new Date(1_700_000_000_000),
        method: 'manual',
        verifiedBy: 'legacy',
        holderMatchesLegalName: true,
      });
    },
  );

  it('takes the verified identity as the profile’s person, with its CI, and compares the account holder again', async () => {
    source.set(`users/${UID}/bankAccounts/b1`, {
      bankCode: '088',
      accountNumber: '110123456789',
      holder: '김민준',
      primary: true,
      createdAt: fs.ts(1_600_000_000),
    });
    source.set(`users/${UID}/identity/i1`, {
      provider: 'NICE',
      ci: CI,
      di: 'd'.repeat(64),
      name: '김민준',
      birth: '19880215',
      phone: '01055556666',
      result: '0000',
      verifiedAt: '2024-05-01T09:30:00+09:00',
    });

    await migrate();

    expect(await profile()).toMatchObject({
      legalName: '김민준',
      birthDate: '1988-02-15',
      phone: '010-5555-6666',
      hasCi: true,
      identity: { provider: 'nice', verifiedAt: new Date('2024-05-01T00:30:00Z') },
      bankAccount: { holderMatchesLegalName: true },
    });
  });

  it('adds catalogue certificates and reports the ones it does not know', async () => {
    source.set(`users/${UID}/certificates/c1`, {
      type: '보건증',
      expiresAt: '2027-03-31',
      verified: true,
    });
    source.set(`users/${UID}/certificates/c2`, { type: '기타', verified: false });

    const report = await migrate();

    expect(report.counts).toMatchObject({ read: 2, written: 1, skipped: 1 });
    expect((await profile())?.qualifications).toEqual([
      expect.objectContaining({
        code: 'health-certificate',
        expiresAt: new Date('2027-03-31T14:59:59Z'),
        verifiedBy: 'legacy',
      }),
    ]);
    expect(await state.issuesOf('worker-details')).toEqual([
      expect.objectContaining({
        path: `users/${UID}/certificates/c2`,
        code: 'unknown_qualification',
      }),
    ]);
  });

  it('reports details of a user who is not a worker, and writes nothing for them', async () => {
    source.set('users/UidOwner000000000000000001/bankAccounts/b1', {
      bankCode: '088',
      accountNumber: '1101234567',
    });

    const report = await migrate();

    expect(report.counts).toMatchObject({ read: 1, skipped: 1 });
    expect(await state.issuesOf('worker-details')).toEqual([
      expect.objectContaining({ code: 'dangling_reference' }),
    ]);
    expect(await workers.getById('UidOwner000000000000000001')).toBeUndefined();
  });

  it('changes nothing on a second pass over the same source', async () => {
    source.set(`users/${UID}/certificates/c1`, { type: '지게차운전기능사' });
    await migrate();
    const before = (await workers.getById(UID))?.version;
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'worker-details' as never }, { $set: { status: 'pending' } });

    const again = await new MigrationEngine({
      source,
      state,
      writers: Object.fromEntries(
        STAGE_NAMES.map((name) => [
          name,
          name === 'worker-details' ? new WorkerDetailsWriter(workers, sealer) : never,
        ]),
      ) as Record<StageName, StageWriter>,
      logger: silent,
    }).run({ stages: ['worker-details'] });

    expect(again.counts).toMatchObject({ read: 1, written: 0, unchanged: 1 });
    expect((await workers.getById(UID))?.version).toBe(before);
  });
});
