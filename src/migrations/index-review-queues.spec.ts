import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/legacy-auth/support.js';
import { reviewKey } from '../platform/storage/review-key.js';
import { ObjectId } from 'bson';
import { migration } from './1796529600000-IndexWorkerReviewQueues.js';
import { migration as businessMigration } from './1796533200000-IndexBusinessReviewQueue.js';

const at = (iso: string) => new Date(iso);

describe('migration 1796529600000-IndexWorkerReviewQueues', () => {
  let test: TestDatabase | undefined;
  afterEach(() => test?.close());

  it('fills the review queue keys of the workers stored before, by the repository’s rules', async () => {
    test = await openTestDatabase({ migrate: false });
    const workers = test.db.collection<Record<string, unknown> & { _id: string }>('workers');
    await workers.insertMany([
      // Waits: an account neither verified nor refused; two declared qualifications.
      {
        _id: 'w-waits',
        bankAccount: { registeredAt: at('2026-10-01T01:00:00Z') },
        qualifications: [
          { code: 'forklift', addedAt: at('2026-10-03T00:00:00Z') },
          { code: 'health-certificate', addedAt: at('2026-10-02T00:00:00Z') },
        ],
      },
      // Decided: verified, refused.
      {
        _id: 'w-decided',
        bankAccount: {
          registeredAt: at('2026-09-01T00:00:00Z'),
          verifiedAt: at('2026-09-02T00:00:00Z'),
        },
        qualifications: [
          {
            code: 'forklift',
            addedAt: at('2026-09-01T00:00:00Z'),
            revokedAt: at('2026-09-03T00:00:00Z'),
          },
        ],
      },
      // Withdrawn: out of every queue.
      {
        _id: 'w-gone',
        bankAccount: { registeredAt: at('2026-08-01T00:00:00Z') },
        qualifications: [],
        withdrawnAt: at('2026-08-05T00:00:00Z'),
      },
    ]);

    await migration.up(test.db);

    const stored = Object.fromEntries(
      (await workers.find({}).toArray()).map((w) => [
        w._id,
        { bank: w.reviewBankAccount, qualification: w.reviewQualification },
      ]),
    );
    expect(stored).toEqual({
      'w-waits': {
        bank: reviewKey(at('2026-10-01T01:00:00Z'), 'w-waits'),
        qualification: reviewKey(at('2026-10-02T00:00:00Z'), 'w-waits'),
      },
      'w-decided': { bank: undefined, qualification: undefined },
      'w-gone': { bank: undefined, qualification: undefined },
    });
  });
});

describe('migration 1796533200000-IndexBusinessReviewQueue', () => {
  let test: TestDatabase | undefined;
  afterEach(() => test?.close());

  it('queues the businesses stored before that no one has decided and that are open', async () => {
    test = await openTestDatabase({ migrate: false });
    const businesses = test.db.collection<Record<string, unknown> & { _id: ObjectId }>(
      'businesses',
    );
    const [waits, decided, closed] = [new ObjectId(), new ObjectId(), new ObjectId()];
    const created = at('2026-10-01T00:00:00Z');
    await businesses.insertMany([
      { _id: waits, createdAt: created },
      { _id: decided, createdAt: created, verification: { verified: false } },
      { _id: closed, createdAt: created, closedAt: at('2026-10-02T00:00:00Z') },
    ]);

    await businessMigration.up(test.db);

    const keys = Object.fromEntries(
      (await businesses.find({}).toArray()).map((b) => [b._id.toHexString(), b.reviewRegistration]),
    );
    expect(keys).toEqual({
      [waits.toHexString()]: `2026-10-01T00:00:00.000Z|${waits.toHexString()}`,
      [decided.toHexString()]: undefined,
      [closed.toHexString()]: undefined,
    });
  });
});
