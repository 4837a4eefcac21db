import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796493600000-CreateMigrationState',
  async up(db) {
    // The Firestore migration's state (modules/firestore-migration/engine): a task claims the
    // next partition of a stage's pass that is not done, in order.
    await db
      .collection('migration_partitions')
      .createIndex(
        { stage: 1, pass: 1, done: 1, collectionGroup: 1, index: 1 },
        { name: 'stage_pass_done_order' },
      );
    // Issues by stage, newest first (status, the admin route).
    await db
      .collection('migration_issues')
      .createIndex({ stage: 1, lastSeenAt: -1 }, { name: 'stage_lastSeenAt' });
    await db.collection('migration_runs').createIndex({ startedAt: -1 }, { name: 'startedAt' });
  },
};
