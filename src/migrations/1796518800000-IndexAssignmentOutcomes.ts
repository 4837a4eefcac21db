import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796518800000-IndexAssignmentOutcomes',
  async up(db) {
    // The monthly statistics' outcomes (AssignmentsRepository.monthOutcomes): a month's
    // assignments grouped by shift and state with their hours. This index bounds the month and
    // holds every field the `$group` reads, so the embedded engine answers it from the keys alone
    // (a covered read) instead of reading 1M assignments; it replaces `startsAt`, which served
    // only that query. The second counts the month's late cancellations from its keys.
    const assignments = db.collection('assignments');
    await assignments.createIndex(
      { startsAt: 1, shiftId: 1, state: 1, hoursWorked: 1 },
      { name: 'startsAt_shiftId_state_hoursWorked' },
    );
    await assignments.createIndex(
      { state: 1, 'cancellation.late': 1, startsAt: 1 },
      { name: 'state_cancellationLate_startsAt' },
    );
    await assignments.dropIndex('startsAt');
  },
};
