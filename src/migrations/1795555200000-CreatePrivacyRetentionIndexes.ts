import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795555200000-CreatePrivacyRetentionIndexes',
  async up(db) {
    // `retention purge` looks for members withdrawn before a cutoff. Sparse: active members have
    // no `withdrawnAt` and stay out of the index (DocumentDB supports sparse, partial only in part).
    await db
      .collection('members')
      .createIndex({ withdrawnAt: 1 }, { name: 'withdrawnAt_sparse', sparse: true });
    // 파기 기록 are read per collection and period (audits, "what was destroyed last month").
    await db
      .collection('privacy_destructions')
      .createIndex({ collection: 1, at: 1 }, { name: 'collection_at' });
  },
};
