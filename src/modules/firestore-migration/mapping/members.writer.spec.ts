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
import { legacySourceKey } from '../../../platform/storage/legacy-copy.js';
import { openPrivacy } from '../../../privacy/privacy.js';
import { MembersRepository } from '../../members/members.repository.js';
import { WorkersRepository } from '../../workers/workers.repository.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter } from '../engine/stages.js';
import { canonicalText, fs, type FsFields } from '../firestore/value.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { MembersWriter } from './members.writer.js';

const silent = pino({ level: 'silent' });
const CI_A = `${'A'.repeat(86)}==`;
const never: StageWriter = {
  write: () => Promise.reject(new Error('this stage does not run in this test')),
  targetsOf: () => [],
};

/** Medium: the members stage on the real repositories, privacy layer and embedded engine. */
describe('the members stage', () => {
  let dir: string;
  let db: Database;
  let members: MembersRepository;
  let workers: WorkersRepository;
  let source: InMemorySource;
  let sealer: LegacySealer;
  let state: MigrationStateRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-members-stage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    members = new MembersRepository(db, privacy.personalData);
    workers = new WorkersRepository(db, privacy.personalData);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = () =>
    new MigrationEngine({
      source,
      state,
      writers: Object.fromEntries(
        STAGE_NAMES.map((name) => [
          name,
          name === 'members' ? new MembersWriter(members, workers, sealer) : never,
        ]),
      ) as Record<StageName, StageWriter>,
      logger: silent,
    }).run({ stages: ['members'] });

  const worker: FsFields = {
    role: '알바',
    name: '김민수',
    phone: fs.int(1012345678),
    birth: '19880214',
    ci: CI_A,
    status: '정상',
    fcmToken: 'unread-by-our-code',
  };

  it('makes a member (Firebase uid as id) and a worker profile of each worker, sealed as the app seals them', async () => {
    source.set('users/UidWorker00000000000000001', { ...worker, email: 'Minsu@Example.com' });
    source.set('users/UidOwner000000000000000001', {
      role: '사장님',
      userName: '박사장',
      phone: '+82 10-9999-0000',
    });

    const report = await run();

    expect(report.counts).toMatchObject({ read: 2, written: 2, skipped: 0 });
    expect(
      await members.getById('UidWorker00000000000000001', { plaintext: ['email', 'phone'] }),
    ).toMatchObject({
      role: 'worker',
      status: 'active',
      email: 'minsu@example.com',
      phone: '010-1234-5678',
      username: undefined,
    });
    expect(
      await workers.getById('UidWorker00000000000000001', {
        plaintext: ['legalName', 'birthDate'],
      }),
    ).toMatchObject({
      legalName: '김민수',
      birthDate: '1988-02-14',
      hasCi: true,
      status: 'active',
    });
    expect(await members.getById('UidOwner000000000000000001')).toMatchObject({ role: 'business' });
    expect(await workers.getById('UidOwner000000000000000001')).toBeUndefined();
    const stored = JSON.stringify(await db.collection('members').find({}).toArray());
    for (const plain of ['minsu@example.com', '010-1234-5678', '01099990000'])
      expect(stored).not.toContain(plain);
  });

  it('keeps the original values in _legacy, encrypted, and exactly: unread fields and unclear types included', async () => {
    source.set('users/UidWorker00000000000000001', worker);
    await run();

    const doc = (await db
      .collection('members')
      .findOne({ _id: 'UidWorker00000000000000001' as never })) as unknown as {
      _legacy: { sources: Record<string, { path: string; sealed: unknown }> };
    };
    const copy = doc._legacy.sources[legacySourceKey('users/UidWorker00000000000000001')]!;
    expect(copy.path).toBe('users/UidWorker00000000000000001');
    // Nothing of the old document is readable in the database: not the name, the phone, the CI.
    const stored = JSON.stringify(doc);
    for (const plain of ['김민수', '1012345678', CI_A.slice(0, 20), 'unread-by-our-code']) {
      expect(stored).not.toContain(plain);
    }
    const opened = await sealer.open(
      { collection: 'members', id: 'UidWorker00000000000000001' },
      copy.path,
      copy.sealed,
    );
    expect(canonicalText({ map: opened })).toBe(canonicalText({ map: worker }));
    // Bound to its document: the same copy does not open as another member's.
    await expect(
      sealer.open(
        { collection: 'members', id: 'UidSomeoneElse000000000001' },
        copy.path,
        copy.sealed,
      ),
    ).rejects.toThrow();
  });

  it('reports a CI another worker holds and imports the second worker without it', async () => {
    source.set('users/UidFirst00000000000000001', worker);
    source.set('users/UidSecond0000000000000001', { ...worker, name: '김민수' });

    const report = await run();

    expect(report.counts).toMatchObject({ read: 2, written: 2 });
    expect(await state.issuesOf('members')).toEqual([
      expect.objectContaining({ path: 'users/UidSecond0000000000000001', code: 'ci_collision' }),
    ]);
    expect(await workers.getById('UidSecond0000000000000001')).toMatchObject({ hasCi: false });
    expect(await workers.getById('UidFirst00000000000000001')).toMatchObject({ hasCi: true });
  });

  it('reports what it cannot read by field and shape, skips a document without a role, and never logs a value', async () => {
    source.set('users/UidOdd000000000000000001', {
      role: '알바',
      phone: '+1 415 555 0100',
      birth: '19880230',
    });
    source.set('users/UidNoRole00000000000000001', { name: '무역할' });

    const report = await run();

    expect(report.counts).toMatchObject({ read: 2, written: 1, skipped: 1 });
    const issues = await state.issuesOf('members');
    expect(issues.map((i) => [i.path, i.code, i.detail]).sort()).toEqual([
      ['users/UidNoRole00000000000000001', 'missing_role', 'role: absent'],
      [
        'users/UidOdd000000000000000001',
        'unclear_value',
        'birth: a date string that is not a calendar day',
      ],
      [
        'users/UidOdd000000000000000001',
        'unclear_value',
        'phone: a phone number that is not a Korean number',
      ],
    ]);
    expect(JSON.stringify(issues)).not.toContain('415');
  });

  it('changes nothing when run again over the same source, and rewrites a document whose source changed', async () => {
    source.set('users/UidWorker00000000000000001', worker);
    await run();
    await state.setStatus('members', 'verified', new Date());
    // A new pass over the same data: everything is already there.
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'members' as never }, { $set: { status: 'pending' } });
    const again = await run();
    expect(again.counts).toMatchObject({ read: 1, written: 0, unchanged: 1 });

    source.set('users/UidWorker00000000000000001', { ...worker, name: '김민수(개명)' });
    await db
      .collection('migration_stages')
      .updateOne({ _id: 'members' as never }, { $set: { status: 'pending' } });
    const changed = await run();
    expect(changed.counts).toMatchObject({ written: 1 });
    expect(
      await workers.getById('UidWorker00000000000000001', { plaintext: ['legalName'] }),
    ).toMatchObject({
      legalName: '김민수(개명)',
    });
  });
});
