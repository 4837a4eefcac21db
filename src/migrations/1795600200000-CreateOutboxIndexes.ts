import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795600200000-CreateOutboxIndexes',
  async up(db) {
    // The outbox dispatcher looks for assignments with undelivered events. Sparse: `outbox.id`
    // exists only while an event waits, so the index holds just the documents with work
    // (DocumentDB supports sparse; partial only in part).
    await db
      .collection('assignments')
      .createIndex({ 'outbox.id': 1 }, { name: 'outbox_pending_sparse', sparse: true });
    // A claim orphaned by a crash between delivery and release goes by itself.
    await db
      .collection('outbox_claims')
      .createIndex({ expireAt: 1 }, { name: 'expireAt_ttl', expireAfterSeconds: 0 });
    // Operators list parked events newest first.
    await db.collection('outbox_dead_letters').createIndex({ parkedAt: -1 }, { name: 'parkedAt' });
  },
};
