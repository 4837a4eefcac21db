import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795537200000-CreateSessionRevocations',
  async up(db) {
    const revocations = db.collection('session_revocations');
    // Every API task pulls the changes since its last pull.
    await revocations.createIndex({ updatedAt: 1 }, { name: 'updated_at' });
    await revocations.createIndex(
      { expiresAt: 1 },
      { name: 'expires_at_ttl', expireAfterSeconds: 0 },
    );
  },
};
