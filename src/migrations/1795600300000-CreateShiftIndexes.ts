import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795600300000-CreateShiftIndexes',
  async up(db) {
    const shifts = db.collection('shifts');
    // Browsing: open shifts by start time, in (startsAt, _id) page order; region and slots left
    // are filtered on the way.
    await shifts.createIndex({ status: 1, startsAt: 1, _id: 1 }, { name: 'status_startsAt' });
    // Browsing one region: a range of the 10-digit code, then by start.
    await shifts.createIndex(
      { 'place.regionCode': 1, status: 1, startsAt: 1 },
      { name: 'regionCode_status_startsAt' },
    );
    // A business's own list, every status.
    await shifts.createIndex(
      { businessId: 1, startsAt: 1, _id: 1 },
      { name: 'businessId_startsAt' },
    );
    // The outbox dispatcher looks for shifts with undelivered events (`shift.cancelled`).
    await shifts.createIndex({ 'outbox.id': 1 }, { name: 'outbox_pending_sparse', sparse: true });
  },
};
