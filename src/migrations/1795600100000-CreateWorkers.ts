import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795600100000-CreateWorkers',
  async up(db) {
    const workers = db.collection('workers');
    // One person, one worker account: the CI's blind index is unique. Sparse, because workers
    // without a verified identity have none (the code removes the field, never nulls it).
    await workers.createIndex(
      { ciLookup: 1 },
      { name: 'ciLookup_unique', unique: true, sparse: true },
    );
    // Staff find workers by phone and account number through the blind indexes.
    await workers.createIndex({ phoneLookup: 1 }, { name: 'phoneLookup', sparse: true });
    await workers.createIndex(
      { accountNumberLookup: 1 },
      { name: 'accountNumberLookup', sparse: true },
    );
    // `retention purge` looks for workers withdrawn before a cutoff.
    await workers.createIndex({ withdrawnAt: 1 }, { name: 'withdrawnAt_sparse', sparse: true });
  },
};
