import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migration as retentionIndexes } from '../../migrations/1795555200000-CreatePrivacyRetentionIndexes.js';
import { MEMBER_PERSONAL_DATA } from '../../modules/members/members.policy.js';
import type { Database } from '../../platform/storage/database.js';
import { withUpdateOne } from '../../../test/support/database-doubles.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from '../personal-data/codec.js';
import { definePersonalData } from '../personal-data/policy.js';
import { purgeExpired } from './purge-expired.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2026-03-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);
const PERIODS = { 'member-account': 365, 'work-record': 1_095 };

interface StoredDocument {
  _id: string;
  [field: string]: unknown;
}

const TICKETS = definePersonalData({
  collection: 'tickets',
  description: 'test: support tickets, deleted whole after their period',
  fields: { body: { description: 'ticket text', storage: 'encrypted', masking: 'hidden' } },
  retention: { class: 'member-account', from: 'closedAt', method: 'delete' },
  revealableBy: ['admin'],
});

/** Medium: retention on the embedded engine with a real key ring and the members policy. */
describe(purgeExpired.name, () => {
  let dir: string;
  let db: Database;
  let members: PersonalDataCodec<string>;
  let tickets: PersonalDataCodec<string>;
  const collection = (name: string) => db.collection<StoredDocument>(name);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-retention-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    // The purge must find what it should with the sparse withdrawnAt index in place.
    await retentionIndexes.up(db);
    const keys = await KeyRing.openLocal(path.join(dir, 'keys'));
    const cipher = new FieldCipher(keys);
    const index = new BlindIndex(await keys.ensureBlindIndexKey());
    members = new PersonalDataCodec<string>(MEMBER_PERSONAL_DATA, cipher, index);
    tickets = new PersonalDataCodec<string>(TICKETS, cipher, index);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function member(id: string, withdrawnDaysAgo?: number, phone?: string): Promise<void> {
    const sealed = await members.seal(id, { email: `${id}@example.com`, phone });
    await collection('members').insertOne({
      _id: id,
      status: withdrawnDaysAgo === undefined ? 'active' : 'withdrawn',
      ...sealed,
      createdAt: daysAgo(1000),
      ...(withdrawnDaysAgo === undefined ? {} : { withdrawnAt: daysAgo(withdrawnDaysAgo) }),
    });
  }

  /** Active, withdrawn 10 days ago, withdrawn 400 and 366 days ago (one without a phone). */
  async function seedMembers(): Promise<void> {
    await member('active', undefined, '01012345678');
    await member('recent', 10, '01012345678');
    await member('old-1', 400, '01012345678');
    await member('old-2', 366);
  }

  const run = (dryRun = false, target = db) =>
    purgeExpired({ db: target, codecs: [members], periods: PERIODS, now: NOW, dryRun });

  it('anonymizes only members withdrawn longer than the period, with one destruction record each', async () => {
    await seedMembers();

    const result = await run();

    expect(result.classes).toEqual([
      expect.objectContaining({
        retentionClass: 'member-account',
        periodDays: 365,
        cutoff: daysAgo(365),
        count: 2,
        collections: [
          { collection: 'members', method: 'anonymize', from: 'withdrawnAt', count: 2 },
        ],
      }),
      expect.objectContaining({ retentionClass: 'work-record', count: 0, collections: [] }),
    ]);
    for (const id of ['old-1', 'old-2']) {
      const doc = await collection('members').findOne({ _id: id });
      expect(doc).toEqual({
        _id: id,
        status: 'withdrawn',
        createdAt: daysAgo(1000),
        withdrawnAt: expect.any(Date) as Date,
        destroyedAt: NOW,
      });
    }
    const records = await collection('privacy_destructions')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(records).toEqual([
      {
        _id: 'members:old-1',
        collection: 'members',
        documentId: 'old-1',
        retentionClass: 'member-account',
        method: 'anonymize',
        fields: ['email', 'phone'],
        from: daysAgo(400),
        periodDays: 365,
        at: NOW,
        by: 'retention purge',
        reason: 'retention period of member-account ended: 365 days after withdrawnAt',
      },
      expect.objectContaining({ _id: 'members:old-2', fields: ['email'], from: daysAgo(366) }),
    ]);
    expect(JSON.stringify(records)).not.toMatch(/example\.com|5678/);
  });

  it('leaves active and recently withdrawn members untouched', async () => {
    await seedMembers();
    const before = await collection('members')
      .find({ _id: { $in: ['active', 'recent'] } })
      .toArray();

    await run();

    expect(
      await collection('members')
        .find({ _id: { $in: ['active', 'recent'] } })
        .toArray(),
    ).toEqual(before);
    expect(await collection('privacy_destructions').countDocuments({ documentId: 'recent' })).toBe(
      0,
    );
  });

  it('changes nothing when run again', async () => {
    await seedMembers();
    await run();
    const stored = await collection('members').find({}).toArray();
    const records = await collection('privacy_destructions').find({}).toArray();

    const again = await purgeExpired({
      db,
      codecs: [members],
      periods: PERIODS,
      now: new Date(NOW.getTime() + 60_000),
      dryRun: false,
    });

    expect(again.classes[0]?.count).toBe(0);
    expect(await collection('members').find({}).toArray()).toEqual(stored);
    expect(await collection('privacy_destructions').find({}).toArray()).toEqual(records);
  });

  it('completes, on the next run, a destruction that stopped between its record and the update', async () => {
    await member('old', 400, '01012345678');
    const crashing = withUpdateOne(db, 'members', () => () => Promise.reject(new Error('crash')));

    await expect(run(false, crashing)).rejects.toThrow('crash');
    expect(await collection('privacy_destructions').countDocuments({})).toBe(1);
    expect(await collection('members').findOne({ _id: 'old' })).toHaveProperty('email');

    const result = await run();

    expect(result.classes[0]?.count).toBe(1);
    expect(await collection('members').findOne({ _id: 'old' })).not.toHaveProperty('email');
    expect(await collection('privacy_destructions').find({}).toArray()).toEqual([
      expect.objectContaining({ _id: 'members:old', fields: ['email', 'phone'] }),
    ]);
  });

  it('changes nothing in a dry run and lists what would go, with the date each period began', async () => {
    await seedMembers();
    const before = await collection('members').find({}).toArray();

    const result = await run(true);

    expect(result.dryRun).toBe(true);
    expect(result.classes[0]).toMatchObject({
      count: 2,
      documents: [
        { collection: 'members', id: 'old-1', from: daysAgo(400) },
        { collection: 'members', id: 'old-2', from: daysAgo(366) },
      ],
    });
    expect(await collection('members').find({}).toArray()).toEqual(before);
    expect(await collection('privacy_destructions').countDocuments({})).toBe(0);
  });

  it('deletes whole documents whose policy says delete, in batches, each with a record', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `t${i}`;
      const sealed = await tickets.seal(id, { body: 'my phone is 010-1234-5678' });
      await collection('tickets').insertOne({
        _id: id,
        ...sealed,
        closedAt: daysAgo(i < 3 ? 500 : 5),
      });
    }

    const result = await purgeExpired({
      db,
      codecs: [members, tickets],
      periods: PERIODS,
      now: NOW,
      dryRun: false,
      batchSize: 2,
    });

    expect(result.classes[0]).toMatchObject({
      count: 3,
      collections: [
        { collection: 'members', count: 0 },
        { collection: 'tickets', method: 'delete', count: 3 },
      ],
    });
    expect(await collection('tickets').distinct('_id')).toEqual(['t3', 't4']);
    expect(await collection('privacy_destructions').distinct('_id')).toEqual([
      'tickets:t0',
      'tickets:t1',
      'tickets:t2',
    ]);
  });
});
