import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795600000000-CreateBusinesses',
  async up(db) {
    const businesses = db.collection('businesses');
    // One registration number, one business: its blind index is unique. Sparse, because a
    // business anonymized after its retention period has none (the field is removed, not nulled).
    await businesses.createIndex(
      { businessNumberLookup: 1 },
      { name: 'businessNumberLookup_unique', unique: true, sparse: true },
    );
    // "My businesses" and the staff checks of every business route (multikey).
    await businesses.createIndex({ 'staff.memberId': 1 }, { name: 'staff_memberId' });
    // `retention purge` looks for businesses closed before a cutoff.
    await businesses.createIndex({ closedAt: 1 }, { name: 'closedAt_sparse', sparse: true });
  },
};
