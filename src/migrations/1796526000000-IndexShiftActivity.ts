import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796526000000-IndexShiftActivity',
  async up(db) {
    // The monthly statistics' shifts (ShiftsRepository.monthActivity): the open shifts starting
    // in the month, one row each. This index bounds them and holds every field a row needs, so
    // the embedded engine answers from its keys alone instead of reading 100k shifts. It
    // replaces `startsAt`, which served only that query.
    const shifts = db.collection('shifts');
    await shifts.createIndex(
      {
        status: 1,
        startsAt: 1,
        _id: 1,
        businessId: 1,
        'place.regionCode': 1,
        headcount: 1,
        filled: 1,
        hourlyPayKrw: 1,
      },
      { name: 'status_startsAt_activity' },
    );
    await shifts.dropIndex('startsAt');
  },
};
