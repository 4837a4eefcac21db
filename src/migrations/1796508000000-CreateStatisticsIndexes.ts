import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796508000000-CreateStatisticsIndexes',
  async up(db) {
    // The monthly statistics' $match stages, each a range over one month (modules/statistics).
    await db.collection('members').createIndex({ createdAt: 1 }, { name: 'createdAt' });
    await db.collection('workers').createIndex({ 'history.at': 1 }, { name: 'history_at' });
    await db.collection('businesses').createIndex({ 'history.at': 1 }, { name: 'history_at' });
    await db.collection('shifts').createIndex({ startsAt: 1 }, { name: 'startsAt' });
    await db.collection('shifts').createIndex({ createdAt: 1 }, { name: 'createdAt' });
    await db.collection('assignments').createIndex({ startsAt: 1 }, { name: 'startsAt' });
    await db.collection('assignments').createIndex({ createdAt: 1 }, { name: 'createdAt' });
    // One counter per KST day and rule (assignments/eligibility-refusals.repository.ts).
    await db.collection('eligibility_refusals').createIndex({ day: 1 }, { name: 'day' });
  },
};
