import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796515200000-IndexApplicationsByOrigin',
  async up(db) {
    // The monthly statistics' applications, `{ origin: 'application', createdAt: <month> }`:
    // this index bounds the filter exactly, so the count reads its keys and no assignment
    // (AssignmentsRepository.countApplications). It replaces `createdAt`, which served only that
    // count and made it read every assignment of the month.
    const assignments = db.collection('assignments');
    await assignments.createIndex({ origin: 1, createdAt: 1 }, { name: 'origin_createdAt' });
    await assignments.dropIndex('createdAt');
  },
};
