import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795600400000-CreateAssignments',
  async up(db) {
    const assignments = db.collection('assignments');
    // One active assignment (applied, proposed, confirmed) per worker and shift: `activeKey` is
    // set only while active, so the index is sparse and a worker may apply again after a decline.
    await assignments.createIndex(
      { activeKey: 1 },
      { name: 'activeKey_unique', unique: true, sparse: true },
    );
    // A shift's assignments and a worker's, newest first; the active ones of a cancelled shift.
    await assignments.createIndex({ shiftId: 1, _id: -1 }, { name: 'shiftId_id' });
    await assignments.createIndex({ workerId: 1, _id: -1 }, { name: 'workerId_id' });
    await assignments.createIndex({ shiftId: 1, state: 1 }, { name: 'shiftId_state' });
    // The holds repair looks for schedule entries written a while ago.
    await db
      .collection('worker_schedules')
      .createIndex({ 'entries.heldAt': 1 }, { name: 'entries_heldAt' });
  },
};
