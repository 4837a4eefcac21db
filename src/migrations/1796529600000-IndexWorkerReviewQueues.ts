import type { SchemaMigration } from '../platform/schema/schema-migration.js';
import { reviewKey } from '../platform/storage/review-key.js';

interface StoredWorker {
  _id: string;
  bankAccount?: { registeredAt: Date; verifiedAt?: Date; revokedAt?: Date };
  qualifications?: { addedAt: Date; verifiedAt?: Date; revokedAt?: Date }[];
  withdrawnAt?: Date;
}

/** Workers read per batch while the keys are written. */
const BATCH = 500;

export const migration: SchemaMigration = {
  id: '1796529600000-IndexWorkerReviewQueues',
  async up(db) {
    // The operators' review queues (WorkersRepository.reviewQueue): a key per kind of request,
    // `<since, ISO>|<worker id>`, present only while it waits, so each sparse index holds the
    // queue alone, oldest first, and the key is a unique cursor. The repository keeps the keys
    // on every write from now on; this fills them for the workers stored before, by the same
    // rules (a bank account neither verified nor refused; a declared qualification neither
    // verified nor refused, since the oldest such; none for a withdrawn worker).
    const workers = db.collection<StoredWorker>('workers');
    let after = '';
    for (;;) {
      const batch = await workers
        .find(
          { _id: { $gt: after } },
          {
            sort: { _id: 1 },
            limit: BATCH,
            projection: { bankAccount: 1, qualifications: 1, withdrawnAt: 1 },
          },
        )
        .toArray();
      if (batch.length === 0) break;
      for (const worker of batch) {
        if (worker.withdrawnAt) continue;
        const set: Record<string, string> = {};
        const account = worker.bankAccount;
        if (account && !account.verifiedAt && !account.revokedAt) {
          set.reviewBankAccount = reviewKey(account.registeredAt, worker._id);
        }
        const waiting = (worker.qualifications ?? [])
          .filter((q) => !q.verifiedAt && !q.revokedAt)
          .map((q) => q.addedAt.getTime());
        if (waiting.length) {
          set.reviewQualification = reviewKey(new Date(Math.min(...waiting)), worker._id);
        }
        if (Object.keys(set).length) await workers.updateOne({ _id: worker._id }, { $set: set });
      }
      after = batch.at(-1)!._id;
    }
    await workers.createIndex(
      { reviewBankAccount: 1 },
      { name: 'reviewBankAccount_sparse', sparse: true },
    );
    await workers.createIndex(
      { reviewQualification: 1 },
      { name: 'reviewQualification_sparse', sparse: true },
    );
  },
};
