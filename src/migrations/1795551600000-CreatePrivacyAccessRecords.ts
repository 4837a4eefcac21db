import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795551600000-CreatePrivacyAccessRecords',
  async up(db) {
    const records = db.collection('privacy_access_records');
    // The monthly review reads a month by time; "what did this operator do" and "who accessed
    // member X" (a data subject's 열람 request) are answered by actor and by subject. `_id` is the
    // sequence number, so the chain walk needs no index of its own.
    await records.createIndex({ at: 1 }, { name: 'at' });
    await records.createIndex({ 'actor.id': 1, at: 1 }, { name: 'actor_at' });
    await records.createIndex({ subjects: 1, at: 1 }, { name: 'subjects_at' });
  },
};
