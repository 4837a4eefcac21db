import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796536800000-IndexAlertEventsByTime',
  async up(db) {
    // The operators' recent alerts (AlertStore.recent): the events of a window, by their time.
    await db.collection('alert_events').createIndex({ at: 1 }, { name: 'at' });
  },
};
