import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796497200000-IndexMigrationIssuesByPath',
  async up(db) {
    // `migrate verify` asks which missing documents were reported, a batch of paths at a time;
    // the per-user migration reads one document's issues.
    await db.collection('migration_issues').createIndex({ path: 1 }, { name: 'path' });
  },
};
