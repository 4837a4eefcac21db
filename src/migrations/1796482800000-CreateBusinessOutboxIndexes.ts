import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796482800000-CreateBusinessOutboxIndexes',
  async up(db) {
    // The outbox dispatcher looks for businesses with undelivered events (`business.nts_changed`);
    // sparse, as for the other sources: only documents with work are in it.
    await db
      .collection('businesses')
      .createIndex({ 'outbox.id': 1 }, { name: 'outbox_pending_sparse', sparse: true });
    // A business whose NTS status changed: its assignments that hold a worker's time.
    await db
      .collection('assignments')
      .createIndex({ businessId: 1, state: 1 }, { name: 'businessId_state' });
  },
};
