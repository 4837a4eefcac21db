import type { ObjectId } from '../platform/storage/database.js';
import type { SchemaMigration } from '../platform/schema/schema-migration.js';
import { reviewKey } from '../platform/storage/review-key.js';

interface StoredBusiness {
  _id: ObjectId;
  createdAt: Date;
  verification?: unknown;
  closedAt?: Date;
}

/** Businesses read per batch while the keys are written. */
const BATCH = 500;

export const migration: SchemaMigration = {
  id: '1796533200000-IndexBusinessReviewQueue',
  async up(db) {
    // The operators' review queue of businesses (BusinessesRepository.reviewQueue): the key
    // `<since, ISO>|<id>` while a registration waits for a decision, in a sparse index. The
    // repository keeps it on every write from now on; this fills it for the businesses stored
    // before, by the same rule: never decided, not closed, since the registration.
    const businesses = db.collection<StoredBusiness>('businesses');
    let after: ObjectId | undefined;
    for (;;) {
      const batch = await businesses
        .find(after ? { _id: { $gt: after } } : {}, {
          sort: { _id: 1 },
          limit: BATCH,
          projection: { createdAt: 1, verification: 1, closedAt: 1 },
        })
        .toArray();
      if (batch.length === 0) break;
      for (const business of batch) {
        if (business.verification !== undefined || business.closedAt) continue;
        await businesses.updateOne(
          { _id: business._id },
          {
            $set: { reviewRegistration: reviewKey(business.createdAt, business._id.toHexString()) },
          },
        );
      }
      after = batch.at(-1)!._id;
    }
    await businesses.createIndex(
      { reviewRegistration: 1 },
      { name: 'reviewRegistration_sparse', sparse: true },
    );
  },
};
